// The API server's built-in metrics scraper: per node, on demand, it fetches the kubelet's /metrics/resource and
// turns two cumulative samples into a CPU rate (as metrics-server does). Results are cached for `cacheTtlMs`
// (default 15 s, metrics-server's --metric-resolution) so `kubectl top` and the HPA cost one scrape per period;
// nothing runs while nobody asks. Without a recent previous sample it scrapes twice, `minWindowMs` apart.
import { parseResourceMetrics, type Point, type RawSample } from './prometheus';

export interface Usage {
  /** nanocores */
  cpu: number;
  /** bytes */
  memory: number;
}

export interface NodeUsageSample {
  /** ms since epoch of the newer sample */
  timestamp: number;
  /** ms between the two samples */
  windowMs: number;
  node?: Usage;
  /** "namespace/pod" → container name → usage */
  pods: Map<string, Map<string, Usage>>;
}

export interface MetricsSourceOptions {
  /** GET a path of a node's kubelet (its HTTPS server), resolving to the body. */
  fetch(nodeName: string, path: string): Promise<string>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  cacheTtlMs?: number;
  minWindowMs?: number;
  /** an older previous sample is not used for a rate (it would average over too long) */
  maxWindowMs?: number;
}

interface NodeState {
  prev?: { at: number; raw: RawSample };
  result?: { at: number; value: NodeUsageSample };
  inflight?: Promise<NodeUsageSample>;
}

function rate(a: Point | undefined, b: Point): Usage | undefined {
  if (!a || b.ts <= a.ts || b.cpu < a.cpu) return undefined; // restarted container: no rate until the next sample
  return { cpu: Math.round(((b.cpu - a.cpu) / ((b.ts - a.ts) / 1000)) * 1e9), memory: b.memory };
}

/** Rates between two raw samples of one node. */
export function usageBetween(a: RawSample, b: RawSample): NodeUsageSample {
  const pods = new Map<string, Map<string, Usage>>();
  let timestamp = 0;
  let windowMs = 0;
  for (const [pod, containers] of b.pods) {
    const before = a.pods.get(pod);
    const out = new Map<string, Usage>();
    let complete = true;
    for (const [name, point] of containers) {
      const u = rate(before?.get(name), point);
      if (!u) {
        complete = false;
        break;
      }
      out.set(name, u);
      const prev = before?.get(name);
      if (prev) (timestamp = Math.max(timestamp, point.ts)), (windowMs = Math.max(windowMs, point.ts - prev.ts));
    }
    // a pod is reported only with every container measured (metrics-server skips partial pods)
    if (complete && out.size) pods.set(pod, out);
  }
  const node = b.node ? rate(a.node, b.node) : undefined;
  if (b.node && a.node && node) (timestamp = Math.max(timestamp, b.node.ts)), (windowMs = Math.max(windowMs, b.node.ts - a.node.ts));
  return { timestamp, windowMs, ...(node ? { node } : {}), pods };
}

export class KubeletMetricsSource {
  private readonly nodes = new Map<string, NodeState>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  readonly cacheTtlMs: number;
  private readonly minWindowMs: number;
  private readonly maxWindowMs: number;

  constructor(private readonly opts: MetricsSourceOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms).unref()));
    this.cacheTtlMs = opts.cacheTtlMs ?? 15_000;
    this.minWindowMs = opts.minWindowMs ?? 1_000;
    this.maxWindowMs = opts.maxWindowMs ?? 120_000;
  }

  /** The node's usage, from the cache when fresh enough. Rejects when its kubelet cannot be scraped. */
  usage(nodeName: string): Promise<NodeUsageSample> {
    const st = this.nodes.get(nodeName) ?? {};
    this.nodes.set(nodeName, st);
    if (st.result && this.now() - st.result.at < this.cacheTtlMs) return Promise.resolve(st.result.value);
    st.inflight ??= this.refresh(nodeName, st).finally(() => delete st.inflight);
    return st.inflight;
  }

  /** Forgets nodes not in `names` (deleted Nodes). */
  retain(names: Set<string>): void {
    for (const n of this.nodes.keys()) if (!names.has(n)) this.nodes.delete(n);
  }

  private async scrape(nodeName: string): Promise<{ at: number; raw: RawSample }> {
    const text = await this.opts.fetch(nodeName, '/metrics/resource');
    const at = this.now();
    return { at, raw: parseResourceMetrics(text, at) };
  }

  private async refresh(nodeName: string, st: NodeState): Promise<NodeUsageSample> {
    let prev = st.prev && this.now() - st.prev.at <= this.maxWindowMs ? st.prev : undefined;
    if (!prev) {
      prev = await this.scrape(nodeName);
      await this.sleep(this.minWindowMs);
    }
    const cur = await this.scrape(nodeName);
    st.prev = cur;
    const value = usageBetween(prev.raw, cur.raw);
    st.result = { at: cur.at, value };
    return value;
  }
}
