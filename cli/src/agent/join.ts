// The agent's secure join: pin the CA (discovery.ts), then, as the bootstrap token over TLS verified against that
// CA, ask for a node client certificate through the CSR API with a key made here, and write a kubeconfig that holds
// only that certificate. Upstream's kubelet TLS bootstrap, with k3s' K10 token as the trust anchor.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { stringify as stringifyYaml, parse as parseYaml } from 'yaml';
import { RestClient } from '@kubets/client';
import { caBundleHash, parseJoinToken } from '../server/join-token';
import { discoverClusterCA, JoinRefused } from './discovery';

export interface AgentPaths {
  kubeconfig: string;
  /** cert + key of the node's client identity (kubelet-client-current.pem, 0600) */
  clientPem: string;
  /** the pinned cluster CA: the kubelet's --client-ca-file (the API server calls it with a client certificate) */
  caFile: string;
}

export function agentPaths(dataDir: string): AgentPaths {
  const pki = path.join(dataDir, 'agent', 'pki');
  return { kubeconfig: path.join(dataDir, 'agent', 'kubeconfig'), clientPem: path.join(pki, 'kubelet-client-current.pem'), caFile: path.join(pki, 'ca.crt') };
}

export interface JoinOptions {
  server: string;
  token: string;
  nodeName: string;
  dataDir: string;
  signal: AbortSignal;
  /** retry an unreachable server this long */
  timeoutMs: number;
  /** wait this long for the CSR to be approved and signed */
  csrTimeoutMs: number;
  log: (msg: string, kv?: Record<string, unknown>) => void;
}

/** The node kubeconfig: the pinned CA and the certificate file, which rotation replaces in place. */
export function nodeKubeconfigYaml(server: string, caPem: string, nodeName: string, clientPem: string): string {
  const user = `system:node:${nodeName}`;
  return stringifyYaml({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'default',
    clusters: [{ name: 'default', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: user, user: { 'client-certificate': clientPem, 'client-key': clientPem } }],
    contexts: [{ name: 'default', context: { cluster: 'default', user, namespace: 'default' } }],
  });
}

function writePrivate(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** The pinned CA of a kubeconfig from an earlier join still usable (same server and CA pin, this node, certificate
 * not about to expire); undefined: join again. */
function reusable(p: AgentPaths, server: string, caHash: string, nodeName: string): string | undefined {
  try {
    const kc = parseYaml(fs.readFileSync(p.kubeconfig, 'utf8')) as { clusters?: Array<{ cluster?: { server?: string; 'certificate-authority-data'?: string } }> };
    const cl = kc.clusters?.[0]?.cluster;
    const caPem = Buffer.from(cl?.['certificate-authority-data'] ?? '', 'base64').toString('utf8');
    if (cl?.server !== server || caBundleHash(caPem) !== caHash) return undefined;
    const cert = new X509Certificate(fs.readFileSync(p.clientPem));
    return cert.subject.split('\n').includes(`CN=system:node:${nodeName}`) && Date.parse(cert.validTo) - Date.now() > 60_000 ? caPem : undefined;
  } catch {
    return undefined;
  }
}

function describeFailure(e: unknown): Error {
  const code = (e as { status?: { code?: number; message?: string } }).status?.code;
  const message = (e as { status?: { message?: string } }).status?.message ?? (e as Error).message;
  if (code === 401) return new JoinRefused('kts agent: the server rejected the join token (401 Unauthorized): it is unknown, expired or deleted (see `kts token list` on the server)');
  if (code === 403) return new JoinRefused(`kts agent: the join token may not request a node certificate (403 Forbidden): ${message}`);
  const tlsCode = (e as { code?: string }).code ?? '';
  if (/^(ERR_TLS_|UNABLE_TO_|CERT_|DEPTH_ZERO|SELF_SIGNED)/.test(tlsCode)) {
    return new JoinRefused(`kts agent: the server's certificate does not verify against the pinned CA (${tlsCode}: ${(e as Error).message}); no credential was sent`);
  }
  return e instanceof Error ? e : new Error(String(e));
}

/** Joins (or reuses an earlier join); returns the paths of the node's kubeconfig and certificate. */
export async function join(o: JoinOptions): Promise<AgentPaths & { reused: boolean }> {
  let pin: ReturnType<typeof parseJoinToken>;
  try {
    pin = parseJoinToken(o.token);
  } catch (e) {
    throw new JoinRefused(`kts agent: ${(e as Error).message}`);
  }
  const p = agentPaths(o.dataDir);
  const earlier = reusable(p, o.server, pin.caHash, o.nodeName);
  if (earlier) {
    writePrivate(p.caFile, earlier);
    return { ...p, reused: true };
  }
  const caPem = await discoverClusterCA({ server: o.server, caHash: pin.caHash, signal: o.signal, timeoutMs: o.timeoutMs, onRetry: (err) => o.log('server not reachable yet, retrying', { server: o.server, err }) });
  o.log('the server\'s CA matches the token', { server: o.server, caHash: pin.caHash });
  const { certificate } = await import('@kubets/kubelet');
  const client = new RestClient({ server: o.server, caData: caPem, token: `${pin.id}.${pin.secret}`, maxRetries: 3, userAgent: `kts-agent/${o.nodeName}` });
  try {
    const issued = await certificate.requestNodeClientCertificate(client, {
      nodeName: o.nodeName,
      timeoutMs: o.csrTimeoutMs,
      signal: o.signal,
      onCreated: (name) => o.log('requested a node client certificate; waiting for approval', { csr: name }),
    });
    certificate.writeCertKeyFile(p.clientPem, issued.certPem, issued.keyPem);
    writePrivate(p.caFile, caPem);
    writePrivate(p.kubeconfig, nodeKubeconfigYaml(o.server, caPem, o.nodeName, p.clientPem));
    return { ...p, reused: false };
  } catch (e) {
    if (e instanceof certificate.CsrRefused) throw new JoinRefused(`kts agent: ${e.message}`);
    throw describeFailure(e);
  } finally {
    client.close();
  }
}
