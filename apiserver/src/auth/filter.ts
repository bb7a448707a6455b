// The request path's security filter: authenticate (401), impersonate, authorize (403), as kube-apiserver's
// WithAuthentication → WithImpersonation → WithAuthorization chain.
import type { IncomingMessage } from 'node:http';
import { errors, type StatusError } from '@kubets/api';
import type { RequestInfo } from '../http/request-info';
import { AuthenticationError } from './authn/authenticator';
import { forbidden, nonResourceAttributes, resourceAttributes } from './attributes';
import { impersonate } from './impersonation';
import type { Auth } from './setup';
import type { Attributes, UserInfo } from './types';
import { setRequestUser } from './request-user';

export function unauthorized(): StatusError {
  return errors.unauthorized('Unauthorized');
}

/** The caller and the effective user of the request (they differ when impersonating); throws 401 or 403. */
export async function authenticate(auth: Auth, req: IncomingMessage): Promise<{ user: UserInfo; caller: UserInfo }> {
  let caller: UserInfo;
  try {
    caller = await auth.authn.authenticate(req);
  } catch (e) {
    if (e instanceof AuthenticationError) throw unauthorized();
    throw e;
  }
  const user = await impersonate(req, caller, auth.authorizer);
  setRequestUser(req, user);
  return { user, caller };
}

export function attributesOf(user: UserInfo, method: string, path: string, info: RequestInfo | undefined, query: URLSearchParams): Attributes {
  return info ? resourceAttributes(user, info, query) : nonResourceAttributes(user, method, path);
}

/** The authorizer's answer, and a 403 with upstream's message to throw when it is not allow. */
export async function authorize(auth: Auth, a: Attributes): Promise<{ allowed: boolean; reason: string; error: StatusError | undefined }> {
  const r = await auth.authorizer.authorize(a);
  const allowed = r.decision === 'allow';
  return { allowed, reason: r.reason, error: allowed ? undefined : forbidden(a, r.reason) };
}
