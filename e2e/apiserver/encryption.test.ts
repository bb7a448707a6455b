// Secrets encrypted at rest against real etcd: values written through the API carry upstream's
// `k8s:enc:aescbc:v1:<key>:` prefix and no plaintext, reads (get, list from the watch cache, watch) decrypt, and
// `kts secrets-encrypt rotate` moves every Secret to a new key with the server running (config reloaded live).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Etcd3 } from 'etcd3';
import { RestClient, loadKubeconfig } from '@kubets/client';
import { startApiServer, type RunningApiServer } from '@kubets/apiserver/server';
import { EtcdStorage } from '@kubets/apiserver/storage';
import { freePort } from '@kubets/apiserver/etcd/ports';
import { createTestPki } from '@kubets/apiserver/testing/test-pki';
import { generateEncryptionConfig, loadEncryptionConfig, parseEncryptionConfig, ReloadingEncryptionConfig } from '@kubets/apiserver/encryption';
import { runStorageSuite } from '@kubets/apiserver/storage/storage-suite';
import { rotate } from '@kubets/cli/commands/secrets-encrypt';
import { startTestEtcd, type TestEtcd } from '../harness/etcd';
import { writeKubeconfig } from '../harness/apiserver';

let etcd: TestEtcd;
let dir: string;
let file: string;
let enc: ReloadingEncryptionConfig;
let storage: EtcdStorage;
let server: RunningApiServer;
let client: RestClient;
let raw: Etcd3;

const password = 'hunter2-correct-horse';
const b64 = Buffer.from(password).toString('base64');
const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, data: { password: b64 } });
const secretKey = (ns: string, name: string) => `/registry/core/secrets/${ns}/${name}`;

async function rawValue(key: string): Promise<Buffer> {
  const v = await raw.get(key).buffer();
  if (!v) throw new Error(`${key} not in etcd`);
  return v;
}

async function rawSecrets(): Promise<Map<string, Buffer>> {
  const all = await raw.getAll().prefix('/registry/core/secrets/').buffers();
  return new Map(Object.entries(all));
}

beforeAll(async () => {
  etcd = await startTestEtcd();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-encryption-'));
  const pki = await createTestPki(dir); // the server serves TLS from <dir>/tls
  file = generateEncryptionConfig(dir).file;
  enc = new ReloadingEncryptionConfig(file, { debounceMs: 50 });
  storage = new EtcdStorage({ hosts: etcd.endpoint, encryption: enc });
  server = await startApiServer({
    etcdServers: [etcd.endpoint],
    storage,
    bindAddress: '127.0.0.1',
    port: await freePort(),
    serviceClusterIpRange: '10.96.0.0/12',
    serviceNodePortRange: '30000-32767',
    dataDir: dir,
    etcdCompactionIntervalMs: 0,
  });
  writeKubeconfig(path.join(dir, 'kubeconfig'), server.url, { ca: pki.pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem });
  client = new RestClient(loadKubeconfig(path.join(dir, 'kubeconfig')).config);
  raw = new Etcd3({ hosts: etcd.endpoint });
}, 90_000);

