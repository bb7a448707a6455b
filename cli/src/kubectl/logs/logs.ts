// kts logs POD|TYPE/NAME [-c C] [-f] [--tail N] [--previous] [--timestamps]: streams pods/log to stdout.
import type { Ctx, CommandSpec } from '../common/context';
import { b, n, s, type KParsed } from '../common/flags';
import { resourcePath } from '../common/discovery';
import { pickContainer, resolvePod } from '../common/pods';
import { isNotFound } from '../common/errors';

type J = Record<string, unknown>;

export const logsSpec: CommandSpec = {
  usage: 'Usage: kts logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [flags]',
  flags: {
    container: { type: 'string', short: 'c', default: '' },
    follow: { type: 'bool', short: 'f', default: false },
    tail: { type: 'int', default: -1 },
    previous: { type: 'bool', short: 'p', default: false },
    timestamps: { type: 'bool', default: false },
    'since-time': { type: 'string', default: '' },
    'limit-bytes': { type: 'int', default: 0 },
  },
  run: (ctx, p) => logs(ctx, p),
};

async function logs(ctx: Ctx, p: KParsed): Promise<number> {
  const [target, containerArg] = p.args;
  if (!target) throw new Error('expected POD or TYPE/NAME is a required argument for the logs command');
  let pod: J;
  try {
    pod = await resolvePod(ctx, target);
  } catch (e) {
    // kubectl logs words a missing pod its own way
    if (isNotFound(e) && !target.includes('/')) throw new Error(`error from server (NotFound): pods "${target}" not found in namespace "${ctx.namespace}"`);
    throw e;
  }
  const meta = (pod.metadata ?? {}) as J;
  const container = pickContainer(ctx, pod, s(p.values.container) || containerArg || '');
  const tail = n(p.values.tail, -1);
  const podsRes = { group: '', version: 'v1', plural: 'pods', namespaced: true };
  const res = await ctx.t.stream({
    path: resourcePath(podsRes, String(meta.namespace ?? ctx.namespace), String(meta.name), 'log'),
    query: {
      container,
      follow: b(p.values.follow) ? 'true' : undefined,
      tailLines: tail >= 0 ? tail : undefined,
      previous: b(p.values.previous) ? 'true' : undefined,
      timestamps: b(p.values.timestamps) ? 'true' : undefined,
      sinceTime: s(p.values['since-time']) || undefined,
      limitBytes: n(p.values['limit-bytes']) > 0 ? n(p.values['limit-bytes']) : undefined,
    },
    accept: '*/*',
    signal: ctx.signal,
  });
  try {
    for await (const chunk of res) ctx.io.out.write((chunk as Buffer).toString('utf8'));
  } catch (e) {
    if (!ctx.signal.aborted) throw e;
  }
  return 0;
}
