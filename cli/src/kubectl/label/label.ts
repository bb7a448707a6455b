// kts label TYPE NAME k=v k2- [--overwrite]: a merge patch on metadata.labels (with the resourceVersion as a
// precondition), "pod/x labeled".
import type { Ctx, CommandSpec } from '../common/context';
import { b, s, type KParsed } from '../common/flags';
import { qualifiedKind, resourcePath } from '../common/discovery';
import { formatError } from '../common/errors';
import { resourceRequests } from '../get/args';

type J = Record<string, unknown>;

export const labelSpec: CommandSpec = {
  usage: 'Usage: kts label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [flags]',
  flags: {
    overwrite: { type: 'bool', default: false },
    selector: { type: 'string', short: 'l', default: '' },
    all: { type: 'bool', default: false },
    list: { type: 'bool', default: false },
    'resource-version': { type: 'string', default: '' },
  },
  run: (ctx, p) => label(ctx, p),
};

/** Splits `k=v` / `k-` arguments from the resource arguments. */
export function parseLabelArgs(args: string[]): { resources: string[]; set: Record<string, string>; remove: string[] } {
  const resources: string[] = [];
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const a of args) {
    if (a.includes('=')) {
      const i = a.indexOf('=');
      set[a.slice(0, i)] = a.slice(i + 1);
    } else if (a.endsWith('-') && resources.length > 0) remove.push(a.slice(0, -1));
    else resources.push(a);
  }
  for (const k of remove) if (k in set) throw new Error(`can not both modify and remove a label in the same command`);
  return { resources, set, remove };
}

async function label(ctx: Ctx, p: KParsed): Promise<number> {
  const { resources, set, remove } = parseLabelArgs(p.args);
  const sel = s(p.values.selector);
  const { reqs } = await resourceRequests(ctx, resources);
  let code = 0;
  for (const { res, names } of reqs) {
    let objs: J[];
    if (names) {
      objs = [];
      for (const name of names) objs.push(await ctx.t.request<J>({ path: resourcePath(res, ctx.namespace, name) }));
    } else if (sel || b(p.values.all)) {
      const list = await ctx.t.request<J>({ path: resourcePath(res, ctx.namespace), query: { labelSelector: sel } });
      objs = (list.items as J[] | undefined) ?? [];
    } else throw new Error('resource(s) were provided, but no name was specified');
    if (Object.keys(set).length === 0 && remove.length === 0 && !b(p.values.list)) throw new Error('at least one label update is required');
    for (const obj of objs) {
      const meta = (obj.metadata ?? {}) as J;
      const name = String(meta.name);
      const labels = (meta.labels ?? {}) as Record<string, string>;
      const id = `${qualifiedKind(res)}/${name}`;
      if (b(p.values.list)) {
        for (const k of Object.keys(labels).sort()) ctx.io.out.write(`${k}=${labels[k]}\n`);
        continue;
      }
      try {
        if (!b(p.values.overwrite)) {
          for (const [k, v] of Object.entries(set)) {
            if (k in labels && labels[k] !== v) throw new Error(`'${k}' already has a value (${labels[k]}), and --overwrite is false`);
          }
        }
        const patchLabels: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(set)) if (labels[k] !== v) patchLabels[k] = v;
        for (const k of remove) if (k in labels) patchLabels[k] = null;
        if (Object.keys(patchLabels).length === 0) {
          ctx.io.out.write(`${id} not labeled\n`);
          continue;
        }
        const rv = s(p.values['resource-version']);
        await ctx.t.request({ method: 'PATCH', path: resourcePath(res, String(meta.namespace ?? ''), name), contentType: 'application/merge-patch+json', body: { metadata: { labels: patchLabels, ...(rv ? { resourceVersion: rv } : {}) } } });
        ctx.io.out.write(`${id} labeled\n`);
      } catch (e) {
        ctx.io.err.write(`${formatError(e)}\n`);
        code = 1;
      }
    }
  }
  return code;
}
