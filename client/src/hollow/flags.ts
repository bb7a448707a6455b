// `kts hollow-nodes` flags.
import { parseDuration } from '../flags';

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
