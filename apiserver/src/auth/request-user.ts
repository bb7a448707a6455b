// The authenticated user of a request, attached once by the server's auth filter and read by handlers,
// admission and audit (a WeakMap: nothing to clean up when the request is gone).
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from './types';

const users = new WeakMap<IncomingMessage, UserInfo>();

export function setRequestUser(req: IncomingMessage, user: UserInfo): void {
  users.set(req, user);
}

export function requestUser(req: IncomingMessage): UserInfo | undefined {
  return users.get(req);
}
