import type { PolicyRule } from '@kubets/api';
import type { Attributes } from '../types';
import { ruleAllows } from './rule-matching';

const req = (p: Partial<Attributes>): Attributes => ({
  user: { name: 'u', groups: [] },
  verb: 'get',
  resourceRequest: true,
  path: '',
  apiGroup: '',
  apiVersion: 'v1',
  resource: 'pods',
  subresource: '',
  namespace: 'default',
  name: '',
  ...p,
});

const cases: Array<[string, PolicyRule, Partial<Attributes>, boolean]> = [
  ['exact match', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, {}, true],
  ['verb mismatch', { verbs: ['list'], apiGroups: [''], resources: ['pods'] }, {}, false],
  ['verb *', { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, { verb: 'deletecollection' }, true],
  ['group mismatch', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, {}, false],
  ['group *', { verbs: ['get'], apiGroups: ['*'], resources: ['deployments'] }, { apiGroup: 'apps', resource: 'deployments' }, true],
  ['resource * covers subresources', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, { subresource: 'log' }, true],
  ['plain resource does not cover its subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { subresource: 'log' }, false],
  ['resource/subresource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, { subresource: 'log' }, true],
  ['resource/subresource does not cover the resource', { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, {}, false],
  ['*/subresource', { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }, { apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }, true],
  ['*/subresource other subresource', { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }, { resource: 'pods', subresource: 'status' }, false],
  ['*/subresource does not cover the main resource', { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }, { resource: 'deployments' }, false],
  ['resourceNames: get by name', { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }, { name: 'a' }, true],
  ['resourceNames: other name', { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }, { name: 'b' }, false],
  ['resourceNames: list has no name', { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }, { verb: 'list' }, false],
  ['resourceNames: create without name', { verbs: ['create'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }, { verb: 'create' }, false],
  ['resourceNames: watch with a field-selected name', { verbs: ['watch'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }, { verb: 'watch', name: 'a' }, true],
  ['nonResourceURL exact', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, { resourceRequest: false, path: '/healthz' }, true],
  ['nonResourceURL exact is not a prefix', { verbs: ['get'], nonResourceURLs: ['/healthz'] }, { resourceRequest: false, path: '/healthz/etcd' }, false],
  ['nonResourceURL trailing *', { verbs: ['get'], nonResourceURLs: ['/healthz/*'] }, { resourceRequest: false, path: '/healthz/etcd' }, true],
  ['nonResourceURL trailing * without slash', { verbs: ['get'], nonResourceURLs: ['/api*'] }, { resourceRequest: false, path: '/apis/apps' }, true],
  ['nonResourceURL *', { verbs: ['get'], nonResourceURLs: ['*'] }, { resourceRequest: false, path: '/anything' }, true],
  ['nonResourceURL verb is the lower-cased method', { verbs: ['get'], nonResourceURLs: ['*'] }, { resourceRequest: false, verb: 'post', path: '/x' }, false],
  ['resource rule never matches a non-resource request', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { resourceRequest: false, path: '/healthz' }, false],
  ['non-resource rule never matches a resource request', { verbs: ['*'], nonResourceURLs: ['*'] }, {}, false],
];

describe('ruleAllows', () => {
  it.each(cases)('%s', (_name, rule, attrs, want) => {
    expect(ruleAllows(req(attrs), rule)).toBe(want);
  });
});
