// kubectl describe's output model: lines of tab-separated cells at indentation levels, laid out like Go's
// text/tabwriter (minwidth 0, padding 2): tab-terminated cells of consecutive lines form aligned column blocks.
import { humanDuration } from '@kubets/api';

export class DescribeWriter {
  private lines: string[] = [];

  /** level 0..n (2 spaces each); `text` may contain \t cell separators. */
  write(level: number, text: string): void {
    const indent = '  '.repeat(level);
    const parts = text.split('\n');
    for (let i = 0; i < parts.length - 1; i++) this.lines.push(indent + parts[i]!);
    if (parts[parts.length - 1]) this.lines.push(indent + parts[parts.length - 1]!); // unterminated: keep as line
  }

  line(level: number, ...cells: string[]): void {
    this.write(level, `${cells.join('\t')}\n`);
  }

  render(): string {
    return tabwrite(this.lines.map((l) => l.split('\t')), 2);
  }
}

export function tabwrite(lines: string[][], pad: number): string {
  const widths: number[][] = lines.map(() => []);
  const fmt = (from: number, to: number, col: number) => {
    let i = from;
    while (i < to) {
      if (lines[i]!.length - 1 <= col) {
        i++;
        continue;
      }
      let j = i;
      let w = 0;
      while (j < to && lines[j]!.length - 1 > col) {
        w = Math.max(w, lines[j]![col]!.length + pad);
        j++;
      }
      for (let k = i; k < j; k++) widths[k]![col] = w;
      fmt(i, j, col + 1);
      i = j;
    }
  };
  fmt(0, lines.length, 0);
  return lines.map((cells, k) => `${cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[k]![i] ?? 0) : c)).join('')}\n`).join('');
}

type J = Record<string, unknown>;

/** "Labels:\tk=v" then "\tk2=v2" lines; "<none>" when empty. */
export function multiline(w: DescribeWriter, level: number, title: string, m: Record<string, string> | undefined, sep = '=', skip: string[] = []): void {
  const keys = Object.keys(m ?? {}).filter((k) => !skip.includes(k)).sort();
  if (keys.length === 0) {
    w.line(level, `${title}:`, '<none>');
    return;
  }
  keys.forEach((k, i) => {
    const v = m![k]!;
    const shown = sep === ': ' && v.length > 140 ? `${v.slice(0, 140)}...` : v;
    if (i === 0) w.line(level, `${title}:`, `${k}${sep}${shown}`);
    else w.line(level, '', `${k}${sep}${shown}`);
  });
}

export function labels(w: DescribeWriter, level: number, m: unknown): void {
  multiline(w, level, 'Labels', m as Record<string, string>);
}

export function annotations(w: DescribeWriter, level: number, m: unknown): void {
  multiline(w, level, 'Annotations', m as Record<string, string>, ': ', ['kubectl.kubernetes.io/last-applied-configuration']);
}

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (x: number) => String(x).padStart(2, '0');

/** time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000". */
export function rfc1123z(ts: unknown): string {
  if (typeof ts !== 'string' || !ts) return '<unknown>';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return `${days[d.getUTCDay()]}, ${p2(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

export function since(ts: unknown, now = new Date()): string {
  if (typeof ts !== 'string' || !ts) return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

export const obj = (v: unknown): J => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as J) : {});
export const arr = (v: unknown): J[] => (Array.isArray(v) ? (v as J[]) : []);
export const str = (v: unknown, d = ''): string => (v === undefined || v === null ? d : String(v));

export function selectorText(sel: unknown): string {
  const s = obj(sel);
  const parts = Object.entries(obj(s.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of arr(s.matchExpressions)) {
    const vals = (Array.isArray(e.values) ? (e.values as string[]) : []).join(',');
    if (e.operator === 'In') parts.push(`${str(e.key)} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${str(e.key)} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(str(e.key));
    else parts.push(`!${str(e.key)}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

export function controlledBy(w: DescribeWriter, meta: J): void {
  const ref = arr(meta.ownerReferences).find((r) => r.controller === true);
  if (ref) w.line(0, 'Controlled By:', `${str(ref.kind)}/${str(ref.name)}`);
}
