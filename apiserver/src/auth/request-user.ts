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

const annotations = new WeakMap<IncomingMessage, Record<string, string>>();

/** Audit annotations admission adds for this request (webhooks, Pod Security, policies); the audit log reads them
 * when the request completes. */
export function requestAuditAnnotations(req: IncomingMessage): Record<string, string> {
  let a = annotations.get(req);
  if (!a) annotations.set(req, (a = {}));
  return a;
}
