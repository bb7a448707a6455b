import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod, ConfigMap, Secret } from '@kubets/api';
import { setUpVolumes, tearDownVolumes, isApiDataVolume, VolumeError, type VolumeSources } from './volumes';

const cm = { metadata: { name: 'cm', namespace: 'ns' }, data: { a: 'A', b: 'B' } } as unknown as ConfigMap;
const sec = { metadata: { name: 's', namespace: 'ns' }, data: { pw: Buffer.from('x').toString('base64') } } as unknown as Secret;

function sources(mounts: string[][] = []): VolumeSources {
  return {
    configMap: (_ns, n) => (n === 'cm' ? cm : undefined),
    secret: (_ns, n) => (n === 's' ? sec : undefined),
    serviceAccountToken: async (ns, sa, aud, exp) => `token:${ns}:${sa}:${aud ?? ''}:${exp}`,
    env: { configMap: () => undefined, secret: () => undefined, services: () => [], nodeName: 'n1', hostIP: '1.2.3.4', podIP: '10.244.0.9', nodeAllocatable: { cpu: 2, memory: 1 << 30, 'ephemeral-storage': 0 } },
    mount: (args) => void mounts.push(args),
  };
}

describe('setUpVolumes', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'vol-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const pod = (volumes: unknown[]): Pod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1', labels: { app: 'web', tier: 'fe' } }, spec: { serviceAccountName: 'sa', containers: [{ name: 'c', resources: { limits: { memory: '64Mi' } } }], volumes } }) as unknown as Pod;
  const read = (p: string) => fs.readFileSync(p, 'utf8');

  it('writes configMap (items, modes), secret, downwardAPI and projected volumes', async () => {
    const p = pod([
      { name: 'cfg', configMap: { name: 'cm', items: [{ key: 'b', path: 'sub/b.txt', mode: 0o600 }] } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } },
      { name: 'dw', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } }] } },
      { name: 'proj', projected: { sources: [{ configMap: { name: 'cm', items: [{ key: 'a', path: 'a' }] } }, { serviceAccountToken: { path: 'token', audience: 'api', expirationSeconds: 3600 } }, { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } }] } },
      { name: 'scratch', emptyDir: {} },
      { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    ]);
    const mounts: string[][] = [];
    const { paths } = await setUpVolumes(root, p, sources(mounts));
    const cfg = paths.get('cfg')!;
    expect(cfg).toBe(path.join(root, 'pods/u1/volumes/kubernetes.io~configmap/cfg'));
    expect(read(path.join(cfg, 'sub/b.txt'))).toBe('B');
    expect(fs.existsSync(path.join(cfg, 'a'))).toBe(false);
    expect(fs.statSync(path.join(cfg, 'sub/b.txt')).mode & 0o777).toBe(0o600);
    expect(read(path.join(paths.get('sec')!, 'pw'))).toBe('x');
    expect(fs.statSync(path.join(paths.get('sec')!, 'pw')).mode & 0o777).toBe(0o400);
    expect(read(path.join(paths.get('dw')!, 'labels'))).toBe('app="web"\ntier="fe"');
    expect(read(path.join(paths.get('dw')!, 'mem'))).toBe('64');
    expect(read(path.join(paths.get('proj')!, 'token'))).toBe('token:ns:sa:api:3600');
    expect(read(path.join(paths.get('proj')!, 'ns'))).toBe('ns');
    expect(fs.statSync(paths.get('scratch')!).isDirectory()).toBe(true);
    // secret, downwardAPI and projected payloads go to tmpfs (never the node's disk), with a size cap
    const apiTmpfs = (v: string) => ['-t', 'tmpfs', '-o', `mode=0755,size=${64 << 20}`, 'tmpfs', paths.get(v)!];
    expect(mounts).toEqual([apiTmpfs('sec'), apiTmpfs('dw'), apiTmpfs('proj'), ['-t', 'tmpfs', '-o', `size=${16 << 20}`, 'tmpfs', paths.get('mem')!]]);
    expect(fs.statSync(path.join(root, 'pods/u1/volumes')).mode & 0o777).toBe(0o750);
    expect(fs.statSync(path.join(paths.get('proj')!, 'token')).mode & 0o777).toBe(0o644); // projected defaultMode, as upstream
    expect(['cfg', 'sec', 'dw', 'proj'].every((v) => isApiDataVolume(p, v))).toBe(true);
    expect(isApiDataVolume(p, 'scratch') || isApiDataVolume(p, 'nope')).toBe(false);
    tearDownVolumes(root, 'u1');
    expect(fs.existsSync(path.join(root, 'pods/u1'))).toBe(false);
  });

  it('missing sources: FailedMount unless optional', async () => {
    await expect(setUpVolumes(root, pod([{ name: 'x', configMap: { name: 'nope' } }]), sources())).rejects.toThrow(VolumeError);
    await expect(setUpVolumes(root, pod([{ name: 'x', secret: { secretName: 'nope' } }]), sources())).rejects.toThrow('secret "nope" not found');
    const { paths } = await setUpVolumes(root, pod([{ name: 'x', configMap: { name: 'nope', optional: true } }]), sources());
    expect(fs.readdirSync(paths.get('x')!).filter((f) => !f.startsWith('..'))).toEqual([]);
  });

  it('hostPath type checks', async () => {
    const f = path.join(root, 'file');
    fs.writeFileSync(f, '');
    await expect(setUpVolumes(root, pod([{ name: 'h', hostPath: { path: f, type: 'Directory' } }]), sources())).rejects.toThrow('is not a directory');
    const d = path.join(root, 'made');
    const { paths } = await setUpVolumes(root, pod([{ name: 'h', hostPath: { path: d, type: 'DirectoryOrCreate' } }, { name: 'g', hostPath: { path: f, type: 'File' } }]), sources());
    expect(paths.get('h')).toBe(d);
    expect(fs.statSync(d).isDirectory()).toBe(true);
  });
});
