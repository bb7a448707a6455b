// kts delete: by type and name, -f FILE, -l selector, --all; --grace-period, --force, --cascade, --wait.
import type { Ctx, CommandSpec } from '../common/context';
import { b, l, n, s, type KParsed } from '../common/flags';
import { type ApiResource, qualifiedKind, resourcePath } from '../common/discovery';
import { formatError, isNotFound } from '../common/errors';
import { nameOfObj, namespaceFor, resourceFor } from '../common/objects';
import { waitForDeletion } from '../common/wait';
import { resourceRequests } from '../get/args';
import { readManifests } from '../apply/files';

type J = Record<string, unknown>;

export const deleteSpec: CommandSpec = {
  usage: 'Usage: kts delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [flags]',
  flags: {
    filename: { type: 'list', short: 'f', default: [] },
    selector: { type: 'string', short: 'l', default: '' },
    'field-selector': { type: 'string', default: '' },
    all: { type: 'bool', default: false },
    'all-namespaces': { type: 'bool', short: 'A', default: false },
    'grace-period': { type: 'int', default: -1 },
    force: { type: 'bool', default: false },
    now: { type: 'bool', default: false },
    cascade: { type: 'string', default: 'background' },
    wait: { type: 'bool', default: true },
    'ignore-not-found': { type: 'bool', default: false },
    output: { type: 'string', short: 'o', default: '' },
  },
  run: (ctx, p) => del(ctx, p),
};

interface Target {
  r: ApiResource;
  ns: string;
  name: string;
}

function deleteOptions(p: KParsed): J {
  const cascade = s(p.values.cascade, 'background');
  const policy = cascade === 'true' || cascade === 'background' ? 'Background' : cascade === 'foreground' ? 'Foreground' : cascade === 'orphan' || cascade === 'false' ? 'Orphan' : undefined;
  if (!policy) throw new Error(`invalid cascade value (${cascade}). Must be "background", "foreground", or "orphan"`);
  let grace = n(p.values['grace-period'], -1);
  if (b(p.values.now)) grace = 1;
  if (b(p.values.force) && grace < 0) grace = 0;
  if (grace === 0 && !b(p.values.force)) grace = 1; // kubectl: --grace-period=0 without --force means 1
  return { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: policy, ...(grace >= 0 ? { gracePeriodSeconds: grace } : {}) };
}

async function targets(ctx: Ctx, p: KParsed): Promise<Target[]> {
  const files = l(p.values.filename);
  const out: Target[] = [];
  if (files.length) {
    for (const { obj } of await readManifests(files, ctx.io.in)) {
      const r = await resourceFor(ctx, obj);
      out.push({ r, ns: namespaceFor(ctx, r, obj), name: nameOfObj(obj) });
    }
    return out;
  }
  const { reqs } = await resourceRequests(ctx, p.args);
  const sel = s(p.values.selector);
  const fsel = s(p.values['field-selector']);
  const allNs = b(p.values['all-namespaces']);
  for (const { res, names } of reqs) {
    if (names) {
      for (const name of names) out.push({ r: res, ns: res.namespaced ? ctx.namespace : '', name });
      continue;
    }
    if (!sel && !fsel && !b(p.values.all)) throw new Error('resource(s) were provided, but no name was specified');
    const list = await ctx.t.request<J>({ path: resourcePath(res, res.namespaced && !allNs ? ctx.namespace : ''), query: { labelSelector: sel, fieldSelector: fsel } });
    for (const it of (list.items as J[] | undefined) ?? []) {
      const meta = (it.metadata ?? {}) as J;
      out.push({ r: res, ns: String(meta.namespace ?? ''), name: String(meta.name) });
    }
  }
  return out;
}

async function del(ctx: Ctx, p: KParsed): Promise<number> {
  const opts = deleteOptions(p);
  const list = await targets(ctx, p);
  const force = b(p.values.force) && opts.gracePeriodSeconds === 0;
  if (force) ctx.io.err.write('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  if (list.length === 0) {
    const ns = b(p.values['all-namespaces']) ? '' : ctx.namespace;
    ctx.io.err.write(ns ? `No resources found\n` : 'No resources found\n');
    return 0;
  }
  let code = 0;
  const waits: Array<Promise<void>> = [];
  for (const t of list) {
    try {
      const res = await ctx.t.request<J>({ method: 'DELETE', path: resourcePath(t.r, t.ns, t.name), body: opts });
      const uid = res?.kind !== 'Status' ? String(((res?.metadata ?? {}) as J).uid ?? '') : undefined;
      const word = force ? 'force deleted' : 'deleted';
      if (s(p.values.output) === 'name') ctx.io.out.write(`${qualifiedKind(t.r)}/${t.name}\n`);
      else ctx.io.out.write(`${qualifiedKind(t.r)} "${t.name}" ${word}\n`);
      if (b(p.values.wait, true) && !force) waits.push(waitForDeletion(ctx, t.r, t.ns, t.name, uid || undefined));
    } catch (e) {
      if (isNotFound(e) && b(p.values['ignore-not-found'])) continue;
      ctx.io.err.write(`${formatError(e)}\n`);
      code = 1;
    }
  }
  await Promise.all(waits);
  return code;
}
