import { parseRequestInfo } from '../http/request-info';
import { requestMetricLabels } from './metrics';

// [method, URL, content type, expected verb, scope, subresource, dry_run, component]
const cases: [string, string, string, string, string, string, string, string][] = [
  ['POST', '/api/v1/namespaces/default/pods', 'application/json', 'POST', 'resource', '', '', 'apiserver'],
  ['POST', '/api/v1/namespaces/default/pods?dryRun=All', 'application/json', 'POST', 'resource', '', 'All', 'apiserver'],
  ['PUT', '/api/v1/namespaces/default/pods/p', 'application/json', 'PUT', 'resource', '', '', 'apiserver'],
  ['PUT', '/api/v1/namespaces/default/pods/p/status', 'application/json', 'PUT', 'resource', 'status', '', 'apiserver'],
  ['PATCH', '/apis/apps/v1/namespaces/default/deployments/d', 'application/strategic-merge-patch+json', 'PATCH', 'resource', '', '', 'apiserver'],
  ['PATCH', '/apis/apps/v1/namespaces/default/deployments/d?fieldManager=x', 'application/apply-patch+yaml', 'APPLY', 'resource', '', '', 'apiserver'],
  ['DELETE', '/api/v1/namespaces/default/pods/p', '', 'DELETE', 'resource', '', '', 'apiserver'],
  ['DELETE', '/api/v1/namespaces/default/pods', '', 'DELETECOLLECTION', 'namespace', '', '', 'apiserver'],
  ['GET', '/api/v1/namespaces/default/pods/p', '', 'GET', 'resource', '', '', 'apiserver'],
  ['GET', '/api/v1/namespaces/default/pods', '', 'LIST', 'namespace', '', '', 'apiserver'],
  ['GET', '/api/v1/pods', '', 'LIST', 'cluster', '', '', 'apiserver'],
  ['GET', '/api/v1/nodes', '', 'LIST', 'cluster', '', '', 'apiserver'],
  ['GET', '/api/v1/pods?watch=true', '', 'WATCH', 'cluster', '', '', 'apiserver'],
  ['GET', '/api/v1/pods?watch=True', '', 'WATCH', 'cluster', '', '', 'apiserver'],
  ['GET', '/api/v1/pods?watch=1', '', 'WATCH', 'cluster', '', '', 'apiserver'],
  ['GET', '/api/v1/pods?watch=false', '', 'LIST', 'cluster', '', '', 'apiserver'],
  ['GET', '/api/v1/pods?watch=0', '', 'LIST', 'cluster', '', '', 'apiserver'],
  ['GET', '/api/v1/watch/namespaces/default/pods', '', 'WATCH', 'namespace', '', '', 'apiserver'],
  ['GET', '/api/v1/namespaces/default/pods/p/log', '', 'GET', 'resource', 'log', '', 'apiserver'],
  ['POST', '/api/v1/namespaces/default/pods/p/exec', '', 'CONNECT', 'resource', 'exec', '', 'apiserver'],
  ['GET', '/api/v1/namespaces/default/pods/p/portforward', '', 'CONNECT', 'resource', 'portforward', '', 'apiserver'],
  ['POST', '/api/v1/namespaces/default/pods/p/binding', 'application/json', 'POST', 'resource', 'binding', '', 'apiserver'],
  ['POST', '/api/v1/namespaces', 'application/json', 'POST', 'resource', '', '', 'apiserver'],
  ['DELETE', '/api/v1/namespaces/ns?dryRun=bogus', '', 'DELETE', 'resource', '', 'invalid', 'apiserver'],
  ['GET', '/healthz', '', 'GET', '', '/healthz', '', ''],
  ['GET', '/readyz', '', 'GET', '', '/readyz', '', ''],
  ['GET', '/metrics', '', 'GET', '', '/metrics', '', ''],
];

describe('requestMetricLabels (as metrics.CleanVerb / CleanScope / cleanDryRun)', () => {
  it.each(cases)('%s %s (%s)', (method, url, ct, verb, scope, subresource, dryRun, component) => {
    const u = new URL(url, 'http://x');
    const info = parseRequestInfo(method, u.pathname, u.searchParams);
    const l = requestMetricLabels(method, u.pathname, info, u.searchParams, ct || undefined);
    expect(l).toMatchObject({ verb, scope, subresource, dry_run: dryRun, component });
  });
  it('leaves paths upstream does not instrument unrecorded', () => {
    for (const p of ['/version', '/api', '/apis', '/openapi/v3']) expect(requestMetricLabels('GET', p, undefined, new URLSearchParams())).toBeUndefined();
  });
});
