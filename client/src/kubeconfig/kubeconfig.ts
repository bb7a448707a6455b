// Kubeconfig loading (kubectl's rules) and writing.
// Precedence: explicit path (--kubeconfig) > $KUBECONFIG (colon-separated; first file defining a name wins)
// > ~/.kube/config > in-cluster service account. Relative file paths resolve against the kubeconfig's directory.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { RestConfig } from '../rest/config';

export interface KubeconfigCluster {
  server: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}
export interface KubeconfigUser {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  username?: string;
  password?: string;
}
export interface KubeconfigContext {
  cluster: string;
  user?: string;
  namespace?: string;
}
export interface KubeconfigFile {
  apiVersion?: string;
  kind?: string;
  'current-context'?: string;
  clusters?: Array<{ name: string; cluster: KubeconfigCluster }>;
  users?: Array<{ name: string; user: KubeconfigUser }>;
  contexts?: Array<{ name: string; context: KubeconfigContext }>;
}

export interface LoadedKubeconfig {
  config: RestConfig;
  /** Default namespace of the context ("default" if unset). */
  namespace: string;
  context: string;
  /** Where it came from: a file path or "in-cluster". */
  source: string;
}

export interface LoadOptions {
  /** Context to use instead of current-context. */
  context?: string;
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  /** Root for /var/run/secrets/kubernetes.io/serviceaccount (tests). */
  serviceAccountDir?: string;
}

interface Merged {
  currentContext?: string;
  clusters: Map<string, { cluster: KubeconfigCluster; dir: string }>;
  users: Map<string, { user: KubeconfigUser; dir: string }>;
  contexts: Map<string, KubeconfigContext>;
  files: string[];
}

function readFileConfig(file: string, into: Merged): void {
  const text = fs.readFileSync(file, 'utf8');
  const doc = (parseYaml(text) ?? {}) as KubeconfigFile;
  const dir = path.dirname(path.resolve(file));
  if (!into.currentContext && doc['current-context']) into.currentContext = doc['current-context'];
  for (const c of doc.clusters ?? []) if (c?.name && c.cluster && !into.clusters.has(c.name)) into.clusters.set(c.name, { cluster: c.cluster, dir });
  for (const u of doc.users ?? []) if (u?.name && !into.users.has(u.name)) into.users.set(u.name, { user: u.user ?? {}, dir });
  for (const c of doc.contexts ?? []) if (c?.name && c.context && !into.contexts.has(c.name)) into.contexts.set(c.name, c.context);
  into.files.push(file);
}

function resolveFile(p: string, dir: string): string {
  return path.isAbsolute(p) ? p : path.join(dir, p);
}

function b64(s: string): Buffer {
  return Buffer.from(s, 'base64');
}

export const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/** In-cluster config from the pod's service account, or undefined when not running in a pod. */
export function inClusterConfig(opts: LoadOptions = {}): LoadedKubeconfig | undefined {
  const env = opts.env ?? process.env;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const dir = opts.serviceAccountDir ?? serviceAccountDir;
  const tokenFile = path.join(dir, 'token');
  if (!host || !port || !fs.existsSync(tokenFile)) return undefined;
  const h = host.includes(':') ? `[${host}]` : host;
  const caFile = path.join(dir, 'ca.crt');
  const nsFile = path.join(dir, 'namespace');
  const config: RestConfig = { server: `https://${h}:${port}`, tokenFile };
  if (fs.existsSync(caFile)) config.caData = fs.readFileSync(caFile);
  const namespace = fs.existsSync(nsFile) ? fs.readFileSync(nsFile, 'utf8').trim() || 'default' : 'default';
  return { config, namespace, context: 'in-cluster', source: 'in-cluster' };
}

