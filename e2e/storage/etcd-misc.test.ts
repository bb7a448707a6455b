// Embedded etcd lifecycle, the compactor and the etcd metrics, against a real etcd.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import { Registry } from 'prom-client';
import { findEtcdBinary, startEmbeddedEtcd } from '@kubets/apiserver/etcd/embedded';
import { freePort } from '@kubets/apiserver/etcd/ports';
import { EtcdStorage } from '@kubets/apiserver/storage/etcd-store';
import { startCompactor, COMPACT_REV_KEY } from '@kubets/apiserver/storage/compactor';
import { withEtcd } from '../harness/etcd';

const etcd = withEtcd();

function getHealth(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/health`, (res) => {
        let b = '';
        res.on('data', (c) => (b += String(c)));
        res.on('end', () => resolve(b));
      })
      .on('error', reject);
  });
}

describe('embedded etcd', () => {
  it('finds the binary', () => {
    expect(findEtcdBinary()).toMatch(/etcd$/);
  });

  it('starts healthy, logs to a file, stops idempotently and on abort', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-etcd-emb-'));
    try {
      const ac = new AbortController();
      const e = await startEmbeddedEtcd({
        dataDir: path.join(dir, 'data'),
        clientPort: await freePort(),
        peerPort: await freePort(),
        signal: ac.signal,
      });
      expect(JSON.parse(await getHealth(e.endpoint))).toMatchObject({ health: 'true' });
      expect(fs.existsSync(e.logFile)).toBe(true);
      expect(e.logFile.startsWith(dir)).toBe(true);
      ac.abort();
      await e.stop();
      await e.stop();
      expect(() => process.kill(e.pid, 0)).toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a failed start with the log tail', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-etcd-bad-'));
    try {
      const port = await freePort();
      await expect(
        startEmbeddedEtcd({ dataDir: path.join(dir, 'data'), clientPort: port, peerPort: port, startTimeoutMs: 15_000 }),
      ).rejects.toThrow(/etcd/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compactor', () => {
  it('compacts to the revision seen on the previous tick', async () => {
    const s = new EtcdStorage({ hosts: etcd().endpoint });
    const c = startCompactor(s.client, 3_600_000, { log: () => undefined });
    try {
      await s.create('/registry/core/configmaps/ns/c1', { metadata: { name: 'c1', namespace: 'ns' } });
      expect(await c.tick()).toBe(0); // first tick only records the revision
      const rev1 = Number(await s.currentResourceVersion());
      const obj = await s.guaranteedUpdate('/registry/core/configmaps/ns/c1', (o) => ({ ...o, data: { a: '1' } }));
      const compacted = await c.tick();
      expect(compacted).toBe(rev1);
      expect(Number(obj.metadata.resourceVersion)).toBeGreaterThan(compacted);
      await expect(s.list('/registry/core/configmaps/', { resourceVersion: String(rev1 - 1), resourceVersionMatch: 'Exact' })).rejects.toMatchObject({ status: { code: 410 } });
      const list = await s.list('/registry/core/configmaps/', { resourceVersion: String(compacted), resourceVersionMatch: 'Exact' });
      expect(list.items).toHaveLength(1);
      expect(await s.client.get(COMPACT_REV_KEY).string()).toBe(String(rev1));
    } finally {
      c.stop();
      await s.close();
    }
  });
});

describe('etcd metrics', () => {
  it('records etcd_request_duration_seconds and etcd_requests_total by operation and type', async () => {
    const registry = new Registry();
    const s = new EtcdStorage({ hosts: etcd().endpoint, registry });
    try {
      await s.create('/registry/apps/deployments/ns/d', { metadata: { name: 'd', namespace: 'ns' } });
      await s.get('/registry/apps/deployments/ns/d');
      await s.list('/registry/apps/deployments/', {});
      const text = await registry.metrics();
      expect(text).toMatch(/etcd_requests_total\{operation="create",type="deployments.apps"\} 1/);
      expect(text).toMatch(/etcd_request_duration_seconds_count\{operation="list",type="deployments.apps"\} 1/);
    } finally {
      await s.close();
    }
  });
});
