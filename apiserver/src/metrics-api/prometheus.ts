// Parses the kubelet's /metrics/resource (Prometheus text, the series metrics-server reads) into one raw sample:
// cumulative CPU core-seconds and working-set bytes per container and for the node, with the kubelet's timestamps.

export interface Point {
  /** cumulative core-seconds */
  cpu: number;
  /** bytes */
  memory: number;
  /** ms since epoch, from the series' timestamp (or the scrape time) */
  ts: number;
}

export interface RawSample {
  node?: Point;
  /** "namespace/pod" → container name → point */
  pods: Map<string, Map<string, Point>>;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function labelsOf(s: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!s) return out;
  for (const m of s.matchAll(LABEL)) out[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
  return out;
}

export function parseResourceMetrics(text: string, scrapedAtMs: number): RawSample {
  const sample: RawSample = { pods: new Map() };
  const partial = new Map<string, Partial<Point>>();
  const node: Partial<Point> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const [, name, lbl, val, ts] = m;
    const value = Number(val);
    if (!Number.isFinite(value)) continue;
    const at = ts ? Number(ts) : scrapedAtMs;
    if (name === 'node_cpu_usage_seconds_total') Object.assign(node, { cpu: value, ts: at });
    else if (name === 'node_memory_working_set_bytes') node.memory = value;
    else if (name === 'container_cpu_usage_seconds_total' || name === 'container_memory_working_set_bytes') {
      const l = labelsOf(lbl);
      if (!l.pod || !l.container) continue;
      const key = `${l.namespace ?? ''}/${l.pod}\u0000${l.container}`;
      const p = partial.get(key) ?? {};
      if (name === 'container_cpu_usage_seconds_total') Object.assign(p, { cpu: value, ts: at });
      else p.memory = value;
      partial.set(key, p);
    }
  }
  if (node.cpu !== undefined && node.memory !== undefined && node.ts !== undefined) sample.node = { cpu: node.cpu, memory: node.memory, ts: node.ts };
  for (const [key, p] of partial) {
    // a container without both series is left out, as metrics-server does
    if (p.cpu === undefined || p.memory === undefined || p.ts === undefined) continue;
    const [pod = '', container = ''] = key.split('\u0000');
    const cs = sample.pods.get(pod) ?? new Map<string, Point>();
    cs.set(container, { cpu: p.cpu, memory: p.memory, ts: p.ts });
    sample.pods.set(pod, cs);
  }
  return sample;
}
