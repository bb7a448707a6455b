// kts describe TYPE [NAME_PREFIX | -l selector] | TYPE/NAME: dedicated describers for pods, deployments,
// services and nodes; a generic one for the rest. Descriptions are separated by a blank line.
import type { Ctx, CommandSpec } from '../common/context';
import { b, s, type KParsed } from '../common/flags';
import { type ApiResource, resourcePath } from '../common/discovery';
import { formatError, isNotFound } from '../common/errors';
import { resourceRequests } from '../get/args';
import { describePod } from './pod';
import { describeDeployment } from './workloads';
import { describeService } from './service';
import { describeNode } from './node';
import { describeGeneric } from './generic';
import { describeConfigMap, describeNamespace, describeSecret } from './config';

type J = Record<string, unknown>;

export const describeSpec: CommandSpec = {
  usage: 'Usage: kts describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [flags]',
  flags: {
    selector: { type: 'string', short: 'l', default: '' },
    'all-namespaces': { type: 'bool', short: 'A', default: false },
    'show-events': { type: 'bool', default: true },
  },
  run: (ctx, p) => describe(ctx, p),
};

export function describerFor(r: ApiResource): (ctx: Ctx, o: J) => Promise<string> {
  if (r.group === '' && r.kind === 'Pod') return describePod;
  if (r.group === 'apps' && r.kind === 'Deployment') return describeDeployment;
  if (r.group === '' && r.kind === 'Service') return describeService;
  if (r.group === '' && r.kind === 'Node') return describeNode;
  if (r.group === '' && r.kind === 'ConfigMap') return describeConfigMap;
  if (r.group === '' && r.kind === 'Secret') return describeSecret;
  if (r.group === '' && r.kind === 'Namespace') return describeNamespace;
  return describeGeneric;
}

async function describe(ctx: Ctx, p: KParsed): Promise<number> {
  const { reqs } = await resourceRequests(ctx, p.args);
  const all = b(p.values['all-namespaces']);
  const outputs: string[] = [];
  let code = 0;
  for (const { res, names } of reqs) {
    const ns = res.namespaced ? (all ? '' : ctx.namespace) : '';
    let objs: J[] = [];
    if (names) {
      for (const name of names) {
        try {
          objs.push(await ctx.t.request<J>({ path: resourcePath(res, ns || ctx.namespace, name) }));
        } catch (e) {
          if (!isNotFound(e)) throw e;
          // kubectl falls back to a name-prefix match
          const list = await ctx.t.request<J>({ path: resourcePath(res, ns) });
          const matched = ((list.items as J[] | undefined) ?? []).filter((o) => String(((o.metadata ?? {}) as J).name).startsWith(name));
          if (matched.length === 0) {
            ctx.io.err.write(`${formatError(e)}\n`);
            code = 1;
          }
          objs.push(...matched);
        }
      }
    } else {
      const list = await ctx.t.request<J>({ path: resourcePath(res, ns), query: { labelSelector: s(p.values.selector) } });
      objs = (list.items as J[] | undefined) ?? [];
    }
    for (const o of objs) {
      const full = { ...o, apiVersion: res.group ? `${res.group}/${res.version}` : res.version, kind: res.kind };
      outputs.push(await describerFor(res)(ctx, full));
    }
  }
  if (outputs.length === 0 && code === 0) {
    const namespaced = reqs.some((r) => r.res.namespaced);
    ctx.io.err.write(all || !namespaced ? 'No resources found\n' : `No resources found in ${ctx.namespace} namespace.\n`);
  }
  ctx.io.out.write(outputs.join('\n\n'));
  return code;
}
