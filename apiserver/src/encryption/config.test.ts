import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEncryptionConfig, parseEncryptionConfig } from './config';
import { generateEncryptionConfig, writeEncryptionConfig, defaultEncryptionConfiguration } from './generate';
import { ReloadingEncryptionConfig } from './reload';

const b64 = (n: number) => crypto.randomBytes(n).toString('base64');
const head = 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\n';
const key = '/registry/x';
const plain = Buffer.from('{"a":1}');

describe('parseEncryptionConfig errors', () => {
  it.each([
    { name: 'wrong kind', text: `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfig\nresources: []`, err: /kind: must be EncryptionConfiguration/ },
    { name: 'wrong apiVersion', text: `apiVersion: v1\nkind: EncryptionConfiguration\nresources: []`, err: /apiVersion: must be/ },
    { name: 'not YAML', text: `: : [`, err: /error while parsing/ },
    { name: 'no resources', text: `${head}resources: []`, err: /resources: at least one resource configuration/ },
    { name: 'entry without resources', text: `${head}resources:\n- providers:\n  - identity: {}`, err: /resources\[0\]\.resources: at least one resource/ },
    { name: 'entry without providers', text: `${head}resources:\n- resources: [secrets]\n  providers: []`, err: /resources\[0\]\.providers: at least one provider/ },
    { name: 'two providers in one element', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - identity: {}\n    aescbc: {keys: [{name: k, secret: ${b64(32)}}]}`, err: /more than one provider/ },
    { name: 'empty provider', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - {}`, err: /does not contain any of the expected providers/ },
    { name: 'unknown provider', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - rot13: {}`, err: /unknown provider "rot13"/ },
    { name: 'kms', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - kms: {name: x}`, err: /KMS providers are not supported/ },
    { name: 'no keys', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: []}`, err: /aescbc\.keys: at least one key/ },
    { name: 'key without name', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{secret: ${b64(32)}}]}`, err: /name: key name is required/ },
    { name: 'colon in key name', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: "a:b", secret: ${b64(32)}}]}`, err: /must not contain ":"/ },
    { name: 'duplicate key names', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - aesgcm: {keys: [{name: k, secret: ${b64(16)}}, {name: k, secret: ${b64(16)}}]}`, err: /duplicate key name "k"/ },
    { name: 'not base64', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: k, secret: "not base64!"}]}`, err: /must be base64 encoded/ },
    { name: 'short aescbc key', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - aescbc: {keys: [{name: k, secret: ${b64(16)}}]}`, err: /got 16, expected one of \[32\]/ },
    { name: 'bad aesgcm size', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - aesgcm: {keys: [{name: k, secret: ${b64(20)}}]}`, err: /got 20, expected one of \[16 24 32\]/ },
    { name: 'upper-case resource', text: `${head}resources:\n- resources: [Secrets]\n  providers:\n  - identity: {}`, err: /must be lower case/ },
    { name: 'bad wildcard', text: `${head}resources:\n- resources: ["secrets.*"]\n  providers:\n  - identity: {}`, err: /wildcards are only allowed/ },
    { name: 'resource listed twice', text: `${head}resources:\n- resources: [secrets]\n  providers:\n  - identity: {}\n- resources: [secrets]\n  providers:\n  - identity: {}`, err: /"secrets" is listed more than once/ },
  ])('$name', ({ text, err }) => {
    expect(() => parseEncryptionConfig(text)).toThrow(err);
  });
});

describe('transformerFor', () => {
  // events: identity even though *.* below would encrypt it (earlier entries take precedence, as upstream documents)
  const cfg = parseEncryptionConfig(`${head}resources:
- resources: [events]
  providers: [{identity: {}}]
- resources: [secrets, configmaps, "deployments.apps"]
  providers: [{aescbc: {keys: [{name: a, secret: ${b64(32)}}]}}]
- resources: ["*.batch"]
  providers: [{aesgcm: {keys: [{name: g, secret: ${b64(16)}}]}}]
- resources: ["*."]
  providers: [{secretbox: {keys: [{name: s, secret: ${b64(32)}}]}}]
`);
  const prefixOf = (group: string, resource: string): string | undefined => {
    const t = cfg.transformerFor({ group, resource });
    if (!t) return undefined;
    const out = t.toStorage(plain, key) as Buffer;
    return out.equals(plain) ? 'identity' : /^k8s:enc:[a-z]+:v1:[^:]+/.exec(out.toString('latin1'))?.[0];
  };
  it.each([
    { group: '', resource: 'secrets', want: 'k8s:enc:aescbc:v1:a' },
    { group: '', resource: 'configmaps', want: 'k8s:enc:aescbc:v1:a' },
    { group: 'apps', resource: 'deployments', want: 'k8s:enc:aescbc:v1:a' },
    { group: 'apps', resource: 'replicasets', want: undefined },
    { group: 'batch', resource: 'jobs', want: 'k8s:enc:aesgcm:v1:g' },
    { group: '', resource: 'pods', want: 'k8s:enc:secretbox:v1:s' },
    { group: '', resource: 'events', want: 'identity' },
    { group: 'events.k8s.io', resource: 'events', want: undefined },
  ])('$resource.$group → $want', ({ group, resource, want }) => {
    expect(prefixOf(group, resource)).toBe(want);
  });

  it('"*.*" matches every resource of every group', () => {
    const all = parseEncryptionConfig(`${head}resources:\n- resources: ["*.*"]\n  providers: [{aescbc: {keys: [{name: a, secret: ${b64(32)}}]}}]\n`);
    expect(all.transformerFor({ group: 'example.com', resource: 'widgets' })).toBeDefined();
    expect(all.transformerFor({ group: '', resource: 'pods' })).toBeDefined();
  });
});

describe('generateEncryptionConfig', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-enc-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes aescbc key1 (32 random bytes) then identity for secrets, mode 0600, only when absent', () => {
    const { file, generated } = generateEncryptionConfig(dir);
    expect(generated).toBe(true);
    expect(file).toBe(path.join(dir, 'encryption-config.yaml'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const cfg = loadEncryptionConfig(file);
    const p = cfg.spec.resources[0]!;
    expect(p.resources).toEqual(['secrets']);
    expect(p.providers[0]!.aescbc!.keys[0]!.name).toBe('key1');
    expect(Buffer.from(p.providers[0]!.aescbc!.keys[0]!.secret, 'base64')).toHaveLength(32);
    expect(p.providers[1]).toEqual({ identity: {} });
    const before = fs.readFileSync(file, 'utf8');
    expect(generateEncryptionConfig(dir).generated).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('ReloadingEncryptionConfig', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-enc-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('picks up a rewritten file, keeps the old config when the new one is invalid', async () => {
    const file = path.join(dir, 'enc.yaml');
    writeEncryptionConfig(file, defaultEncryptionConfiguration());
    const errors: Error[] = [];
    let reloaded!: () => void;
    let next = new Promise<void>((r) => (reloaded = r));
    const r = new ReloadingEncryptionConfig(file, { debounceMs: 10, onReload: () => reloaded(), onError: (e) => errors.push(e) });
    try {
      const first = r.current.hash;
      const written = r.transformerFor({ group: '', resource: 'secrets' })!.toStorage(plain, key) as Buffer;
      expect(written.toString()).toMatch(/^k8s:enc:aescbc:v1:key1:/);

      // key2 first (writes), key1 kept (reads): the rotation's middle step
      const rotated = structuredClone(r.current.spec);
      rotated.resources[0]!.providers[0]!.aescbc!.keys.unshift({ name: 'key2', secret: b64(32) });
      writeEncryptionConfig(file, rotated);
      await next;
      expect(r.current.hash).not.toBe(first);
      const t = r.transformerFor({ group: '', resource: 'secrets' })!;
      expect((t.toStorage(plain, key) as Buffer).toString()).toMatch(/^k8s:enc:aescbc:v1:key2:/);
      expect(t.fromStorage(written, key)).toEqual({ data: plain, stale: true });

      const good = r.current.hash;
      next = new Promise<void>((res) => (reloaded = res));
      fs.writeFileSync(file, 'kind: Nonsense\n');
      await waitFor(() => errors.length > 0);
      expect(errors[0]!.message).toMatch(/kind: must be EncryptionConfiguration/);
      expect(r.current.hash).toBe(good);
    } finally {
      r.close();
    }
  });

  it('refuses to start on an invalid file', () => {
    const file = path.join(dir, 'enc.yaml');
    fs.writeFileSync(file, 'kind: Nonsense\n');
    expect(() => new ReloadingEncryptionConfig(file)).toThrow(/kind/);
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
