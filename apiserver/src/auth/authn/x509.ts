// x509 client certificates: the TLS layer has already verified the chain against --client-ca-file; the
// subject's CN is the user name and each O a group. Read once per connection: getPeerCertificate() builds a
// fresh object on every call, which cost half the throughput of keep-alive GETs (bench/auth.bench.js).
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../types';
import type { RequestAuthenticator } from './authenticator';

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const byConnection = new WeakMap<object, UserInfo | null>();

function fromSocket(socket: Partial<TLSSocket>): UserInfo | null {
  if (!socket.encrypted || !socket.authorized || typeof socket.getPeerCertificate !== 'function') return null;
  const cert = socket.getPeerCertificate();
  const cn = cert?.subject ? asList(cert.subject.CN)[0] : undefined;
  return cn ? { name: cn, groups: asList(cert.subject.O) } : null;
}

export const x509Authenticator: RequestAuthenticator = {
  name: 'x509',
  authenticate(req: IncomingMessage): UserInfo | undefined {
    const socket = req.socket as Partial<TLSSocket>;
    let user = byConnection.get(socket);
    if (user === undefined) {
      user = fromSocket(socket);
      byConnection.set(socket, user);
    }
    return user ?? undefined;
  },
};
