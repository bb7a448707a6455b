// kts version (client and server, GET /version) and kts api-resources.
import type { Ctx, CommandSpec } from '../common/context';
import { b, s, type KParsed } from '../common/flags';
import { renderAligned } from '../common/table';
import { toJson, toYaml } from '../common/output';
import { formatError } from '../common/errors';

type J = Record<string, unknown>;

export const clientVersion = { gitVersion: 'v1.32.0-kts.0.1.0', major: '1', minor: '32', platform: `${process.platform}/${process.arch}`, goVersion: `node${process.versions.node}` };

export const versionSpec: CommandSpec = {
  usage: 'Usage: kts version [--client] [-o json|yaml] [flags]',
  flags: { client: { type: 'bool', default: false }, output: { type: 'string', short: 'o', default: '' } },
  configOptional: true,
  run: (ctx, p) => version(ctx, p),
};

async function version(ctx: Ctx, p: KParsed): Promise<number> {
  const out = s(p.values.output);
  let server: J | undefined;
  let err: unknown;
  if (!b(p.values.client)) {
    try {
      server = await ctx.t.request<J>({ path: '/version' });
    } catch (e) {
      err = e;
    }
  }
  if (out === 'json' || out === 'yaml') {
    const doc = { clientVersion, ...(server ? { serverVersion: server } : {}) };
    ctx.io.out.write(out === 'json' ? toJson(doc) : toYaml(doc));
  } else {
    ctx.io.out.write(`Client Version: ${clientVersion.gitVersion}\n`);
    if (server) ctx.io.out.write(`Server Version: ${String(server.gitVersion ?? '')}\n`);
  }
  if (err) {
    ctx.io.err.write(`${formatError(err)}\n`);
    return 1;
  }
  return 0;
}

export const apiResourcesSpec: CommandSpec = {
  usage: 'Usage: kts api-resources [--namespaced=true|false] [--api-group=G] [-o name|wide] [flags]',
  flags: {
    namespaced: { type: 'string', default: '' },
    'api-group': { type: 'string', default: '' },
    output: { type: 'string', short: 'o', default: '' },
    'no-headers': { type: 'bool', default: false },
    verbs: { type: 'list', default: [] },
  },
  run: async (ctx, p) => {
    let rs = [...(await ctx.resources())];
    const nsd = s(p.values.namespaced);
    if (nsd) rs = rs.filter((r) => r.namespaced === (nsd === 'true'));
    if (p.values['api-group'] !== '') rs = rs.filter((r) => r.group === s(p.values['api-group']));
    const verbs = (p.values.verbs as string[] | undefined) ?? [];
    if (verbs.length) rs = rs.filter((r) => verbs.every((v) => r.verbs.includes(v)));
    rs.sort((a, b2) => a.group.localeCompare(b2.group) || a.plural.localeCompare(b2.plural));
    const out = s(p.values.output);
    if (out === 'name') {
      for (const r of rs) ctx.io.out.write(`${r.group ? `${r.plural}.${r.group}` : r.plural}\n`);
      return 0;
    }
    const wide = out === 'wide';
    const header = ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS', 'CATEGORIES'] : [])];
    const rows = rs.map((r) => [r.plural, r.shortNames.join(','), r.group ? `${r.group}/${r.version}` : r.version, String(r.namespaced), r.kind, ...(wide ? [`[${r.verbs.join(' ')}]`, r.categories.join(',')] : [])]);
    ctx.io.out.write(renderAligned(b(p.values['no-headers']) ? rows : [header, ...rows]));
    return 0;
  },
};
