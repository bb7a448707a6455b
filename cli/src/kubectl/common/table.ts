// kubectl's human-readable printer for server-side Tables: uppercase headers, tabwriter columns padded with 3
// spaces (the last column unpadded), priority>0 columns only with -o wide, optional NAMESPACE/LABELS columns.
type J = Record<string, unknown>;

export interface TableDoc {
  columnDefinitions: Array<{ name: string; type: string; format?: string; priority?: number }>;
  rows: Array<{ cells: unknown[]; object?: J }>;
}

export interface TableOptions {
  wide: boolean;
  withNamespace: boolean;
  showLabels: boolean;
  /** "pod", "deployment.apps": prefix for the name column (several resource types in one get). */
  kindPrefix?: string;
  noHeaders?: boolean;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '<none>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

/** The header and rows of a Table as string cells. */
export function tableCells(doc: TableDoc, o: TableOptions): { header: string[]; rows: string[][] } {
  const cols = doc.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => o.wide || !c.priority);
  const header = [...(o.withNamespace ? ['NAMESPACE'] : []), ...cols.map(({ c }) => c.name.toUpperCase()), ...(o.showLabels ? ['LABELS'] : [])];
  const rows = doc.rows.map((r) => {
    const meta = (r.object?.metadata ?? {}) as J;
    const cells = cols.map(({ c, i }, k) => {
      const t = cellText(r.cells[i]);
      return k === 0 && o.kindPrefix && c.format === 'name' ? `${o.kindPrefix}/${t}` : k === 0 && o.kindPrefix && i === 0 ? `${o.kindPrefix}/${t}` : t;
    });
    return [...(o.withNamespace ? [String(meta.namespace ?? '')] : []), ...cells, ...(o.showLabels ? [formatLabels(meta.labels as Record<string, string>)] : [])];
  });
  return { header, rows };
}

/** Column widths for aligned output. */
export function widths(lines: string[][]): number[] {
  const w: number[] = [];
  for (const line of lines) line.forEach((c, i) => (w[i] = Math.max(w[i] ?? 0, c.length)));
  return w;
}

export function alignLine(line: string[], w: number[]): string {
  return line.map((c, i) => (i === line.length - 1 ? c : c.padEnd((w[i] ?? 0) + 3))).join('');
}

/** Aligned lines with a trailing newline each (tabwriter with padding 3). */
export function renderAligned(lines: string[][]): string {
  const w = widths(lines);
  return lines.map((l) => `${alignLine(l, w)}\n`).join('');
}

export function renderTable(doc: TableDoc, o: TableOptions): string {
  const { header, rows } = tableCells(doc, o);
  return renderAligned(o.noHeaders ? rows : [header, ...rows]);
}
