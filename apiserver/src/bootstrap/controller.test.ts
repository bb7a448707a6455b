import type { KubeObject } from '@kubets/api';
import { MemoryStorage } from '../testing/memory-storage';
import { startBootstrapController, type BootstrapController } from './controller';

const obj = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

async function until(fn: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not met');
}

describe('bootstrap controller', () => {
  let storage: MemoryStorage;
  let ctl: BootstrapController | undefined;
  let reconciles = 0;
  const wanted = ['default', 'kube-system'];
  const exists = (name: string) => storage.get(`/t/${name}`).then(() => true, () => false);
  const reconcile = async () => {
    reconciles++;
    for (const n of wanted) if (!(await exists(n))) await storage.create(`/t/${n}`, obj(n));
  };
  beforeEach(async () => {
    storage = new MemoryStorage();
    reconciles = 0;
    await reconcile();
    ctl = startBootstrapController({ watched: [{ storage, prefix: '/t/', names: new Set(wanted) }], reconcile, retryDelayMs: 10 });
    await until(async () => reconciles >= 2); // the reconcile that follows the watch starting
    await ctl.idle();
  });
  afterEach(() => ctl?.close());

  it.each(wanted)('re-creates %s after it is deleted', async (name) => {
    await storage.delete(`/t/${name}`);
    await until(() => exists(name));
  });

  it('ignores objects it does not own', async () => {
    await storage.create('/t/other', obj('other'));
    const before = reconciles;
    await storage.delete('/t/other');
    await new Promise((r) => setTimeout(r, 50));
    await ctl!.idle();
    expect(reconciles).toBe(before);
  });

  it('does nothing while idle (no polling)', async () => {
    const before = reconciles;
    await new Promise((r) => setTimeout(r, 100));
    expect(reconciles).toBe(before);
  });

  it('stops when closed', async () => {
    ctl!.close();
    await storage.delete('/t/default');
    await new Promise((r) => setTimeout(r, 50));
    expect(await exists('default')).toBe(false);
  });
});
