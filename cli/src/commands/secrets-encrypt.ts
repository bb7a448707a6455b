// `kts secrets-encrypt rotate` (k3s: `secrets-encrypt rotate-keys`): rotates the key that encrypts Secrets at
// rest in <data-dir>/encryption-config.yaml, the way Kubernetes documents it:
//   1. add a new key first (it writes; the old key still reads) and wait until the running API server uses it;
//   2. rewrite every Secret through the API (`kubectl get secrets -A -o json | kubectl replace -f -`): the store
//      rewrites values under a non-current key even when unchanged;
//   3. retire the old key and wait until the server uses the final file.
// The API server picks the file up by itself (--encryption-provider-config-automatic-reload); the command watches
// its /metrics for the hash of the file it wrote. An interrupted rotation (more than one key) resumes at step 2.
import * as os from 'node:os';
import * as path from 'node:path';
import { RestClient, loadKubeconfig, parseFlags, parseDuration, usage, str, bool, type FlagSpec } from '@kubets/client';
import { encryption } from '@kubets/apiserver';

type EncryptionConfiguration = encryption.EncryptionConfiguration;
type EncryptionKey = encryption.EncryptionKey;

const specs: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: path.join(os.homedir(), '.kts'), help: 'the cluster\'s data dir (holds encryption-config.yaml and kubeconfig)' },
  kubeconfig: { type: 'string', default: '', help: 'kubeconfig of the API server (default: <data-dir>/kubeconfig)' },
  timeout: { type: 'string', default: '60s', help: 'how long to wait for the API server to load a changed config' },
  help: { type: 'bool', default: false, help: 'show this help' },
};

interface SecretItem {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string };
}
interface SecretList {
  items: SecretItem[];
  metadata?: { continue?: string };
}

export function secretsEncryptUsage(): string {
  return usage('secrets-encrypt rotate|rotate-keys|status', 'Rotate (or show) the key that encrypts Secrets at rest.', specs);
}

export async function secretsEncrypt(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, args } = parseFlags(argv, specs);
  const sub = args[0];
  if (bool(values.help) || (sub !== 'rotate' && sub !== 'rotate-keys' && sub !== 'status')) {
    console.log(secretsEncryptUsage());
    return bool(values.help) ? 0 : 1;
  }
  const dataDir = str(values['data-dir']);
  const file = path.join(dataDir, encryption.encryptionConfigFileName);
  try {
    if (sub === 'status') {
      const cfg = encryption.loadEncryptionConfig(file);
      const keys = secretsWriteKeys(cfg.spec, file);
      console.log(`Encryption config: ${file} (${cfg.hash})`);
      console.log(`Secrets written with: ${keys.provider} key "${keys.keys[0]!.name}"; readable keys: ${keys.keys.map((k) => k.name).join(', ')}`);
      return 0;
    }
    const kubeconfig = str(values.kubeconfig) || path.join(dataDir, 'kubeconfig');
    const client = new RestClient(loadKubeconfig(kubeconfig).config);
    try {
      const r = await rotate({ file, client, timeoutMs: parseDuration(str(values.timeout)), signal, log: (s) => console.log(s) });
      console.log(`Secrets are encrypted with key "${r.newKey}"; ${r.rewritten} Secret(s) re-encrypted; retired: ${r.retired.join(', ') || 'none'}`);
      return 0;
    } finally {
      client.close();
    }
  } catch (e) {
    const st = (e as { status?: { reason?: string; message?: string } }).status;
    console.error(st ? `Error from server (${st.reason}): ${st.message}` : `error: ${(e as Error).message}`);
    return 1;
  }
}

