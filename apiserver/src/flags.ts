// kube-apiserver flag names. We serve plain HTTP on loopback until authentication exists: --secure-port and
// --port both set the listening port.
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
}

export function parseDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let matched = '';
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    matched += m[0];
  }
  if (s === '0') return 0;
  if (matched !== s) throw new Error(`invalid duration "${s}"`);
  return total;
}

export function parseApiServerFlags(argv: string[]): ApiServerFlags {
  const f: ApiServerFlags = {
    etcdServers: ['http://127.0.0.1:2379'],
    etcdPrefix: '/registry',
    bindAddress: '127.0.0.1',
    port: 6443,
    serviceClusterIpRange: '10.96.0.0/12',
    serviceNodePortRange: '30000-32767',
    verbosity: 0,
    etcdCompactionIntervalMs: 5 * 60_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) throw new Error(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, '');
    const value = (): string => {
      if (eq >= 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`flag needs an argument: --${name}`);
      return v;
    };
    const int = (v: string): number => {
      if (!/^\d+$/.test(v)) throw new Error(`invalid value "${v}" for flag --${name}`);
      return Number(v);
    };
    switch (name) {
      case 'etcd-servers':
        f.etcdServers = value().split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case 'etcd-prefix':
        f.etcdPrefix = value();
        break;
      case 'bind-address':
      case 'advertise-address':
        f.bindAddress = value();
        break;
      case 'secure-port':
      case 'port':
        f.port = int(value());
        break;
      case 'service-cluster-ip-range':
        f.serviceClusterIpRange = value();
        break;
      case 'service-node-port-range':
        f.serviceNodePortRange = value();
        break;
      case 'data-dir':
        f.dataDir = value();
        break;
      case 'etcd-compaction-interval':
        f.etcdCompactionIntervalMs = parseDuration(value());
        break;
      case 'service-account-signing-key-file':
        f.serviceAccountSigningKeyFile = value();
        break;
      case 'service-account-key-file':
        f.serviceAccountKeyFile = value();
        break;
      case 'service-account-issuer':
        f.serviceAccountIssuer = value();
        break;
      case 'default-not-ready-toleration-seconds':
        f.defaultNotReadyTolerationSeconds = int(value());
        break;
      case 'default-unreachable-toleration-seconds':
        f.defaultUnreachableTolerationSeconds = int(value());
        break;
      case 'client-ca-file':
        f.clientCAFile = value();
        break;
      case 'v':
        f.verbosity = int(value());
        break;
      default:
        throw new Error(`unknown flag: --${name}`);
    }
  }
  return f;
}
