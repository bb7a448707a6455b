import type { Pod } from '@kubets/api';
import { runtimeMaskedPaths, runtimeReadonlyPaths, runtimeSeccomp, verifyRunAsNonRoot } from './security';

test.each([
  [undefined, true],
  [null, true],
  ['Default', true],
  ['Unmasked', false],
])('procMount %p → default masked/readonly paths: %p', (procMount, defaults) => {
  expect(runtimeMaskedPaths(procMount).includes('/proc/kcore')).toBe(defaults);
  expect(runtimeReadonlyPaths(procMount).includes('/proc/sys')).toBe(defaults);
  expect(runtimeMaskedPaths(procMount).length > 0).toBe(defaults);
});

describe('container security defaults', () => {
  const pod = (psc: Record<string, unknown> = {}, sc: Record<string, unknown> = {}) =>
    ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { securityContext: psc, containers: [{ name: 'c', image: 'busybox', securityContext: sc }] } }) as unknown as Pod;
  const ctr = (p: Pod) => p.spec!.containers[0]!;

  it('runAsNonRoot refuses root, unverifiable named users and runAsUser 0', () => {
    const p = pod({ runAsNonRoot: true });
    expect(verifyRunAsNonRoot(p, ctr(p), { uid: null, username: '' })).toBe('container has runAsNonRoot and image will run as root (pod: "p_ns(u1)", container: c)');
    expect(verifyRunAsNonRoot(p, ctr(p), undefined)).toContain('image will run as root');
    expect(verifyRunAsNonRoot(p, ctr(p), { uid: { value: 0 } })).toContain('image will run as root');
    expect(verifyRunAsNonRoot(p, ctr(p), { username: 'nobody' })).toContain('image has non-numeric user (nobody), cannot verify user is non-root');
    expect(verifyRunAsNonRoot(p, ctr(p), { uid: { value: 1000 } })).toBeUndefined();
    const asUser = pod({ runAsNonRoot: true }, { runAsUser: 1000 });
    expect(verifyRunAsNonRoot(asUser, ctr(asUser), { uid: { value: 0 } })).toBeUndefined(); // runAsUser wins over the image
    const asRoot = pod({ runAsNonRoot: true, runAsUser: 0 });
    expect(verifyRunAsNonRoot(asRoot, ctr(asRoot), { uid: { value: 1000 } })).toContain("runAsUser breaks non-root policy");
    const off = pod({ runAsNonRoot: true }, { runAsNonRoot: false }); // the container's setting overrides the pod's
    expect(verifyRunAsNonRoot(off, ctr(off), undefined)).toBeUndefined();
  });

  it('seccompProfile: container over pod; none means Unconfined', () => {
    const none = pod();
    expect(runtimeSeccomp(none, ctr(none), '/r')).toEqual({ profile_type: 1, localhost_ref: '' });
    const rd = pod({ seccompProfile: { type: 'RuntimeDefault' } });
    expect(runtimeSeccomp(rd, ctr(rd), '/r')).toEqual({ profile_type: 0, localhost_ref: '' });
    const over = pod({ seccompProfile: { type: 'RuntimeDefault' } }, { seccompProfile: { type: 'Unconfined' } });
    expect(runtimeSeccomp(over, ctr(over), '/r').profile_type).toBe(1);
    const lh = pod({}, { seccompProfile: { type: 'Localhost', localhostProfile: 'prof.json' } });
    expect(runtimeSeccomp(lh, ctr(lh), '/r')).toEqual({ profile_type: 2, localhost_ref: '/r/seccomp/prof.json' });
  });
});