export interface RotateOptions {
  file: string;
  client: RestClient;
  timeoutMs: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export async function rotate(o: RotateOptions): Promise<{ newKey: string; rewritten: number; retired: string[] }> {
  const log = o.log ?? (() => undefined);
  const current = encryption.loadEncryptionConfig(o.file);
  // Fail before changing anything if the server is not running with this file.
  await waitForConfig(o, current.hash, 'the API server does not report using this encryption config (is it running with --encryption-provider-config-automatic-reload?)');

  const spec = structuredClone(current.spec);
  const w = secretsWriteKeys(spec, o.file);
  if (w.keys.length === 1) {
    const name = nextKeyName(spec);
    w.keys.unshift({ name, secret: encryption.newKeySecret() });
    encryption.writeEncryptionConfig(o.file, spec);
    log(`added ${w.provider} key "${name}"; waiting for the API server to load it`);
    await waitForConfig(o, encryption.loadEncryptionConfig(o.file).hash, 'the API server did not load the new key');
  } else {
    log(`resuming an interrupted rotation: key "${w.keys[0]!.name}" already writes`);
  }
  const newKey = w.keys[0]!.name;

  const rewritten = await rewriteSecrets(o);
  log(`re-encrypted ${rewritten} Secret(s)`);

  const retired = w.keys.slice(1).map((k) => k.name);
  w.keys.splice(1);
  encryption.writeEncryptionConfig(o.file, spec);
  await waitForConfig(o, encryption.loadEncryptionConfig(o.file).hash, 'the API server did not load the config without the old key');
  return { newKey, rewritten, retired };
}

/** The keys of the provider that writes Secrets (the first entry covering secrets; its first provider). */
function secretsWriteKeys(spec: EncryptionConfiguration, file: string): { provider: string; keys: EncryptionKey[] } {
  const entry = spec.resources.find((r) => r.resources.some((n) => n === 'secrets' || n === '*.' || n === '*.*'));
  const p = entry?.providers[0];
  const keyed = p?.aescbc ?? p?.aesgcm ?? p?.secretbox;
  if (!p || !keyed) throw new Error(`${file} does not encrypt secrets (its first provider for them is identity or missing)`);
  return { provider: p.aescbc ? 'aescbc' : p.aesgcm ? 'aesgcm' : 'secretbox', keys: keyed.keys };
}

/** key<N+1> after the highest keyN in the file (names must be unique within a provider). */
function nextKeyName(spec: EncryptionConfiguration): string {
  let max = 0;
  for (const rc of spec.resources) {
    for (const p of rc.providers) {
      for (const k of p.aescbc?.keys ?? p.aesgcm?.keys ?? p.secretbox?.keys ?? []) {
        const m = /^key(\d+)$/.exec(k.name);
        if (m) max = Math.max(max, Number(m[1]));
      }
    }
  }
  return `key${max + 1}`;
}

/** Rewrites every Secret unchanged (PUT of what was read); conflicts are re-read, deleted Secrets skipped. */
async function rewriteSecrets(o: RotateOptions): Promise<number> {
  let n = 0;
  let cont: string | undefined;
  do {
    const page: SecretList = await o.client.request<SecretList>({ method: 'GET', path: '/api/v1/secrets', query: { limit: 250, continue: cont }, signal: o.signal });
    for (const s of page.items) {
      if (await rewriteOne(o, s)) n++;
    }
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return n;
}

async function rewriteOne(o: RotateOptions, item: SecretItem): Promise<boolean> {
  const p = `/api/v1/namespaces/${encodeURIComponent(item.metadata.namespace ?? '')}/secrets/${encodeURIComponent(item.metadata.name ?? '')}`;
  let obj: SecretItem = { ...item, apiVersion: 'v1', kind: 'Secret' };
  for (let attempt = 0; ; attempt++) {
    try {
      await o.client.request({ method: 'PUT', path: p, body: obj, signal: o.signal });
      return true;
    } catch (e) {
      const code = (e as { status?: { code?: number } }).status?.code;
      if (code === 404) return false;
      if (code !== 409 || attempt >= 5) throw e;
      try {
        obj = await o.client.request<SecretItem>({ method: 'GET', path: p, signal: o.signal });
      } catch (g) {
        if ((g as { status?: { code?: number } }).status?.code === 404) return false;
        throw g;
      }
    }
  }
}

/** Polls the API server's /metrics until it reports the config with this hash as the one in use. */
async function waitForConfig(o: RotateOptions, hash: string, failure: string): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  const want = `${encryption.encryptionConfigInfoMetric}{hash="${hash}"} 1`;
  for (;;) {
    const text = await metrics(o);
    if (text.split('\n').includes(want)) return;
    if (Date.now() > deadline) throw new Error(`${failure}: ${o.file} has ${hash}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function metrics(o: RotateOptions): Promise<string> {
  const { res } = await o.client.stream({ method: 'GET', path: '/metrics', ...(o.signal ? { signal: o.signal } : {}) });
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