/** Loads the client configuration following kubectl's precedence; throws if nothing is configured. */
export function loadKubeconfig(explicitPath?: string, opts: LoadOptions = {}): LoadedKubeconfig {
  const env = opts.env ?? process.env;
  const merged: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), files: [] };
  if (explicitPath) {
    readFileConfig(explicitPath, merged);
  } else if (env.KUBECONFIG) {
    for (const f of env.KUBECONFIG.split(path.delimiter).filter(Boolean)) if (fs.existsSync(f)) readFileConfig(f, merged);
  } else {
    const home = opts.homeDir ?? env.HOME ?? os.homedir();
    const def = path.join(home, '.kube', 'config');
    if (fs.existsSync(def)) readFileConfig(def, merged);
  }
  if (merged.files.length === 0) {
    const ic = inClusterConfig(opts);
    if (ic) return ic;
    throw new Error('no configuration: pass --kubeconfig, set $KUBECONFIG, create ~/.kube/config, or run in a pod');
  }
  const ctxName = opts.context ?? merged.currentContext ?? (merged.contexts.size === 1 ? [...merged.contexts.keys()][0] : undefined);
  if (!ctxName) throw new Error(`no current-context in ${merged.files.join(':')}`);
  const ctx = merged.contexts.get(ctxName);
  if (!ctx) throw new Error(`context "${ctxName}" not found in ${merged.files.join(':')}`);
  const cl = merged.clusters.get(ctx.cluster);
  if (!cl) throw new Error(`cluster "${ctx.cluster}" (context "${ctxName}") not found`);
  const config: RestConfig = { server: cl.cluster.server };
  if (!config.server) throw new Error(`cluster "${ctx.cluster}" has no server`);
  const c = cl.cluster;
  if (c['certificate-authority-data']) config.caData = b64(c['certificate-authority-data']);
  else if (c['certificate-authority']) config.caData = fs.readFileSync(resolveFile(c['certificate-authority'], cl.dir));
  if (c['insecure-skip-tls-verify']) config.insecureSkipTLSVerify = true;
  if (c['tls-server-name']) config.tlsServerName = c['tls-server-name'];
  const u = ctx.user ? merged.users.get(ctx.user) : undefined;
  if (ctx.user && !u) throw new Error(`user "${ctx.user}" (context "${ctxName}") not found`);
  if (u) {
    const user = u.user;
    if (user.token) config.token = user.token;
    else if (user.tokenFile) config.tokenFile = resolveFile(user.tokenFile, u.dir);
    if (user['client-certificate-data']) config.certData = b64(user['client-certificate-data']);
    else if (user['client-certificate']) {
      config.certFile = resolveFile(user['client-certificate'], u.dir);
      config.certData = fs.readFileSync(config.certFile);
    }
    if (user['client-key-data']) config.keyData = b64(user['client-key-data']);
    else if (user['client-key']) {
      config.keyFile = resolveFile(user['client-key'], u.dir);
      config.keyData = fs.readFileSync(config.keyFile);
    }
    if (user.username !== undefined) {
      config.username = user.username;
      if (user.password !== undefined) config.password = user.password;
    }
  }
  return { config, namespace: ctx.namespace || 'default', context: ctxName, source: merged.files.join(path.delimiter) };
}

export interface WriteKubeconfigOptions {
  server: string;
  token?: string;
  /** CA certificate PEM (written as certificate-authority-data). */
  ca?: string | Buffer;
  /** Or a path to it. */
  caFile?: string;
  clientCert?: string | Buffer;
  clientKey?: string | Buffer;
  insecureSkipTLSVerify?: boolean;
  clusterName?: string;
  userName?: string;
  contextName?: string;
  namespace?: string;
}

function pemB64(v: string | Buffer): string {
  return Buffer.from(v).toString('base64');
}

/** The kubeconfig document for one cluster/user/context. */
export function buildKubeconfig(o: WriteKubeconfigOptions): KubeconfigFile {
  const clusterName = o.clusterName ?? 'kubets';
  const userName = o.userName ?? 'admin';
  const contextName = o.contextName ?? 'kubets';
  const cluster: KubeconfigCluster = { server: o.server };
  if (o.ca) cluster['certificate-authority-data'] = pemB64(o.ca);
  else if (o.caFile) cluster['certificate-authority'] = o.caFile;
  if (o.insecureSkipTLSVerify) cluster['insecure-skip-tls-verify'] = true;
  const user: KubeconfigUser = {};
  if (o.token) user.token = o.token;
  if (o.clientCert) user['client-certificate-data'] = pemB64(o.clientCert);
  if (o.clientKey) user['client-key-data'] = pemB64(o.clientKey);
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': contextName,
    clusters: [{ name: clusterName, cluster }],
    users: [{ name: userName, user }],
    contexts: [{ name: contextName, context: { cluster: clusterName, user: userName, ...(o.namespace ? { namespace: o.namespace } : {}) } }],
  };
}

/** Writes a kubeconfig (mode 0600, atomically via rename); creates the directory. Used by `kts up`. */
export function writeKubeconfig(file: string, o: WriteKubeconfigOptions): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, stringifyYaml(buildKubeconfig(o)), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
