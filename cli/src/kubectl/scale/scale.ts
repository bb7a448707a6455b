// kts scale TYPE/NAME --replicas=N: a merge patch on the scale subresource.
import type { Ctx, CommandSpec } from '../common/context';
import { n, s, type KParsed } from '../common/flags';
import { qualifiedKind, resourcePath } from '../common/discovery';
import { resourceRequests } from '../get/args';

type J = Record<string, unknown>;

export const scaleSpec: CommandSpec = {
  usage: 'Usage: kts scale [--current-replicas=count] --replicas=COUNT (TYPE NAME | TYPE/NAME) [flags]',
  flags: {
    replicas: { type: 'int', default: -1 },
    'current-replicas': { type: 'int', default: -1 },
    'resource-version': { type: 'string', default: '' },
  },
  run: (ctx, p) => scale(ctx, p),
};

async function scale(ctx: Ctx, p: KParsed): Promise<number> {
  const replicas = n(p.values.replicas, -1);
  if (!p.given.has('replicas')) throw new Error('required flag(s) "replicas" not set');
  if (replicas < 0) throw new Error('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  const { reqs } = await resourceRequests(ctx, p.args);
  for (const { res, names } of reqs) {
    if (!names?.length) throw new Error('resource(s) were provided, but no name was specified');
    if (!res.subresources.includes('scale')) throw new Error(`no scaler has been implemented for {"${res.group}" "${res.kind}"}`);
    for (const name of names) {
      const path = resourcePath(res, ctx.namespace, name, 'scale');
      const current = n(p.values['current-replicas'], -1);
      const rv = s(p.values['resource-version']);
      if (current >= 0 || rv) {
        const sc = await ctx.t.request<J>({ path });
        const spec = (sc.spec ?? {}) as J;
        if (current >= 0 && (spec.replicas ?? 0) !== current) throw new Error(`Expected replicas to be ${current}, was ${String(spec.replicas ?? 0)}`);
      }
      await ctx.t.request({ method: 'PATCH', path, contentType: 'application/merge-patch+json', body: { spec: { replicas }, ...(rv ? { metadata: { resourceVersion: rv } } : {}) } });
      ctx.io.out.write(`${qualifiedKind(res)}/${name} scaled\n`);
    }
  }
  return 0;
}
