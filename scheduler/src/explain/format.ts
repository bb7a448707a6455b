// `kts explain pod NAME`: renders the scheduler's /debug/explain JSON as text with a per-node table.
import type { Explanation } from './store';

function isExplanation(v: unknown): v is Explanation {
  const o = v as Partial<Explanation> | null;
  return typeof o === 'object' && o !== null && typeof o.name === 'string' && typeof o.filtered === 'object' && Array.isArray(o.scores);
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n');
}

/** Human-readable explanation: header, outcome, then one row per node (score or rejection). */
export function formatExplanation(json: unknown, opts: { maxNodes?: number } = {}): string {
  if (!isExplanation(json)) return 'no scheduling information for this pod';
  const e = json;
  const max = opts.maxNodes ?? 50;
  const out: string[] = [];
  out.push(`Pod:        ${e.namespace}/${e.name}`);
  out.push(`Scheduler:  ${e.profile}`);
  out.push(`Attempt:    ${e.attempts} at ${e.time}`);
  const outcome =
    e.result === 'scheduled' || e.result === 'binding'
      ? `${e.result === 'scheduled' ? 'Scheduled' : 'Binding'} to ${e.nodeName ?? '?'}`
      : e.result === 'error'
        ? 'Error'
        : 'Unschedulable';
  out.push(`Result:     ${outcome}`);
  if (e.message) out.push(`Message:    ${e.message}`);
  if (e.nominatedNodeName) out.push(`Nominated:  ${e.nominatedNodeName} (preemption)`);
  out.push(`Nodes:      ${e.numAllNodes} total, ${e.evaluatedNodes} evaluated, ${e.feasibleNodes} feasible, ${Object.keys(e.filtered).length} filtered out`);
  if (e.preFilterMessage) out.push(`PreFilter:  ${e.preFilterMessage}`);
  if (e.postFilterMessage) out.push(`PostFilter: ${e.postFilterMessage}`);
  const plugins = [...new Set(e.scores.flatMap((s) => Object.keys(s.plugins)))];
  const rows: string[][] = [];
  for (const s of e.scores) {
    const detail = plugins.map((p) => `${p}=${s.plugins[p] ?? 0}`).join(' ');
    rows.push([s.node, s.node === e.nodeName ? 'selected' : 'feasible', String(s.total), detail]);
  }
  const filtered = Object.entries(e.filtered).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [node, r] of filtered) rows.push([node, 'filtered', '-', `${r.plugin}: ${r.reasons.join(', ')}`]);
  const counts = Object.entries(e.reasonCounts ?? {}).sort((a, b) => b[1] - a[1]);
  if (counts.length > 1 || e.filteredOmitted) {
    out.push('', 'Filtered out:');
    for (const [r, n] of counts) out.push(`  ${String(n).padStart(5)}  ${r}`);
  }
  if (e.filteredOmitted) rows.push(['…', 'filtered', '-', `${e.filteredOmitted} more node(s) not listed`]);
  if (rows.length) {
    out.push('');
    const shown = rows.slice(0, max);
    out.push(table([['NODE', 'STATUS', 'SCORE', 'DETAILS'], ...shown]));
    if (rows.length > max) out.push(`... ${rows.length - max} more node(s)`);
  }
  return out.join('\n');
}

/** The scheduler's endpoint path for a pod's explanation (for `kts explain pod`). */
export function explainPath(namespace: string, name: string): string {
  return `/debug/explain/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}
