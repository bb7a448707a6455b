// kts get: server-side Table output printed like kubectl's human printer, -o wide|yaml|json|name, -w.
import type { Ctx, CommandSpec } from '../common/context';
import type { KParsed } from '../common/flags';
import { b, s } from '../common/flags';
import { qualifiedKind, resourcePath } from '../common/discovery';
import { tableAccept } from '../common/http';
import { formatError } from '../common/errors';
import { renderAligned, tableCells, type TableDoc, type TableOptions } from '../common/table';
import { printObjects, withoutManagedFields } from '../common/output';
import { resourceRequests, type ResourceRequest } from './args';
import { watchTable } from './watch';

type J = Record<string, unknown>;

export const getSpec: CommandSpec = {
  usage: 'Usage: kts get [(-o|--output=)json|yaml|name|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]',
  flags: {
    output: { type: 'string', short: 'o', default: '' },
    selector: { type: 'string', short: 'l', default: '' },
    'field-selector': { type: 'string', default: '' },
    'all-namespaces': { type: 'bool', short: 'A', default: false },
    watch: { type: 'bool', short: 'w', default: false },
    'watch-only': { type: 'bool', default: false },
    'show-labels': { type: 'bool', default: false },
    'no-headers': { type: 'bool', default: false },
    'show-kind': { type: 'bool', default: false },
    'show-managed-fields': { type: 'bool', default: false },
  },
  run: (ctx, p) => get(ctx, p),
};

function query(p: KParsed, extra: J = {}): Record<string, string> {
  return { ...(s(p.values.selector) ? { labelSelector: s(p.values.selector) } : {}), ...(s(p.values['field-selector']) ? { fieldSelector: s(p.values['field-selector']) } : {}), ...(extra as Record<string, string>) };
}

async function get(ctx: Ctx, p: KParsed): Promise<number> {
  const { reqs, multi } = await resourceRequests(ctx, p.args);
  const all = b(p.values['all-namespaces']);
  const ns = all ? '' : ctx.namespace;
  const output = s(p.values.output);
  let code = 0;
  if (output && output !== 'wide') {
    const objs: J[] = [];
    let single = false;
    for (const r of reqs) {
      if (r.names) {
        single = reqs.length === 1 && r.names.length === 1;
        for (const name of r.names) {
          try {
            objs.push(withType(await ctx.t.request<J>({ path: resourcePath(r.res, ns || ctx.namespace, name) }), r, b(p.values['show-managed-fields'])));
          } catch (e) {
            ctx.io.err.write(`${formatError(e)}\n`);
            code = 1;
          }
        }
      } else {
        const list = await ctx.t.request<J>({ path: resourcePath(r.res, ns), query: query(p) });
        for (const it of (list.items as J[] | undefined) ?? []) objs.push(withType(it, r, b(p.values['show-managed-fields'])));
      }
    }
    if (objs.length || (output !== 'name' && !output.startsWith('custom-columns'))) ctx.io.out.write(printObjects(output, objs, single, b(p.values['no-headers'])));
    return code;
  }
  const opts = (r: ResourceRequest): TableOptions => ({
    wide: output === 'wide',
    withNamespace: all && r.res.namespaced,
    showLabels: b(p.values['show-labels']),
    noHeaders: b(p.values['no-headers']),
    ...(multi || b(p.values['show-kind']) ? { kindPrefix: qualifiedKind(r.res) } : {}),
  });
  let printed = 0;
  const tables: Array<{ r: ResourceRequest; doc: TableDoc & { metadata?: J } }> = [];
  for (const r of reqs) {
    const doc: TableDoc & { metadata?: J } = { columnDefinitions: [], rows: [] };
    if (r.names) {
      for (const name of r.names) {
        try {
          const t = await ctx.t.request<TableDoc & { metadata?: J }>({ path: resourcePath(r.res, ns || ctx.namespace, name), accept: tableAccept, query: { includeObject: 'Object' } });
          doc.columnDefinitions = t.columnDefinitions;
          doc.rows.push(...t.rows);
        } catch (e) {
          ctx.io.err.write(`${formatError(e)}\n`);
          code = 1;
        }
      }
    } else {
      const t = await ctx.t.request<TableDoc & { metadata?: J }>({ path: resourcePath(r.res, ns), accept: tableAccept, query: query(p, { includeObject: 'Object' }) });
      Object.assign(doc, t);
    }
    tables.push({ r, doc });
  }
  const watching = b(p.values.watch) || b(p.values['watch-only']);
  if (watching) {
    const first = tables[0];
    if (!first) return code;
    return watchTable(ctx, first.r, first.doc, opts(first.r), ns, query(p), b(p.values['watch-only']));
  }
  for (const { r, doc } of tables) {
    if (doc.rows.length === 0) continue;
    const { header, rows } = tableCells(doc, opts(r));
    if (printed++ > 0) ctx.io.out.write('\n');
    ctx.io.out.write(renderAligned(opts(r).noHeaders ? rows : [header, ...rows]));
  }
  if (printed === 0 && code === 0) {
    const namespaced = reqs.some((r) => r.res.namespaced);
    ctx.io.err.write(all || !namespaced ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
  }
  return code;
}

function withType(raw: J, r: ResourceRequest, keepManaged = false): J {
  const obj = keepManaged ? raw : withoutManagedFields(raw);
  return { ...obj, apiVersion: r.res.group ? `${r.res.group}/${r.res.version}` : r.res.version, kind: r.res.kind };
}
