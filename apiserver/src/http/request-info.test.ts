import { parseRequestInfo } from './request-info';

const q = (s = '') => new URLSearchParams(s);

describe('parseRequestInfo', () => {
  it.each([
    ['GET', '/api/v1/pods', '', { group: '', version: 'v1', resource: 'pods', namespace: '', name: '', verb: 'list' }],
    ['GET', '/api/v1/namespaces/default/pods/x', '', { resource: 'pods', namespace: 'default', name: 'x', verb: 'get' }],
    ['GET', '/api/v1/namespaces/default', '', { resource: 'namespaces', namespace: '', name: 'default', verb: 'get' }],
    ['PUT', '/api/v1/namespaces/default/finalize', '', { resource: 'namespaces', name: 'default', subresource: 'finalize', verb: 'update' }],
    ['PATCH', '/api/v1/namespaces/default/status', '', { resource: 'namespaces', name: 'default', subresource: 'status', verb: 'patch' }],
    ['GET', '/apis/apps/v1/namespaces/ns/deployments/web/scale', '', { group: 'apps', resource: 'deployments', namespace: 'ns', name: 'web', subresource: 'scale' }],
    ['GET', '/api/v1/watch/namespaces/ns/pods', '', { resource: 'pods', namespace: 'ns', verb: 'watch', legacyWatch: true }],
    ['GET', '/api/v1/pods', 'watch=true', { verb: 'watch' }],
    ['DELETE', '/api/v1/namespaces/ns/pods', '', { verb: 'deletecollection' }],
    ['POST', '/api/v1/namespaces/ns/bindings', '', { resource: 'bindings', namespace: 'ns', verb: 'create' }],
  ])('%s %s?%s', (method, path, query, want) => {
    expect(parseRequestInfo(method, path, q(query))).toMatchObject(want);
  });

  it('rejects non-resource paths', () => {
    expect(parseRequestInfo('GET', '/api', q())).toBeUndefined();
    expect(parseRequestInfo('GET', '/apis/apps/v1', q())).toBeUndefined();
    expect(parseRequestInfo('GET', '/healthz', q())).toBeUndefined();
  });
});
