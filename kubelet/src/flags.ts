// `kts kubelet` flags (upstream kubelet names).
import { parseFlags, str, num, bool, usage, type FlagSpec } from '@kubets/client';

export const kubeletFlagSpecs: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', default: '', help: 'Path to a kubeconfig file for connecting to the API server.' },
  'hostname-override': { type: 'string', default: '', help: 'If non-empty, use this string as the node name instead of the hostname.' },
  'node-ip': { type: 'string', default: '', help: "IP address of the node (default: the host's primary IPv4 address)." },
  'container-runtime-endpoint': { type: 'string', default: '', help: 'CRI endpoint (unix:///path). Empty: start an in-process `kts runtime` on unix://<root-dir>/kts-runtime.sock.' },
  'root-dir': { type: 'string', default: '/var/lib/kts-kubelet', help: 'Directory for kubelet files (volumes, pod state).' },
  'cluster-dns': { type: 'list', default: [], help: 'Comma-separated DNS server IPs for ClusterFirst pods.' },
  'cluster-domain': { type: 'string', default: 'cluster.local', help: 'Domain for this cluster.' },
  'node-labels': { type: 'list', default: [], help: 'Labels to add when registering the node (key=value,...).' },
  'register-with-taints': { type: 'list', default: [], help: 'Taints to register the node with (key=value:Effect,...).' },
  'max-pods': { type: 'int', default: 110, help: 'Number of pods that can run on this kubelet.' },
  'eviction-hard': { type: 'list', default: ['memory.available<100Mi', 'nodefs.available<10%'], help: 'Hard eviction thresholds.' },
  'pod-cidr': { type: 'string', default: '', help: 'Pod CIDR when node.spec.podCIDR is not set.' },
  address: { type: 'string', default: '', help: 'The IP address for the kubelet server (logs, exec, port-forward, /pods, /stats); default the node IP. 0.0.0.0 for all interfaces.' },
  'tls-cert-file': { type: 'string', default: '', help: 'x509 certificate (chain) of the kubelet server. Empty: <cert-dir>/kubelet.crt, generated self-signed when absent.' },
  'tls-private-key-file': { type: 'string', default: '', help: 'x509 private key matching --tls-cert-file.' },
  'cert-dir': { type: 'string', default: '', help: 'Directory of the generated TLS certificate (default <root-dir>/pki). Ignored when --tls-cert-file and --tls-private-key-file are set.' },
  'rotate-server-certificates': { type: 'bool', default: false, help: 'Request the serving certificate from the API server (CSR, signer kubernetes.io/kubelet-serving) and renew it at 70-90% of its lifetime; until the first is issued the self-signed one is served. Takes precedence over --tls-cert-file.' },
  'client-ca-file': { type: 'string', default: '', help: 'CA bundle that verifies client certificates: a verified certificate authenticates as its CommonName with its Organizations as groups.' },
  'anonymous-auth': { type: 'bool', default: false, help: 'Requests without credentials run as system:anonymous (group system:unauthenticated). Default false: they get 401.' },
  'authentication-token-webhook': { type: 'bool', default: true, help: 'Authenticate bearer tokens with a TokenReview to the API server.' },
  'authentication-token-webhook-cache-ttl': { type: 'duration', default: '2m', help: 'How long TokenReview answers are cached.' },
  'authorization-mode': { type: 'string', default: 'Webhook', help: 'AlwaysAllow or Webhook (a SubjectAccessReview to the API server for every request).' },
  'authorization-webhook-cache-authorized-ttl': { type: 'duration', default: '5m', help: "How long an 'authorized' SubjectAccessReview answer is cached." },
  'authorization-webhook-cache-unauthorized-ttl': { type: 'duration', default: '30s', help: "How long an 'unauthorized' SubjectAccessReview answer is cached." },
  port: { type: 'int', default: 10250, help: 'Port of the kubelet server (0 picks a free port; -1 disables).' },
  'read-only-port': { type: 'int', default: 0, help: 'Read-only port (0 disables).' },
  'healthz-port': { type: 'int', default: 10248, help: 'Port of /healthz and /metrics (0 picks a free port; -1 disables).' },
  'healthz-bind-address': { type: 'string', default: '127.0.0.1', help: 'Address of the healthz server.' },
  'sync-frequency': { type: 'duration', default: '1m', help: 'Max period between synchronizing running containers.' },
  'node-status-update-frequency': { type: 'duration', default: '10s', help: 'How often the node lease is renewed and node status checked.' },
  'image-pull-progress-deadline': { type: 'duration', default: '1m', help: 'Accepted for compatibility.' },
  'pleg-relist-period': { type: 'duration', default: '1s', help: 'How often the runtime is relisted for container state changes.' },
  'cgroup-root': { type: 'string', default: '/kubepods', help: 'cgroupfs parent of pod cgroups.' },
  v: { type: 'int', default: 0, help: 'Log verbosity.' },
};

