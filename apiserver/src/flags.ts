// kube-apiserver flag names, parsed with @kubets/client's parseFlags (Kubernetes conventions). HTTPS only:
// --secure-port and --port both set the listening port, and --advertise-address is an alias of --bind-address.
import { parseDuration, parseFlags, str, usage, type FlagSpec, type FlagValue } from '@kubets/client';

export { parseDuration };

export interface ApiServerFlags {
  etcdServers: string[];
  etcdPrefix: string;
  bindAddress: string;
  port: number;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  dataDir?: string;
  verbosity: number;
  etcdCompactionIntervalMs: number;
  serviceAccountSigningKeyFile?: string;
  serviceAccountKeyFile?: string;
  serviceAccountIssuer?: string;
  clientCAFile?: string;
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
  tlsCertFile?: string;
  tlsPrivateKeyFile?: string;
  tokenAuthFile?: string;
  anonymousAuth: boolean;
  enableBootstrapTokenAuth: boolean;
  authorizationModes: string[];
  apiAudiences: string[];
  kubeletClientCertificate?: string;
  kubeletClientKey?: string;
  kubeletCertificateAuthority?: string;
  encryptionProviderConfig?: string;
  encryptionProviderConfigAutomaticReload: boolean;
  auditPolicyFile?: string;
  auditLogPath?: string;
  auditLogMaxSize: number;
  auditLogMaxBackup: number;
  auditLogMaxAge: number;
  admissionControlConfigFile?: string;
  etcdCAFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  requestheaderClientCAFile?: string;
  proxyClientCertFile?: string;
  proxyClientKeyFile?: string;
  requestheaderAllowedNames: string[];
}

