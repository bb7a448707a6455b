// Turning `get` arguments into (resource type, names) requests: "pods", "po web-1 web-2", "deploy,svc",
// "pod/x deploy/y".
import type { Ctx } from '../common/context';
import type { ApiResource } from '../common/discovery';

export interface ResourceRequest {
  res: ApiResource;
  names: string[] | undefined;
}

export async function resourceRequests(ctx: Ctx, args: string[]): Promise<{ reqs: ResourceRequest[]; multi: boolean }> {
  if (args.length === 0) throw new Error('You must specify the type of resource to get. Use "kts api-resources" for a complete list of supported resources.');
  if (args.some((a) => a.includes('/'))) {
    const reqs: ResourceRequest[] = [];
    for (const a of args) {
      const [type, name] = a.split('/', 2) as [string, string | undefined];
      if (!name) throw new Error(`arguments in resource/name form must have a single resource and name`);
      const [res] = await ctx.resolve(type);
      const prev = reqs.find((r) => r.res === res);
      if (prev) prev.names!.push(name);
      else reqs.push({ res: res!, names: [name] });
    }
    return { reqs, multi: reqs.length > 1 };
  }
  const [types, ...names] = args as [string, ...string[]];
  const typeList = types.split(',').filter(Boolean);
  const reqs: ResourceRequest[] = [];
  for (const type of typeList) for (const res of await ctx.resolve(type)) if (!reqs.some((r) => r.res === res)) reqs.push({ res, names: names.length ? names : undefined });
  return { reqs, multi: reqs.length > 1 };
}
