// get -w: print the initial table, then one row per watch event (Table-encoded events), aligned with the
// initial columns, until interrupted.
import type { Ctx } from '../common/context';
import { resourcePath } from '../common/discovery';
import { jsonLines, tableAccept } from '../common/http';
import { alignLine, tableCells, widths, type TableDoc, type TableOptions } from '../common/table';
import type { ResourceRequest } from './args';

type J = Record<string, unknown>;

export async function watchTable(ctx: Ctx, r: ResourceRequest, initial: TableDoc & { metadata?: J }, o: TableOptions, ns: string, q: Record<string, string>, watchOnly: boolean): Promise<number> {
  const { header, rows } = tableCells(initial, o);
  let w = widths(watchOnly ? [header] : [header, ...rows]);
  let headerPrinted = false;
  const print = (lines: string[][]) => {
    if (!headerPrinted && !o.noHeaders) {
      w = widths([header, ...lines, ...(watchOnly ? [] : rows)]);
      ctx.io.out.write(`${alignLine(header, w)}\n`);
    }
    headerPrinted = true;
    for (const l of lines) ctx.io.out.write(`${alignLine(l, w)}\n`);
  };
  if (!watchOnly && rows.length) print(rows);
  else if (!watchOnly && rows.length === 0 && !r.names) ctx.io.err.write(o.withNamespace || !r.res.namespaced ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
  const query: Record<string, string | boolean> = { ...q, watch: true, includeObject: 'Object', resourceVersion: String(initial.metadata?.resourceVersion ?? '') };
  if (r.names?.length === 1) query.fieldSelector = `metadata.name=${r.names[0]}`;
  const res = await ctx.t.stream({ path: resourcePath(r.res, r.res.namespaced ? ns : ''), query, accept: tableAccept, signal: ctx.signal });
  try {
    for await (const ev of jsonLines(res)) {
      const e = ev as { type?: string; object?: TableDoc & J };
      if (e.type === 'ERROR' || e.type === 'BOOKMARK' || !e.object) continue;
      const doc = e.object.kind === 'Table' ? e.object : undefined;
      if (!doc) continue;
      if (!doc.columnDefinitions?.length) doc.columnDefinitions = initial.columnDefinitions;
      print(tableCells(doc, { ...o, noHeaders: true }).rows);
    }
  } catch (e) {
    if (!ctx.signal.aborted) throw e;
  }
  return 0;
}
