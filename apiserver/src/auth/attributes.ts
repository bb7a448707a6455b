// RequestInfo → authorization Attributes, and upstream's Forbidden message for a denied request.
import { errors, StatusError } from '@kubets/api';
import type { RequestInfo } from '../http/request-info';
import type { Attributes, UserInfo } from './types';

export function resourceAttributes(user: UserInfo, info: RequestInfo, query: URLSearchParams): Attributes {
  let name = info.name;
  let namespace = info.namespace;
  // the namespace object itself lives "in" its own namespace for RBAC (upstream RequestInfoFactory)
  if (info.resource === 'namespaces' && info.name && !namespace) namespace = info.name;
  // list/watch narrowed to one object by metadata.name count as that name (resourceNames rules)
  if (!name && (info.verb === 'list' || info.verb === 'watch')) {
    const m = /(?:^|,)metadata\.name==?([^,]+)(?:,|$)/.exec(query.get('fieldSelector') ?? '');
    if (m?.[1]) name = m[1];
  }
  return { user, verb: info.verb, resourceRequest: true, path: '', apiGroup: info.group, apiVersion: info.version, resource: info.resource, subresource: info.subresource, namespace, name };
}

export function nonResourceAttributes(user: UserInfo, method: string, path: string): Attributes {
  return { user, verb: method === 'HEAD' ? 'get' : method.toLowerCase(), resourceRequest: false, path, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
}

/** `pods "x" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "ns"`. */
export function forbidden(a: Attributes, reason = ''): StatusError {
  const who = `User "${a.user.name}"`;
  const why = reason ? `: ${reason}` : '';
  if (!a.resourceRequest) {
    return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `forbidden: ${who} cannot ${a.verb} path "${a.path}"${why}`, reason: 'Forbidden', details: {}, code: 403 });
  }
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return errors.forbidden({ group: a.apiGroup, resource: a.resource }, a.name, `${who} cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}" ${scope}${why}`);
}