export const apiServerFlagSpecs: Record<string, FlagSpec> = {
  'etcd-servers': { type: 'list', default: ['http://127.0.0.1:2379'], help: 'List of etcd servers to connect with (scheme://ip:port), comma separated.' },
  'etcd-cafile': { type: 'string', help: 'SSL Certificate Authority file used to secure etcd communication.' },
  'etcd-certfile': { type: 'string', help: 'SSL certification file used to secure etcd communication.' },
  'etcd-keyfile': { type: 'string', help: 'SSL key file used to secure etcd communication.' },
  'etcd-prefix': { type: 'string', default: '/registry', help: 'The prefix to prepend to all resource paths in etcd.' },
  'etcd-compaction-interval': { type: 'duration', default: '5m', help: 'The interval of compaction requests. If 0, the compaction request from apiserver is disabled.' },
  'bind-address': { type: 'string', default: '127.0.0.1', help: 'The IP address on which to listen for the --secure-port port.' },
  'advertise-address': { type: 'string', help: 'Alias of --bind-address (kubets serves where it advertises).' },
  'secure-port': { type: 'int', default: 6443, help: 'The port on which to serve HTTPS with authentication and authorization.' },
  'tls-cert-file': { type: 'string', help: 'File containing the default x509 Certificate for HTTPS. If not given, the cluster PKI under --data-dir is used (created on first start).' },
  'tls-private-key-file': { type: 'string', help: 'File containing the default x509 private key matching --tls-cert-file.' },
  'token-auth-file': { type: 'string', help: 'If set, the file that will be used to secure the secure port of the API server via token authentication.' },
  'anonymous-auth': { type: 'bool', default: true, help: 'Enables anonymous requests to the secure port of the API server. Requests that are not rejected by another authentication method are treated as anonymous requests (user system:anonymous, group system:unauthenticated).' },
  'enable-bootstrap-token-auth': { type: 'bool', default: false, help: "Enable to allow secrets of type 'bootstrap.kubernetes.io/token' in the 'kube-system' namespace to be used for TLS bootstrapping authentication." },
  'authorization-mode': { type: 'list', default: ['Node', 'RBAC'], help: 'Ordered list of plug-ins to do authorization on secure port. Comma-delimited list of: AlwaysAllow,AlwaysDeny,Node,RBAC.' },
  'kubelet-client-certificate': { type: 'string', help: 'Path to a client cert file for TLS to kubelets (default: the cluster PKI under --data-dir).' },
  'kubelet-client-key': { type: 'string', help: 'Path to a client key file for TLS to kubelets.' },
  'kubelet-certificate-authority': { type: 'string', help: "Path to a cert file for the certificate authority that verifies kubelets' serving certificates." },
  'encryption-provider-config': { type: 'string', help: 'The file containing configuration for encryption providers to be used for storing secrets in etcd.' },
  'encryption-provider-config-automatic-reload': { type: 'bool', default: false, help: 'Determines if the file set by --encryption-provider-config should be automatically reloaded if the disk contents change.' },
  'audit-policy-file': { type: 'string', help: 'Path to the file that defines the audit policy configuration.' },
  'audit-log-path': { type: 'string', help: "If set, all requests coming to the apiserver will be logged to this file. '-' means standard out." },
  'audit-log-maxsize': { type: 'int', default: 0, help: 'The maximum size in megabytes of the audit log file before it gets rotated.' },
  'audit-log-maxbackup': { type: 'int', default: 0, help: 'The maximum number of old audit log files to retain. Setting a value of 0 will mean there\'s no restriction on the number of files.' },
  'audit-log-maxage': { type: 'int', default: 0, help: 'The maximum number of days to retain old audit log files based on the timestamp encoded in their filename.' },
  'admission-control-config-file': { type: 'string', help: 'File with admission control configuration (an AdmissionConfiguration; PodSecurity defaults and exemptions).' },
  'requestheader-client-ca-file': { type: 'string', help: 'Root certificate bundle to use to verify client certificates on incoming requests before trusting usernames in headers (front proxy; default: the front-proxy CA under --data-dir).' },
  'proxy-client-cert-file': { type: 'string', help: 'Client certificate used to prove the identity of the aggregator or kube-apiserver when it must call out during a request (aggregated API servers).' },
  'proxy-client-key-file': { type: 'string', help: 'Private key for the client certificate used to prove the identity of the aggregator or kube-apiserver when it must call out during a request.' },
  'requestheader-allowed-names': { type: 'list', default: [], help: 'List of client certificate common names to allow to provide usernames in headers. If empty, any client certificate validated by the authorities in --requestheader-client-ca-file is allowed.' },
  'api-audiences': { type: 'list', default: [], help: 'Identifiers of the API. The service account token authenticator will validate that tokens used against the API are bound to at least one of these audiences (default: the issuer).' },
  port: { type: 'int', help: 'Alias of --secure-port.' },
  'service-cluster-ip-range': { type: 'string', default: '10.96.0.0/12', help: 'A CIDR notation IP range from which to assign service cluster IPs.' },
  'service-node-port-range': { type: 'string', default: '30000-32767', help: 'A port range to reserve for services with NodePort visibility.' },
  'data-dir': { type: 'string', help: 'Directory for generated state (the service account signing key <data-dir>/sa.key, the join token).' },
  'service-account-signing-key-file': { type: 'string', help: 'Path to the file that contains the current private key of the service account token issuer (default <data-dir>/sa.key, generated).' },
  'service-account-key-file': { type: 'string', help: 'File containing PEM-encoded public RSA key used to verify ServiceAccount tokens.' },
  'service-account-issuer': { type: 'string', help: 'Identifier of the service account token issuer.' },
  'client-ca-file': { type: 'string', help: 'If set, any request presenting a client certificate signed by one of the authorities in the client-ca-file is authenticated.' },
  'default-not-ready-toleration-seconds': { type: 'int', help: 'Indicates the tolerationSeconds of the toleration for notReady:NoExecute that is added by default to every pod that does not already have such a toleration.' },
  'default-unreachable-toleration-seconds': { type: 'int', help: 'Indicates the tolerationSeconds of the toleration for unreachable:NoExecute that is added by default to every pod that does not already have such a toleration.' },
  v: { type: 'int', default: 0, help: 'number for the log level verbosity' },
};

export function apiServerUsage(): string {
  return usage('apiserver', 'The Kubernetes API server: validates and stores API objects and serves the REST API.', apiServerFlagSpecs);
}

/** The value of the one of `names` given last on the command line (aliases), else undefined. */
function lastOf(argv: readonly string[], values: Record<string, FlagValue>, names: string[]): FlagValue {
  let best: { at: number; v: FlagValue } | undefined;
  argv.forEach((a, at) => {
    const name = a.replace(/^--?/, '').split('=')[0] ?? '';
    if (a.startsWith('-') && names.includes(name) && (!best || at > best.at)) best = { at, v: values[name] };
  });
  return best?.v;
}

const nonNegativeInt = (name: string, v: FlagValue): number | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || v < 0) throw new Error(`invalid value "${String(v)}" for flag --${name}`);
  return v;
};

