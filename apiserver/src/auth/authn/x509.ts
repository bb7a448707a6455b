// x509 client certificates: the TLS layer has already verified the chain against --client-ca-file; the
// subject's CN is the user name and each O a group. Read once per connection: getPeerCertificate() builds a
// fresh object on every call, which cost half the throughput of keep-alive GETs (bench/auth.bench.js).
import { Http2ServerRequest } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../types';
import type { RequestAuthenticator } from './authenticator';
import type { AnyRequest } from '../../http/either-version';

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
  authenticate(req: AnyRequest): UserInfo | undefined {
    // On h2, req.socket is a proxy made per stream: the connection is the stream's session (one per TLS socket).
    const session = req instanceof Http2ServerRequest ? req.stream.session : undefined;
    const key: object = session ?? req.socket;
    let user = byConnection.get(key);
    if (user === undefined) {
      const socket = (session ? session.socket : req.socket) as Partial<TLSSocket>;
      user = fromSocket(socket);
      byConnection.set(key, user);
    }
    return user ?? undefined;
  },
};
