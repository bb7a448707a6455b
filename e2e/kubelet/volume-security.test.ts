// Attacks from inside real containers (runc) against the node: repointing "..data" in an API-data volume, a
// subPath through a symlink planted in an emptyDir (CVE-2017-1002101), secrets on the node's disk, and the
// container security defaults (seccomp RuntimeDefault, no_new_privs, read-only rootfs, runAsNonRoot).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod } from '@kubets/api';
import { ConfigMapKind, SecretKind, PodKind } from '@kubets/api';
import { eventually } from '../harness/apiserver';
import { startKubeletEnv, type KubeletEnv } from './harness';

jest.setTimeout(120_000);

let env: KubeletEnv;
let hostDir: string;
beforeAll(async () => {
  env = await startKubeletEnv(47);
  // a host directory the containers must never see or touch
  hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-host-secret-'));
  fs.writeFileSync(path.join(hostDir, 'marker'), 'host-only');
});
afterAll(async () => {
  await env?.cleanup();
  if (hostDir) fs.rmSync(hostDir, { recursive: true, force: true });
});

const cs = (p: Pod, name: string) => [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].find((c) => c.name === name);
const running = (name: string) => (p: Pod) => !!cs(p, name)?.state?.running;
async function sh(p: Pod, container: string, cmd: string): Promise<{ out: string; code: number }> {
  const id = (cs(p, container)?.containerID ?? '').replace(/^\w+:\/\//, '');
  const r = await env.kubelet.cri.execSync(id, ['sh', '-c', cmd], 10);
  return { out: r.stdout.toString() + r.stderr.toString(), code: r.exitCode };
}
const hostMounts = (): string[] => fs.readFileSync('/proc/mounts', 'utf8').split('\n');

test('all attacks, one pod each, started together', async () => {
  await env.client.resource(ConfigMapKind).namespace('default').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vs-cm' }, data: { key: 'v1' } });
  await env.client.resource(SecretKind).namespace('default').create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vs-sec' }, data: { password: Buffer.from('s3cret').toString('base64') } } as never);
  const sleeper = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: 'busybox', command: ['sh', '-c', 'sleep 3600'], ...extra });
  await Promise.all([
    // (a) + (c): API-data volumes, deliberately without readOnly on the mounts
    env.createPod({
      metadata: { name: 'apidata' },
      spec: {
        containers: [sleeper('c', { volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }, { name: 'sec', mountPath: '/sec' }, { name: 'proj', mountPath: '/proj' }, { name: 'sec400', mountPath: '/sec400' }] })],
        volumes: [
          { name: 'cfg', configMap: { name: 'vs-cm' } },
          { name: 'sec', secret: { secretName: 'vs-sec' } },
          { name: 'sec400', secret: { secretName: 'vs-sec', defaultMode: 0o400 } },
          { name: 'proj', projected: { sources: [{ secret: { name: 'vs-sec' } }, { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
        ],
      },
    }),
    // (b): an init container plants links to the host in a shared emptyDir; "victim" mounts one by subPath
    env.createPod({
      metadata: { name: 'subpath' },
      spec: {
        initContainers: [{ name: 'plant', image: 'busybox', command: ['sh', '-c', `ln -s ${hostDir} /shared/escape && ln -s / /shared/root && mkdir /shared/data && echo inside > /shared/data/hello && ln -s data /shared/inner`], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] }],
        containers: [
          sleeper('victim', { volumeMounts: [{ name: 'shared', mountPath: '/mnt', subPath: 'escape' }] }),
          sleeper('victim2', { volumeMounts: [{ name: 'shared', mountPath: '/mnt', subPath: 'root/etc' }] }),
          sleeper('ok', { volumeMounts: [{ name: 'shared', mountPath: '/data', subPath: 'inner' }, { name: 'shared', mountPath: '/hello', subPath: 'data/hello' }] }),
        ],
        volumes: [{ name: 'shared', emptyDir: {} }],
      },
    }),
    // container defaults
    env.createPod({
      metadata: { name: 'hardened' },
      spec: {
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [sleeper('c', { securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true } }), sleeper('plain', { securityContext: { seccompProfile: { type: 'Unconfined' } } })],
      },
    }),
    env.createPod({ metadata: { name: 'nonroot' }, spec: { securityContext: { runAsNonRoot: true }, containers: [sleeper('c')] } }),
  ]);

  // ---- (a) ..data cannot be repointed: the volume is read-only inside the container
  const a = await env.waitPod('apidata', running('c'), 60_000);
  for (const cmd of ['rm /cfg/..data', 'mv /cfg/..data /cfg/x', 'ln -s /etc /cfg/evil', 'echo x > /sec/password', 'rm -f /proj/name']) {
    const r = await sh(a, 'c', cmd);
    expect([cmd, r.code !== 0, r.out]).toEqual([cmd, true, expect.stringMatching(/Read-only file system/)]);
  }
  expect((await sh(a, 'c', 'ln -sfn / /cfg/..data')).code).not.toBe(0);
  expect((await sh(a, 'c', 'readlink /cfg/..data')).out).toMatch(/^\.\.\d{4}_\d\d_\d\d_/); // still the kubelet's payload dir
  expect((await sh(a, 'c', 'cat /cfg/key')).out).toBe('v1');
  // the kubelet's writer still updates the (read-only to the container) volume
  await env.client.resource(ConfigMapKind).namespace('default').patch('vs-cm', 'merge', { data: { key: 'v2' } });
  await eventually(async () => {
    const r = await sh(a, 'c', 'cat /cfg/key');
    if (r.out !== 'v2') throw new Error(r.out);
    return true;
  }, 60_000, 500);

  // ---- (c) secret payloads live on tmpfs with the right modes
  const uid = a.metadata.uid ?? '';
  const volDir = (plugin: string, name: string) => path.join(env.rootDir, 'pods', uid, 'volumes', plugin, name);
  const tmpfsAt = (p: string) => hostMounts().find((l) => l.split(' ')[1] === p)?.split(' ')[2];
  expect(tmpfsAt(volDir('kubernetes.io~secret', 'sec'))).toBe('tmpfs');
  expect(tmpfsAt(volDir('kubernetes.io~projected', 'proj'))).toBe('tmpfs');
  const inside = (await sh(a, 'c', 'cat /proc/mounts')).out.split('\n');
  expect(inside.find((l) => l.split(' ')[1] === '/sec')).toMatch(/^tmpfs \/sec tmpfs ro[, ]/);
  expect((await sh(a, 'c', 'stat -L -c %a /sec/password /sec400/password /proj/password')).out.split(/\s+/).filter(Boolean)).toEqual(['644', '400', '644']);
  expect((await sh(a, 'c', 'cat /sec/password')).out).toBe('s3cret');
  expect(fs.statSync(path.join(env.rootDir, 'pods', uid, 'volumes')).mode & 0o777).toBe(0o750);

  // ---- (b) a subPath through a planted symlink never reaches the host
  const fail = await env.waitPod('subpath', (p) => running('ok')(p) && ['victim', 'victim2'].every((c) => cs(p, c)?.state?.waiting?.reason === 'CreateContainerConfigError'), 60_000);
  expect(cs(fail, 'victim')?.state?.waiting?.message).toBe('failed to prepare subPath for volumeMount "shared" of container "victim"');
  expect(cs(fail, 'victim2')?.state?.waiting?.message).toBe('failed to prepare subPath for volumeMount "shared" of container "victim2"');
  expect(hostMounts().some((l) => l.includes(hostDir))).toBe(false);
  expect(fs.readFileSync(path.join(hostDir, 'marker'), 'utf8')).toBe('host-only');
  expect(fs.readdirSync(hostDir)).toEqual(['marker']);
  // a subPath through a link that stays inside the volume still works (dir and file)
  expect((await sh(fail, 'ok', 'cat /data/hello /hello')).out).toBe('inside\ninside\n');

  // ---- container defaults
  const h = await env.waitPod('hardened', (p) => running('c')(p) && running('plain')(p), 60_000);
  expect((await sh(h, 'c', "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status")).out).toMatch(/NoNewPrivs:\s+1\nSeccomp:\s+2/);
  expect((await sh(h, 'plain', "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status")).out).toMatch(/NoNewPrivs:\s+0\nSeccomp:\s+0/);
  expect((await sh(h, 'c', 'touch /x')).out).toMatch(/Read-only file system/);
  const nr = await env.waitPod('nonroot', (p) => cs(p, 'c')?.state?.waiting?.reason === 'CreateContainerConfigError', 30_000);
  expect(cs(nr, 'c')?.state?.waiting?.message).toBe(`container has runAsNonRoot and image will run as root (pod: "nonroot_default(${nr.metadata.uid})", container: c)`);

  // ---- teardown unmounts the tmpfs and subPath binds and removes the pod dirs
  const subUid = fail.metadata.uid ?? '';
  expect(hostMounts().some((l) => l.includes(path.join(env.rootDir, 'pods', subUid, 'volume-subpaths')))).toBe(true);
  for (const name of ['apidata', 'subpath']) await env.client.resource(PodKind).namespace('default').delete(name, { gracePeriodSeconds: 1 });
  await eventually(async () => {
    const left = hostMounts().filter((l) => l.includes(path.join(env.rootDir, 'pods', uid)) || l.includes(path.join(env.rootDir, 'pods', subUid)));
    if (left.length || fs.existsSync(path.join(env.rootDir, 'pods', uid)) || fs.existsSync(path.join(env.rootDir, 'pods', subUid))) throw new Error(left.join('\n'));
    return true;
  }, 30_000, 250);
  expect(fs.readFileSync(path.join(hostDir, 'marker'), 'utf8')).toBe('host-only');
});