export function parseApiServerFlags(argv: string[]): ApiServerFlags {
  const { values, args } = parseFlags(argv, apiServerFlagSpecs);
  if (args.length) throw new Error(`unexpected argument "${args[0]}"`);
  const opt = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const port = lastOf(argv, values, ['secure-port', 'port']) ?? values['secure-port'];
  const tlsOnly = (values['etcd-certfile'] === undefined) !== (values['etcd-keyfile'] === undefined);
  if (tlsOnly) throw new Error('--etcd-certfile and --etcd-keyfile must be given together');
  const f: ApiServerFlags = {
    etcdServers: (values['etcd-servers'] as string[]).map((s) => s.trim()).filter(Boolean),
    etcdPrefix: str(values['etcd-prefix']),
    bindAddress: str(lastOf(argv, values, ['bind-address', 'advertise-address']) ?? values['bind-address']),
    port: nonNegativeInt('secure-port', port)!,
    serviceClusterIpRange: str(values['service-cluster-ip-range']),
    serviceNodePortRange: str(values['service-node-port-range']),
    verbosity: nonNegativeInt('v', values.v)!,
    etcdCompactionIntervalMs: values['etcd-compaction-interval'] as number,
    anonymousAuth: values['anonymous-auth'] === true,
    enableBootstrapTokenAuth: values['enable-bootstrap-token-auth'] === true,
    authorizationModes: (values['authorization-mode'] as string[]).map((s) => s.trim()).filter(Boolean),
    apiAudiences: (values['api-audiences'] as string[]).map((s) => s.trim()).filter(Boolean),
    encryptionProviderConfigAutomaticReload: values['encryption-provider-config-automatic-reload'] === true,
    auditLogMaxSize: nonNegativeInt('audit-log-maxsize', values['audit-log-maxsize'])!,
    auditLogMaxBackup: nonNegativeInt('audit-log-maxbackup', values['audit-log-maxbackup'])!,
    auditLogMaxAge: nonNegativeInt('audit-log-maxage', values['audit-log-maxage'])!,
    requestheaderAllowedNames: (values['requestheader-allowed-names'] as string[]).map((s) => s.trim()).filter(Boolean),
  };
  const dataDir = opt('data-dir');
  if (dataDir !== undefined) f.dataDir = dataDir;
  const signingKeyFile = opt('service-account-signing-key-file');
  if (signingKeyFile !== undefined) f.serviceAccountSigningKeyFile = signingKeyFile;
  const keyFile = opt('service-account-key-file');
  if (keyFile !== undefined) f.serviceAccountKeyFile = keyFile;
  const issuer = opt('service-account-issuer');
  if (issuer !== undefined) f.serviceAccountIssuer = issuer;
  const clientCAFile = opt('client-ca-file');
  if (clientCAFile !== undefined) f.clientCAFile = clientCAFile;
  const notReady = nonNegativeInt('default-not-ready-toleration-seconds', values['default-not-ready-toleration-seconds']);
  if (notReady !== undefined) f.defaultNotReadyTolerationSeconds = notReady;
  const unreachable = nonNegativeInt('default-unreachable-toleration-seconds', values['default-unreachable-toleration-seconds']);
  if (unreachable !== undefined) f.defaultUnreachableTolerationSeconds = unreachable;
  const tlsCert = opt('tls-cert-file');
  const tlsKey = opt('tls-private-key-file');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new Error('--tls-cert-file and --tls-private-key-file must be given together');
  if (tlsCert !== undefined) f.tlsCertFile = tlsCert;
  if (tlsKey !== undefined) f.tlsPrivateKeyFile = tlsKey;
  for (const [flag, key] of [
    ['kubelet-client-certificate', 'kubeletClientCertificate'],
    ['kubelet-client-key', 'kubeletClientKey'],
    ['kubelet-certificate-authority', 'kubeletCertificateAuthority'],
    ['encryption-provider-config', 'encryptionProviderConfig'],
    ['audit-policy-file', 'auditPolicyFile'],
    ['audit-log-path', 'auditLogPath'],
    ['admission-control-config-file', 'admissionControlConfigFile'],
    ['etcd-cafile', 'etcdCAFile'],
    ['etcd-certfile', 'etcdCertFile'],
    ['etcd-keyfile', 'etcdKeyFile'],
    ['requestheader-client-ca-file', 'requestheaderClientCAFile'],
    ['proxy-client-cert-file', 'proxyClientCertFile'],
    ['proxy-client-key-file', 'proxyClientKeyFile'],
  ] as const) {
    const v = opt(flag);
    if (v !== undefined) f[key] = v;
  }
  const tokenAuthFile = opt('token-auth-file');
  if (tokenAuthFile !== undefined) f.tokenAuthFile = tokenAuthFile;
  return f;
}
