// Parses an API path into group/version/resource/namespace/name/subresource, like Kubernetes' RequestInfoFactory.
import { queryBool } from './params';
export interface RequestInfo {
  /** true for /api/... and /apis/<g>/<v>/... resource paths */
  isResourceRequest: boolean;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  /** get, list, watch, create, update, patch, delete, deletecollection, or the HTTP verb lowercased */
  verb: string;
  /** legacy /watch/ prefix */
  legacyWatch: boolean;
  /** remaining path segments after the subresource (e.g. proxy paths) */
  rest: string[];
}

const namespaceSubresources = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo | undefined {
  let segs = pathname.split('/').filter((s) => s.length > 0).map((s) => safeDecode(s));
  let group = '';
  let version = '';
  if (segs[0] === 'api') {
    if (segs.length < 2) return undefined;
    version = segs[1]!;
    segs = segs.slice(2);
  } else if (segs[0] === 'apis') {
    if (segs.length < 3) return undefined;
    group = segs[1]!;
    version = segs[2]!;
    segs = segs.slice(3);
  } else {
    return undefined;
  }
  if (segs.length === 0) return undefined;
  let legacyWatch = false;
  if (segs[0] === 'watch') {
    legacyWatch = true;
    segs = segs.slice(1);
  }
  let namespace = '';
  if (segs[0] === 'namespaces' && segs.length >= 3 && !namespaceSubresources.has(segs[2]!)) {
    namespace = segs[1]!;
    segs = segs.slice(2);
  } else if (segs[0] === 'namespaces' && segs.length >= 2) {
    // /namespaces/<name>[/status|/finalize]: the namespace object itself
    namespace = '';
  }
  const resource = segs[0] ?? '';
  const name = segs[1] ?? '';
  const subresource = segs[2] ?? '';
  const rest = segs.slice(3);
  const isWatch = legacyWatch || queryBool(query.get('watch'));
  let verb: string;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = isWatch ? 'watch' : name ? 'get' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = method.toLowerCase();
  }
  return { isResourceRequest: true, group, version, namespace, resource, name, subresource, verb, legacyWatch, rest };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
