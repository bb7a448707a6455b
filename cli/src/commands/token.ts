// `kts token`: join tokens (kubeadm token's create/list/delete, k3s' K10 format) and service-account tokens.
//   kts token create [--ttl 24h] [--description TEXT] [--token ID.SECRET]   a join token for `kts agent`
//   kts token list | kts token delete ID                                     the bootstrap-token Secrets
//   kts token create SERVICEACCOUNT [-n NS] [--duration] [--audience]        a TokenRequest (kubectl create token)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SecretKind, hasReason } from '@kubets/api';
import { RestClient, loadKubeconfig, parseFlags, parseDuration, usage, str, bool, list, type FlagSpec, type FlagValue, type LoadedKubeconfig } from '@kubets/client';
import { caBundleHash, describeBootstrapTokenSecret, formatJoinToken, generateBootstrapToken, parseBootstrapToken } from '../server/join-token';
import { createBootstrapToken } from '../server/join-setup';

const specs: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: '/var/lib/kts', help: 'server data dir: its admin kubeconfig (<data-dir>/kubeconfig) is used unless --kubeconfig' },
  ttl: { type: 'string', default: '24h', help: 'join token lifetime (0: never expires)' },
  description: { type: 'string', default: '', help: 'join token description' },
  token: { type: 'string', default: '', help: 'use this <id>.<secret> instead of a random one' },
  namespace: { type: 'string', default: '', help: 'service-account tokens: namespace of the service account (default: the context\'s)' },
  n: { type: 'string', default: '', help: 'short for --namespace' },
  duration: { type: 'string', default: '', help: 'service-account tokens: requested lifetime, e.g. 1h (the server may shorten it; at least 10m)' },
  audience: { type: 'list', default: [], help: 'service-account tokens: audiences (repeatable)' },
  kubeconfig: { type: 'string', default: '', help: 'path to a kubeconfig' },
  help: { type: 'bool', default: false, help: 'show this help' },
};

const help = 'Join tokens: `kts token create [--ttl 24h] [--description TEXT]`, `kts token list`, `kts token delete ID`.\nService-account tokens: `kts token create SERVICEACCOUNT [-n NS] [--duration 1h] [--audience A]`.';

interface TokenRequestStatus {
  status?: { token?: string; expirationTimestamp?: string };
}

function fail(e: unknown): number {
  const st = (e as { status?: { reason?: string; message?: string } }).status;
  console.error(st ? `Error from server (${st.reason}): ${st.message}` : `error: ${(e as Error).message}`);
  return 1;
}

/** --kubeconfig, else the server's admin kubeconfig in --data-dir when it exists, else kubectl's rules. */
function adminConfig(values: Record<string, FlagValue>): LoadedKubeconfig {
  if (str(values.kubeconfig)) return loadKubeconfig(str(values.kubeconfig));
  const fromDataDir = path.join(path.resolve(str(values['data-dir'])), 'kubeconfig');
  return loadKubeconfig(fs.existsSync(fromDataDir) ? fromDataDir : undefined);
}

export function tokenUsage(): string {
  return usage('token create|list|delete', help, specs);
}

export async function token(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, args } = parseFlags(argv, specs);
  const [verb, arg] = args;
  if (bool(values.help) || !verb) {
    console.log(tokenUsage());
    return bool(values.help) ? 0 : 1;
  }
  if (verb === 'create' && arg) return serviceAccountToken(values, arg, signal);
  let cfg: LoadedKubeconfig;
  try {
    cfg = adminConfig(values);
  } catch (e) {
    return fail(e);
  }
  const client = new RestClient(cfg.config);
  try {
    if (verb === 'create') return await createJoinToken(client, cfg, values);
    if (verb === 'list') return await listJoinTokens(client);
    if (verb === 'delete' && arg) return await deleteJoinToken(client, arg);
    console.error(`error: unknown or incomplete command: kts token ${args.join(' ')}\n${help}`);
    return 1;
  } catch (e) {
    return fail(e);
  } finally {
    client.close();
  }
}

async function createJoinToken(client: RestClient, cfg: LoadedKubeconfig, values: Record<string, FlagValue>): Promise<number> {
  const caPem = cfg.config.caData?.toString();
  if (!caPem) throw new Error('the kubeconfig names no certificate authority: a join token pins the cluster CA');
  const given = str(values.token);
  const t = given ? parseBootstrapToken(given) : generateBootstrapToken();
  if (!t) throw new Error('--token must be <id>.<secret> ([a-z0-9]{6}.[a-z0-9]{16})');
  const ttlMs = parseDuration(str(values.ttl) || '0s');
  await createBootstrapToken(client, t, { ...(str(values.description) ? { description: str(values.description) } : {}), ...(ttlMs ? { ttlMs } : {}) });
  console.log(formatJoinToken({ ...t, caHash: caBundleHash(caPem) }));
  return 0;
}

function ttlOf(expiration: string | undefined, now = Date.now()): string {
  if (!expiration) return '<forever>';
  const left = Date.parse(expiration) - now;
  if (!(left > 0)) return '<invalid>';
  const h = Math.floor(left / 3_600_000);
  return h >= 48 ? `${Math.floor(h / 24)}d` : h >= 1 ? `${h}h` : `${Math.max(1, Math.floor(left / 60_000))}m`;
}

async function listJoinTokens(client: RestClient): Promise<number> {
  const secrets = await client.resource(SecretKind).namespace('kube-system').list();
  const rows = [['ID', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']];
  for (const s of secrets.items) {
    const info = describeBootstrapTokenSecret(s);
    if (info) rows.push([info.id, ttlOf(info.expiration), info.expiration ?? '<never>', info.usages.join(','), info.description || '<none>', info.groups.join(',')]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('   ').trimEnd());
  return 0;
}

async function deleteJoinToken(client: RestClient, arg: string): Promise<number> {
  // kubeadm accepts the id or the whole token; so do we (and the K10 form)
  const id = (/([a-z0-9]{6})(\.[a-z0-9]{16})?$/.exec(arg.replace(/^K10[0-9a-f]{64}::/, '')) ?? [])[1];
  if (!id) throw new Error(`"${arg}" is not a token id ([a-z0-9]{6}) or token`);
  try {
    await client.resource(SecretKind).namespace('kube-system').delete(`bootstrap-token-${id}`);
  } catch (e) {
    if (hasReason(e, 'NotFound')) throw new Error(`join token "${id}" not found`);
    throw e;
  }
  console.log(`bootstrap token "${id}" deleted`);
  return 0;
}

async function serviceAccountToken(values: Record<string, FlagValue>, name: string, signal: AbortSignal): Promise<number> {
  const cfg = loadKubeconfig(str(values.kubeconfig) || undefined);
  const ns = str(values.namespace) || str(values.n) || cfg.namespace;
  const spec: Record<string, FlagValue> = {};
  const audiences = list(values.audience);
  if (audiences.length) spec.audiences = audiences;
  if (str(values.duration)) spec.expirationSeconds = Math.round(parseDuration(str(values.duration)) / 1000);
  const client = new RestClient(cfg.config);
  try {
    const res = await client.request<TokenRequestStatus>({
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(name)}/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec },
      signal,
    });
    if (!res.status?.token) throw new Error('the server returned no token');
    console.log(res.status.token);
    return 0;
  } catch (e) {
    return fail(e);
  } finally {
    client.close();
  }
}
