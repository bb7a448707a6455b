import { hasReason } from '@kubets/api';
import { compareResourceVersions, formatResourceVersion, parseResourceVersion, toRevision } from './resource-version';
import { decodeContinue, encodeContinue } from './continue-token';
import { ensureTrailingSlash, keyMatches, parseKey, prefixRangeEnd, resourceLabel } from './keys';

describe('parseResourceVersion', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['0', 0],
    ['1', 1],
    ['123456789', 123456789],
  ])('%p → %p', (input, want) => {
    expect(parseResourceVersion(input)).toBe(want);
  });

  it.each(['abc', '-1', '1.5', ' 1', '1e3', '99999999999999999999'])('rejects %p with 400 BadRequest', (input) => {
    let err: unknown;
    try {
      parseResourceVersion(input);
    } catch (e) {
      err = e;
    }
    expect(hasReason(err, 'BadRequest')).toBe(true);
    expect((err as Error).message).toMatch(/^invalid resource version/);
  });
});

describe('formatResourceVersion / toRevision', () => {
  it.each([
    [5, '5'],
    [5n, '5'],
    ['42', '42'],
  ])('%p → %p', (input, want) => {
    expect(formatResourceVersion(input)).toBe(want);
  });
  it('converts etcd revision strings', () => {
    expect(toRevision('17')).toBe(17);
    expect(toRevision(undefined)).toBe(0);
    expect(() => toRevision('x')).toThrow();
  });
  it('compares numerically', () => {
    expect(compareResourceVersions('9', '10')).toBeLessThan(0);
  });
});

describe('continue tokens', () => {
  it('round-trips in the Kubernetes format', () => {
    const tok = encodeContinue('/registry/core/pods/ns/b\x00', '/registry/core/pods/', 42);
    const json = JSON.parse(Buffer.from(tok, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(json).toEqual({ v: 'meta.k8s.io/v1', rv: 42, start: 'ns/b\x00' });
    expect(decodeContinue(tok, '/registry/core/pods/')).toEqual({ fromKey: '/registry/core/pods/ns/b\x00', rev: 42 });
  });
  it.each([
    ['garbage!', /continue key is not valid/],
    [Buffer.from('{"v":"other","rv":1,"start":"a"}').toString('base64url'), /does not recognize/],
    [Buffer.from('{"v":"meta.k8s.io/v1","rv":0,"start":"a"}').toString('base64url'), /resourceVersion/],
    [Buffer.from('{"v":"meta.k8s.io/v1","rv":3,"start":"../x"}').toString('base64url'), /not allowed/],
  ])('rejects %p', (tok, msg) => {
    expect(() => decodeContinue(tok, '/registry/core/pods/')).toThrow(msg);
  });
});

describe('keys', () => {
  it.each([
    ['/registry/core/pods/default/web', { group: '', resource: 'pods', name: 'web' }],
    ['/registry/apps/deployments/ns/d1', { group: 'apps', resource: 'deployments', name: 'd1' }],
    ['/registry/core/nodes/n1', { group: '', resource: 'nodes', name: 'n1' }],
  ])('parseKey(%p)', (key, want) => {
    expect(parseKey(key)).toEqual(want);
  });
  it('honours a custom --etcd-prefix', () => {
    expect(parseKey('/kts/registry/apps/deployments/ns/d', '/kts/registry')).toEqual({ group: 'apps', resource: 'deployments', name: 'd' });
    expect(resourceLabel('/kts/registry/core/pods/ns/p', '/kts/registry/')).toBe('pods');
  });
  it('labels and prefixes', () => {
    expect(resourceLabel('/registry/apps/deployments/ns/x')).toBe('deployments.apps');
    expect(ensureTrailingSlash('/a/b')).toBe('/a/b/');
    expect(prefixRangeEnd(Buffer.from('/a/')).toString()).toBe('/a0');
    expect(prefixRangeEnd(Buffer.from([0x61, 0xff]))).toEqual(Buffer.from([0x62]));
    expect(keyMatches('/r/p/ns1/a', '/r/p/ns1', true)).toBe(true);
    expect(keyMatches('/r/p/ns10/a', '/r/p/ns1', true)).toBe(false);
    expect(keyMatches('/r/p/ns1/a', '/r/p/ns1/a', false)).toBe(true);
  });
});
