// Impersonation (`kubectl --as`, `--as-group`, `--as-uid`): the Impersonate-* headers replace the caller's
// identity after the caller passes an `impersonate` check for each requested user, group, uid and extra.
import type { IncomingMessage } from 'node:http';
import { errors } from '@kubets/api';
import { forbidden } from './attributes';
import { parseServiceAccountUser, type Attributes, type Authorizer, type UserInfo } from './types';

const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function impersonateAttrs(user: UserInfo, apiGroup: string, resource: string, name: string, namespace = '', subresource = ''): Attributes {
  return { user, verb: 'impersonate', resourceRequest: true, path: '', apiGroup, apiVersion: '', resource, subresource, namespace, name };
}

/** The effective user of a request: the caller, or whom it impersonates (throws 403/400). */
export async function impersonate(req: IncomingMessage, caller: UserInfo, authz: Authorizer): Promise<UserInfo> {
  const h = req.headers;
  const userName = all(h['impersonate-user'])[0];
  const groups = all(h['impersonate-group']).flatMap((g) => g.split(',').map((s) => s.trim())).filter(Boolean);
  const uid = all(h['impersonate-uid'])[0];
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (!k.startsWith('impersonate-extra-')) continue;
    extra[decodeURIComponent(k.slice('impersonate-extra-'.length))] = all(v).flatMap((s) => s.split(',').map((x) => x.trim()));
  }
  if (userName === undefined) {
    if (groups.length || uid !== undefined || Object.keys(extra).length) throw errors.badRequest('requested impersonation of groups, uid or extra without impersonating a user');
    return caller;
  }
  const checks: Attributes[] = [];
  const sa = parseServiceAccountUser(userName);
  checks.push(sa ? impersonateAttrs(caller, '', 'serviceaccounts', sa.name, sa.namespace) : impersonateAttrs(caller, '', 'users', userName));
  for (const g of groups) checks.push(impersonateAttrs(caller, '', 'groups', g));
  if (uid !== undefined) checks.push(impersonateAttrs(caller, 'authentication.k8s.io', 'uids', uid));
  for (const [k, vs] of Object.entries(extra)) for (const v of vs) checks.push(impersonateAttrs(caller, 'authentication.k8s.io', 'userextras', v, '', k));
  for (const a of checks) {
    const r = await authz.authorize(a);
    if (r.decision !== 'allow') throw forbidden(a, r.reason);
  }
  const finalGroups = [...groups];
  if (sa) finalGroups.push('system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`);
  if (userName === 'system:anonymous') finalGroups.push('system:unauthenticated');
  else if (!finalGroups.includes('system:authenticated')) finalGroups.push('system:authenticated');
  return { name: userName, groups: [...new Set(finalGroups)], ...(uid !== undefined ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}
