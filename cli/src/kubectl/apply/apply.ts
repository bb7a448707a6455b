// kts apply -f: client-side apply (last-applied-configuration annotation + 3-way strategic merge patch) or
// --server-side (application/apply-patch+yaml, field manager "kts").
import { findKind } from '@kubets/api';
import type { Ctx, CommandSpec } from '../common/context';
import { b, l, s, type KParsed } from '../common/flags';
import { qualifiedKind, resourcePath } from '../common/discovery';
import { formatError, isNotFound } from '../common/errors';
import { nameOfObj, namespaceFor, resourceFor } from '../common/objects';
import { sortKeys } from '../common/output';
import { readManifests } from './files';
import { threeWay } from './three-way';
import type { Schema } from './schema';

type J = Record<string, unknown>;
export const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

export const applySpec: CommandSpec = {
  usage: 'Usage: kts apply (-f FILENAME) [--server-side [--force-conflicts]] [flags]',
  flags: {
    filename: { type: 'list', short: 'f', default: [] },
    'server-side': { type: 'bool', default: false },
    'force-conflicts': { type: 'bool', default: false },
    'field-manager': { type: 'string', default: '' },
    output: { type: 'string', short: 'o', default: '' },
  },
  run: (ctx, p) => apply(ctx, p),
};

/**
 * The object with kubectl's last-applied-configuration annotation: the applied object (namespace filled in, an
 * annotations map present, the annotation itself left out) as JSON with sorted keys, plus a newline — byte for
 * byte what kubectl writes, so kts and kubectl can take turns applying.
 */
export function withLastApplied(obj: J, ns: string): J {
  const meta: J = { ...((obj.metadata ?? {}) as J), ...(ns ? { namespace: ns } : {}) };
  const ann = { ...((meta.annotations ?? {}) as Record<string, string>) };
  delete ann[lastApplied];
  const text = JSON.stringify(sortKeys({ ...obj, metadata: { ...meta, annotations: ann } }));
  return { ...obj, metadata: { ...meta, annotations: { ...ann, [lastApplied]: `${text}\n` } } };
}

async function apply(ctx: Ctx, p: KParsed): Promise<number> {
  const docs = await readManifests(l(p.values.filename), ctx.io.in);
  const serverSide = b(p.values['server-side']);
  const manager = s(p.values['field-manager']) || (serverSide ? 'kts' : 'kubectl-client-side-apply');
  let code = 0;
  for (const { obj, source } of docs) {
    try {
      const r = await resourceFor(ctx, obj);
      const ns = namespaceFor(ctx, r, obj);
      const name = nameOfObj(obj);
      if (!name) throw new Error(`error when retrieving current configuration from ${source}: resource name may not be empty`);
      const id = `${qualifiedKind(r)}/${name}`;
      if (serverSide) {
        const body = { ...obj, metadata: { ...((obj.metadata ?? {}) as J), ...(ns ? { namespace: ns } : {}) } };
        await ctx.t.request({ method: 'PATCH', path: resourcePath(r, ns, name), body, contentType: 'application/apply-patch+yaml', query: { fieldManager: manager, force: b(p.values['force-conflicts']) ? 'true' : undefined } });
        ctx.io.out.write(`${id} serverside-applied\n`);
        continue;
      }
      const modified = withLastApplied(obj, ns);
      let live: J | undefined;
      try {
        live = await ctx.t.request<J>({ path: resourcePath(r, ns, name) });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      if (!live) {
        await ctx.t.request({ method: 'POST', path: resourcePath(r, ns), body: modified, query: { fieldManager: manager } });
        ctx.io.out.write(`${id} created\n`);
        continue;
      }
      const annotations = ((live.metadata as J | undefined)?.annotations ?? {}) as Record<string, string>;
      let original: J | undefined;
      try {
        original = annotations[lastApplied] ? (JSON.parse(annotations[lastApplied]) as J) : undefined;
      } catch {
        original = undefined;
      }
      const def = findKind(r.group, r.version, r.kind);
      const schema = def?.schema as Schema;
      const patch = threeWay(original, modified, live, schema);
      if (Object.keys(patch).length === 0) {
        ctx.io.out.write(`${id} unchanged\n`);
        continue;
      }
      await ctx.t.request({ method: 'PATCH', path: resourcePath(r, ns, name), body: patch, contentType: def ? 'application/strategic-merge-patch+json' : 'application/merge-patch+json', query: { fieldManager: manager } });
      ctx.io.out.write(`${id} configured\n`);
    } catch (e) {
      ctx.io.err.write(`${formatError(e)}\n`);
      code = 1;
    }
  }
  return code;
}
