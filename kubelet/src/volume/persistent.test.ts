import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '@kubets/api';
import { persistentVolumePath, localPathRoot, type ClaimSources } from './persistent';

describe('persistentVolumeClaim volumes', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-pvc-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const pod: Pod = { metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers: [] } };
  const vol = { name: 'data', persistentVolumeClaim: { claimName: 'c' } };
  const claim = (over: Partial<PersistentVolumeClaim> = {}): PersistentVolumeClaim => ({ metadata: { name: 'c', namespace: 'ns', uid: 'cu' }, spec: { volumeName: 'pv1' }, status: { phase: 'Bound' }, ...over });
  const sources = (pv: Partial<PersistentVolume['spec']>, c = claim(), annotations: Record<string, string> = {}): ClaimSources => ({
    persistentVolumeClaim: async (ns, name) => {
      if (ns !== 'ns' || name !== 'c') throw new Error('not found');
      return c;
    },
    persistentVolume: async () => ({ metadata: { name: 'pv1', annotations }, spec: { claimRef: { namespace: 'ns', name: 'c', uid: 'cu' }, ...pv } }),
  });
  const lp = { 'pv.kubernetes.io/provisioned-by': 'kts.io/local-path' };

  it('local-path PV: the directory is created under <root>/local-path, writable by anyone', async () => {
    const p = path.join(localPathRoot(root), 'pv1');
    expect(await persistentVolumePath(root, pod, vol, sources({ local: { path: p } }, claim(), lp))).toBe(p);
    expect(fs.statSync(p).mode & 0o777).toBe(0o777);
  });

  it('local-path PV outside the root, with .., or relative is refused', async () => {
    await expect(persistentVolumePath(root, pod, vol, sources({ local: { path: '/etc' } }, claim(), lp))).rejects.toThrow(/not under this node's local-path root/);
    await expect(persistentVolumePath(root, pod, vol, sources({ local: { path: `${localPathRoot(root)}/../x` } }, claim(), lp))).rejects.toThrow(/must not contain '\.\.'/);
    await expect(persistentVolumePath(root, pod, vol, sources({ hostPath: { path: 'rel/dir' } }))).rejects.toThrow(/must be absolute/);
    fs.mkdirSync(localPathRoot(root), { recursive: true });
    fs.symlinkSync('/tmp', path.join(localPathRoot(root), 'pv1'));
    await expect(persistentVolumePath(root, pod, vol, sources({ local: { path: path.join(localPathRoot(root), 'pv1') } }, claim(), lp))).rejects.toThrow(/resolves elsewhere/);
  });

  it('hostPath and pre-created local PVs resolve to their path', async () => {
    const dir = path.join(root, 'data');
    expect(await persistentVolumePath(root, pod, vol, sources({ hostPath: { path: dir, type: 'DirectoryOrCreate' } }))).toBe(dir);
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    expect(await persistentVolumePath(root, pod, vol, sources({ local: { path: dir } }))).toBe(dir);
    await expect(persistentVolumePath(root, pod, vol, sources({ local: { path: path.join(root, 'missing') } }))).rejects.toThrow(/does not exist/);
  });

  it('refuses unbound claims, foreign bindings and unsupported volume types', async () => {
    await expect(persistentVolumePath(root, pod, vol, sources({ hostPath: { path: root } }, claim({ status: { phase: 'Pending' } })))).rejects.toThrow(/is not bound/);
    await expect(persistentVolumePath(root, pod, vol, sources({ hostPath: { path: root } }, claim({ metadata: { name: 'c', namespace: 'ns', uid: 'other' } })))).rejects.toThrow(/not bound to claim/);
    await expect(persistentVolumePath(root, pod, vol, sources({ nfs: { server: 's', path: '/x' } }))).rejects.toThrow(/\(nfs\) this kubelet cannot mount/);
    await expect(persistentVolumePath(root, pod, { name: 'data', persistentVolumeClaim: { claimName: 'nope' } }, sources({}))).rejects.toThrow(/"nope" not found/);
  });
});
