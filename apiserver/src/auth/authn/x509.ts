// x509 client certificates: the TLS layer has already verified the chain against --client-ca-file; the
// subject's CN is the user name and each O a group.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../types';
import type { RequestAuthenticator } from './authenticator';

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const x509Authenticator: RequestAuthenticator = {
  name: 'x509',
  authenticate(req: IncomingMessage): UserInfo | undefined {
    const socket = req.socket as Partial<TLSSocket>;
    if (!socket.encrypted || !socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
    const cert = socket.getPeerCertificate();
    if (!cert || !cert.subject) return undefined;
    const cn = asList(cert.subject.CN)[0];
    if (!cn) return undefined;
    return { name: cn, groups: asList(cert.subject.O) };
  },
};
