import { normalizeReference, parseReference } from './reference';

test.each([
  ['busybox', 'docker.io/library/busybox:latest'],
  ['busybox:1.36', 'docker.io/library/busybox:1.36'],
  ['docker.io/library/busybox:latest', 'docker.io/library/busybox:latest'],
  ['user/app', 'docker.io/user/app:latest'],
  ['registry.k8s.io/pause:3.9', 'registry.k8s.io/pause:3.9'],
  ['127.0.0.1:5000/test/bb:1', '127.0.0.1:5000/test/bb:1'],
  ['localhost/x', 'localhost/x:latest'],
  [`busybox@sha256:${'a'.repeat(64)}`, `docker.io/library/busybox@sha256:${'a'.repeat(64)}`],
])('%s -> %s', (inp, want) => expect(normalizeReference(inp)).toBe(want));

test('host with port and digest', () => {
  expect(parseReference(`127.0.0.1:5000/a/b:t@sha256:${'b'.repeat(64)}`)).toEqual({ domain: '127.0.0.1:5000', path: 'a/b', tag: 't', digest: `sha256:${'b'.repeat(64)}` });
});

test.each(['', 'UPPER', 'a@sha256:short'])('rejects %j', (r) => expect(() => parseReference(r)).toThrow());
