// `kts hollow-nodes` flags.
import { parseDuration, usage, type FlagSpec } from '../flags';

export interface HollowNodeOptions {
  kubeconfig?: string;
  count: number;
  namePrefix: string;
  /** Delay between seeing a pod bound to a hollow node and reporting it Running+Ready. */
  podStartDelayMs: number;
  cpu: string;
  memory: string;
  pods: string;
  /** Lease renewal interval (kubelet: 10s). */
  heartbeatIntervalMs: number;
  /** Lease duration written to each node's Lease (kubelet: 40s). */
  leaseDurationSeconds: number;
  /** Max concurrent API requests (heartbeats, registration, pod status). */
  concurrency: number;
  /** Workers applying pod status changes. */
  podWorkers: number;
  verbosity: number;
  /** Extra node labels (--node-labels k=v,k2=v2). */
  nodeLabels: Record<string, string>;
}

export const defaultHollowNodeOptions: HollowNodeOptions = {
  count: 1,
  namePrefix: 'hollow-',
  podStartDelayMs: 1000,
  cpu: '32',
  memory: '256Gi',
  pods: '110',
  heartbeatIntervalMs: 10_000,
  leaseDurationSeconds: 40,
  concurrency: 64,
  podWorkers: 16,
  verbosity: 0,
  nodeLabels: {},
};


const d = defaultHollowNodeOptions;
/** For `kts hollow-nodes --help` (parseHollowNodeFlags below is the parser). */
const hollowNodeFlagHelp: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', help: 'kubeconfig of the API server (default: in-cluster / $KUBECONFIG rules)' },
  count: { type: 'int', default: d.count, help: 'number of nodes to simulate (at most 32768)' },
  'name-prefix': { type: 'string', default: d.namePrefix, help: 'node names are <prefix><i>' },
  'pod-start-delay': { type: 'duration', default: `${d.podStartDelayMs}ms`, help: 'delay between a pod binding and its Running+Ready status' },
  cpu: { type: 'string', default: d.cpu, help: 'each node\'s cpu capacity' },
  memory: { type: 'string', default: d.memory, help: 'each node\'s memory capacity' },
  pods: { type: 'string', default: d.pods, help: 'each node\'s pod capacity' },
  'node-lease-renew-interval': { type: 'duration', default: `${d.heartbeatIntervalMs / 1000}s`, help: 'Lease renewal interval (also --heartbeat-interval)' },
  'node-lease-duration-seconds': { type: 'int', default: d.leaseDurationSeconds, help: 'leaseDurationSeconds written to each node\'s Lease' },
  concurrency: { type: 'int', default: d.concurrency, help: 'max concurrent API requests (heartbeats, registration, pod status)' },
  'pod-workers': { type: 'int', default: d.podWorkers, help: 'workers applying pod status changes' },
  'node-labels': { type: 'list', help: 'extra node labels k=v,k2=v2' },
  v: { type: 'int', default: d.verbosity, help: 'log verbosity' },
  help: { type: 'bool', default: false, help: 'show this help' },
};

export function hollowNodesUsage(): string {
  return usage('hollow-nodes', 'Simulated nodes (like kwok): register N Nodes, heartbeat their Leases, and report the pods bound to them Running.', hollowNodeFlagHelp);
}

function int(name: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new Error(`--${name}: expected a non-negative integer, got "${v}"`);
  return Number(v);
}

/** Parses `--flag value` and `--flag=value` forms. Unknown flags throw. */
export function parseHollowNodeFlags(argv: string[]): HollowNodeOptions {
  const o: HollowNodeOptions = { ...defaultHollowNodeOptions, nodeLabels: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) throw new Error(`unexpected argument "${a}"`);
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const value = (): string => {
      if (eq >= 0) return body.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`flag --${name} needs a value`);
      return v;
    };
    switch (name) {
      case 'kubeconfig':
        o.kubeconfig = value();
        break;
      case 'count':
        o.count = int(name, value());
        break;
      case 'name-prefix':
        o.namePrefix = value();
        break;
      case 'pod-start-delay':
        o.podStartDelayMs = parseDuration(value());
        break;
      case 'cpu':
        o.cpu = value();
        break;
      case 'memory':
        o.memory = value();
        break;
      case 'pods':
        o.pods = value();
        break;
      case 'heartbeat-interval':
      case 'node-lease-renew-interval':
        o.heartbeatIntervalMs = parseDuration(value());
        break;
      case 'node-lease-duration-seconds':
        o.leaseDurationSeconds = int(name, value());
        break;
      case 'concurrency':
        o.concurrency = Math.max(1, int(name, value()));
        break;
      case 'pod-workers':
        o.podWorkers = Math.max(1, int(name, value()));
        break;
      case 'v':
        o.verbosity = int(name, value());
        break;
      case 'node-labels':
        for (const kv of value().split(',').filter(Boolean)) {
          const j = kv.indexOf('=');
          if (j <= 0) throw new Error(`--node-labels: expected k=v, got "${kv}"`);
          o.nodeLabels[kv.slice(0, j)] = kv.slice(j + 1);
        }
        break;
      default:
        throw new Error(`unknown flag --${name}`);
    }
  }
  if (o.count < 1) throw new Error('--count must be at least 1');
  if (o.count > 32_768) throw new Error('--count must be at most 32768 (one /24 pod CIDR per node in 10.128.0.0/9)');
  return o;
}