export interface KubeletOptions {
  kubeconfig?: string;
  hostnameOverride?: string;
  nodeIP?: string;
  containerRuntimeEndpoint?: string;
  rootDir: string;
  clusterDNS: string[];
  clusterDomain: string;
  nodeLabels: Record<string, string>;
  registerWithTaints: Array<{ key: string; value?: string; effect: string }>;
  maxPods: number;
  evictionHard: Record<string, string>;
  podCIDR?: string;
  /** '' = the node IP */
  address: string;
  port: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  /** '' = <rootDir>/pki */
  certDir: string;
  rotateServerCertificates: boolean;
  clientCAFile?: string;
  anonymousAuth: boolean;
  authenticationTokenWebhook: boolean;
  authenticationTokenWebhookCacheTtlMs: number;
  authorizationMode: 'AlwaysAllow' | 'Webhook';
  authorizationWebhookCacheAuthorizedTtlMs: number;
  authorizationWebhookCacheUnauthorizedTtlMs: number;
  readOnlyPort: number;
  healthzPort: number;
  healthzBindAddress: string;
  syncFrequencyMs: number;
  nodeStatusUpdateFrequencyMs: number;
  plegRelistPeriodMs: number;
  cgroupRoot: string;
  verbosity: number;
}

export function parseTaint(s: string): { key: string; value?: string; effect: string } {
  const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(s);
  if (!m || !m[1] || !m[3]) throw new Error(`invalid taint "${s}" (want key[=value]:Effect)`);
  return { key: m[1], ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3] };
}

function authorizationMode(s: string): 'AlwaysAllow' | 'Webhook' {
  if (s === 'AlwaysAllow' || s === 'Webhook') return s;
  throw new Error(`invalid --authorization-mode "${s}" (want AlwaysAllow or Webhook)`);
}

export function parseKubeletFlags(argv: string[]): KubeletOptions {
  const { values } = parseFlags(argv, kubeletFlagSpecs);
  const list = (k: string): string[] => (Array.isArray(values[k]) ? (values[k] as string[]) : []);
  const labels: Record<string, string> = {};
  for (const kv of list('node-labels')) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new Error(`invalid --node-labels entry "${kv}"`);
    labels[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const eviction: Record<string, string> = {};
  for (const e of list('eviction-hard')) {
    const m = /^([a-z.]+)<(.+)$/.exec(e);
    if (!m || !m[1] || !m[2]) throw new Error(`invalid --eviction-hard entry "${e}"`);
    eviction[m[1]] = m[2];
  }
  return {
    kubeconfig: str(values.kubeconfig) || undefined,
    hostnameOverride: str(values['hostname-override']) || undefined,
    nodeIP: str(values['node-ip']) || undefined,
    containerRuntimeEndpoint: str(values['container-runtime-endpoint']) || undefined,
    rootDir: str(values['root-dir'], '/var/lib/kts-kubelet'),
    clusterDNS: list('cluster-dns'),
    clusterDomain: str(values['cluster-domain'], 'cluster.local'),
    nodeLabels: labels,
    registerWithTaints: list('register-with-taints').map(parseTaint),
    maxPods: num(values['max-pods'], 110),
    evictionHard: eviction,
    podCIDR: str(values['pod-cidr']) || undefined,
    address: str(values.address),
    port: num(values.port, 10250),
    tlsCertFile: str(values['tls-cert-file']) || undefined,
    tlsPrivateKeyFile: str(values['tls-private-key-file']) || undefined,
    certDir: str(values['cert-dir']),
    rotateServerCertificates: bool(values['rotate-server-certificates'], false),
    clientCAFile: str(values['client-ca-file']) || undefined,
    anonymousAuth: bool(values['anonymous-auth'], false),
    authenticationTokenWebhook: bool(values['authentication-token-webhook'], true),
    authenticationTokenWebhookCacheTtlMs: num(values['authentication-token-webhook-cache-ttl'], 120_000),
    authorizationMode: authorizationMode(str(values['authorization-mode'], 'Webhook')),
    authorizationWebhookCacheAuthorizedTtlMs: num(values['authorization-webhook-cache-authorized-ttl'], 300_000),
    authorizationWebhookCacheUnauthorizedTtlMs: num(values['authorization-webhook-cache-unauthorized-ttl'], 30_000),
    readOnlyPort: num(values['read-only-port'], 0),
    healthzPort: num(values['healthz-port'], 10248),
    healthzBindAddress: str(values['healthz-bind-address'], '127.0.0.1'),
    syncFrequencyMs: num(values['sync-frequency'], 60_000),
    nodeStatusUpdateFrequencyMs: num(values['node-status-update-frequency'], 10_000),
    plegRelistPeriodMs: num(values['pleg-relist-period'], 1000),
    cgroupRoot: str(values['cgroup-root'], '/kubepods'),
    verbosity: num(values.v, 0),
  };
}

export function kubeletUsage(): string {
  return usage('kubelet', 'The node agent: runs the pods bound to this node through a CRI runtime.', kubeletFlagSpecs);
}