afterAll(async () => {
  client?.close();
  raw?.close();
  await server?.close();
  await storage?.close();
  enc?.close();
  await etcd?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('encryption at rest', () => {
  it('stores Secrets under k8s:enc:aescbc:v1:key1: without plaintext and reads them back', async () => {
    await client.request({ method: 'POST', path: '/api/v1/namespaces/default/secrets', body: secret('s1') });
    const got = await client.request<{ data: Record<string, string> }>({ method: 'GET', path: '/api/v1/namespaces/default/secrets/s1' });
    expect(got.data.password).toBe(b64);

    const v = await rawValue(secretKey('default', 's1'));
    expect(v.subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key1:');
    expect(v.includes(Buffer.from(b64))).toBe(false);
    expect(v.includes(Buffer.from(password))).toBe(false);
    expect(v.includes(Buffer.from('"kind"'))).toBe(false);

    // resources the config does not name stay plain JSON
    await client.request({ method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1' }, data: { a: 'b' } } });
    expect(JSON.parse((await rawValue('/registry/core/configmaps/default/c1')).toString()).data).toEqual({ a: 'b' });
  });

  it('decrypts on list (watch cache) and watch', async () => {
    const list = await client.request<{ items: { metadata: { name: string }; data: Record<string, string> }[]; metadata: { resourceVersion: string } }>({
      method: 'GET',
      path: '/api/v1/namespaces/default/secrets',
      query: { resourceVersion: '0' },
    });
    expect(list.items.find((s) => s.metadata.name === 's1')?.data.password).toBe(b64);

    const { req, res } = await client.stream({ method: 'GET', path: '/api/v1/namespaces/default/secrets', query: { watch: true, resourceVersion: list.metadata.resourceVersion } });
    try {
      const event = new Promise<{ type: string; object: { metadata: { name: string }; data: Record<string, string> } }>((resolve, reject) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          const nl = buf.indexOf('\n');
          if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
        });
        res.on('error', reject);
      });
      await client.request({ method: 'POST', path: '/api/v1/namespaces/default/secrets', body: secret('s2') });
      const ev = await event;
      expect(ev.type).toBe('ADDED');
      expect(ev.object.metadata.name).toBe('s2');
      expect(ev.object.data.password).toBe(b64);
    } finally {
      req.destroy();
    }
  });

  it('kts secrets-encrypt rotate re-encrypts every Secret under a new key and retires the old one', async () => {
    await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } } });
    await client.request({ method: 'POST', path: '/api/v1/namespaces/other/secrets', body: secret('s3') });
    const before = await rawSecrets();
    expect(before.size).toBeGreaterThanOrEqual(3);
    for (const v of before.values()) expect(v.subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key1:');

    const lines: string[] = [];
    const r = await rotate({ file, client, timeoutMs: 20_000, log: (l) => lines.push(l) });
    expect(r.newKey).toBe('key2');
    expect(r.retired).toEqual(['key1']);
    expect(r.rewritten).toBe(before.size);

    // the file now holds only key2 (then identity), still 0600, and the server uses it
    const cfg = loadEncryptionConfig(file);
    expect(cfg.spec.resources[0]!.providers[0]!.aescbc!.keys.map((k) => k.name)).toEqual(['key2']);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(enc.current.hash).toBe(cfg.hash);

    const after = await rawSecrets();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const v of after.values()) {
      expect(v.subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key2:');
      expect(v.includes(Buffer.from(b64))).toBe(false);
    }
    for (const [ns, name] of [['default', 's1'], ['default', 's2'], ['other', 's3']] as const) {
      const s = await client.request<{ data: Record<string, string> }>({ method: 'GET', path: `/api/v1/namespaces/${ns}/secrets/${name}` });
      expect(s.data.password).toBe(b64);
    }
    // key1 is gone: a value still under it would be unreadable (what the retire step must never leave behind)
    expect(() => enc.current.transformerFor({ group: '', resource: 'secrets' })!.fromStorage(before.get(secretKey('default', 's1'))!, secretKey('default', 's1'))).toThrow(
      /no matching prefix|identity transformer tried to read encrypted data/,
    );
  }, 60_000);
});

// Every Storage behaviour (get, list pages, guaranteedUpdate, watch from any revision, predicates, compaction)
// with every value encrypted: aesgcm also binds each value to its key.
runStorageSuite('EtcdStorage (aesgcm at rest for *.*)', async () => {
  const cfg = parseEncryptionConfig(
    `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: ["*.*"]\n  providers:\n  - aesgcm: {keys: [{name: k, secret: ${Buffer.alloc(32, 7).toString('base64')}}]}\n`,
  );
  const s = new EtcdStorage({ hosts: etcd.endpoint, bookmarkIntervalMs: 200, encryption: cfg });
  return { storage: s, compact: (rev) => s.compact(rev), close: () => s.close() };
});
