// Finding the cluster's CA without trusting the network (k3s' CA pin, kubeadm's token discovery): read the public
// kube-public/cluster-info ConfigMap over TLS *without* verifying the server and without any credential, hash the
// CA bundle it names, and keep it only if the hash is the one in the join token. Everything after is verified
// against that CA, so a server that cannot prove it holds the cluster's serving key never sees the token.
import * as https from 'node:https';
import { parse as parseYaml } from 'yaml';
import { caBundleHash } from '../server/join-token';

export const clusterInfoPath = '/api/v1/namespaces/kube-public/configmaps/cluster-info';

/** A refusal the agent reports as it is and exits 1 (no retry can fix it). */
export class JoinRefused extends Error {}

export interface DiscoveryOptions {
  server: string;
  caHash: string;
  signal: AbortSignal;
  /** keep retrying an unreachable server this long (ms) */
  timeoutMs: number;
  onRetry?: (err: string) => void;
}

function getUnverified(url: URL, signal: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // no Authorization header, no client certificate: this request proves nothing and must reveal nothing
    const req = https.get(url, { rejectUnauthorized: false, agent: false, headers: { Accept: 'application/json' }, signal, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** The CA bundle PEM in cluster-info's kubeconfig; throws JoinRefused when the answer is not a cluster-info. */
export function caFromClusterInfo(body: string): string {
  let cm: { kind?: string; data?: { kubeconfig?: string } };
  try {
    cm = JSON.parse(body) as typeof cm;
  } catch {
    throw new JoinRefused('kts agent: the server did not answer with the cluster-info ConfigMap (not a kts/Kubernetes API server?)');
  }
  const kc = cm.kind === 'ConfigMap' ? cm.data?.kubeconfig : undefined;
  const doc = kc ? (parseYaml(kc) as { clusters?: Array<{ cluster?: { 'certificate-authority-data'?: string } }> } | null) : undefined;
  const data = doc?.clusters?.[0]?.cluster?.['certificate-authority-data'];
  if (!data) throw new JoinRefused('kts agent: the server\'s cluster-info ConfigMap names no certificate authority');
  return Buffer.from(data, 'base64').toString('utf8');
}

/** The server's CA, once its hash matches the token's pin. */
export async function discoverClusterCA(o: DiscoveryOptions): Promise<string> {
  const base = new URL(o.server);
  if (base.protocol !== 'https:') throw new JoinRefused(`kts agent: --server must be an https:// URL (got ${o.server})`);
  const url = new URL(clusterInfoPath, base);
  const deadline = Date.now() + o.timeoutMs;
  let warned = false;
  for (;;) {
    let got: { status: number; body: string };
    try {
      got = await getUnverified(url, o.signal);
    } catch (e) {
      const msg = (e as Error).message;
      if (o.signal.aborted || Date.now() > deadline) throw new Error(`kts agent: cannot reach the server at ${o.server}: ${msg}`);
      if (!warned) o.onRetry?.(msg);
      warned = true;
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    // 403/404 while the server publishes cluster-info on its first start: retry; anything else settles it
    if ((got.status === 403 || got.status === 404 || got.status >= 500) && Date.now() < deadline && !o.signal.aborted) {
      if (!warned) o.onRetry?.(`cluster-info: HTTP ${got.status}`);
      warned = true;
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    if (got.status !== 200) throw new JoinRefused(`kts agent: cannot read the cluster CA from ${url.toString()}: HTTP ${got.status}`);
    const caPem = caFromClusterInfo(got.body);
    const hash = caBundleHash(caPem);
    if (hash !== o.caHash) {
      throw new JoinRefused(
        `kts agent: the server's CA does not match the join token (token pins sha256 ${o.caHash.slice(0, 16)}…, the server at ${o.server} presents ${hash.slice(0, 16)}…): ` +
          'refusing to join and sending no credential. Check that the token belongs to this server; otherwise something is intercepting the connection.',
      );
    }
    return caPem;
  }
}
