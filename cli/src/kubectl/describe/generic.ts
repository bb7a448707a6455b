// describe for kinds without a dedicated describer: header fields, then a YAML-ish dump of the rest with
// kubectl's "Title Case" keys, then Events.
import type { Ctx } from '../common/context';
import { fetchEvents, writeEvents } from './events';
import { DescribeWriter, annotations, labels, obj, str } from './writer';

type J = Record<string, unknown>;

const acronyms = new Set(['api', 'cpu', 'dns', 'http', 'https', 'id', 'ip', 'ips', 'json', 'qps', 'tcp', 'tls', 'ttl', 'udp', 'uid', 'uri', 'url', 'uuid']);

/** kubectl's smartLabelFor: camelCase → "Camel Case", known acronyms upper-cased ("uid" → "UID"). */
function title(k: string): string {
  return k
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(' ')
    .map((w) => (acronyms.has(w.toLowerCase()) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

function dump(w: DescribeWriter, level: number, v: unknown): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (item && typeof item === 'object' && !Array.isArray(item)) {
        const entries = Object.keys(item as J).sort().map((k) => [k, (item as J)[k]] as const);
        entries.forEach(([k, x], i) => writeField(w, level, k, x, i === 0 ? '' : ''));
      } else w.write(level, `${String(item)}\n`);
    }
    return;
  }
  for (const k of Object.keys(obj(v)).sort()) writeField(w, level, k, obj(v)[k], '');
}

function writeField(w: DescribeWriter, level: number, k: string, x: unknown, _prefix: string): void {
  const name = /^[a-z]/.test(k) && !k.includes('.') && !k.includes('/') ? title(k) : k;
  if (x && typeof x === 'object') {
    w.write(level, `${name}:\n`);
    dump(w, level + 1, x);
  } else w.line(level, `${name}:`, str(x));
}

export async function describeGeneric(ctx: Ctx, o: J): Promise<string> {
  const w = new DescribeWriter();
  const meta = obj(o.metadata);
  w.line(0, 'Name:', str(meta.name));
  if (meta.namespace) w.line(0, 'Namespace:', str(meta.namespace));
  labels(w, 0, meta.labels);
  annotations(w, 0, meta.annotations);
  w.line(0, 'API Version:', str(o.apiVersion));
  w.line(0, 'Kind:', str(o.kind));
  const { labels: _l, annotations: _a, name: _n, namespace: _ns, managedFields: _m, ...restMeta } = meta;
  void _l;
  void _a;
  void _n;
  void _ns;
  void _m;
  w.write(0, 'Metadata:\n');
  dump(w, 1, restMeta);
  for (const k of Object.keys(o).sort()) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    writeField(w, 0, k, o[k], '');
  }
  writeEvents(w, await fetchEvents(ctx, o));
  return w.render();
}
