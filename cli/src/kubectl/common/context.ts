// What every kubectl command gets: its IO, a transport to the API server from the kubeconfig, the effective
// namespace, and cached discovery.
import { loadKubeconfig, type RestConfig } from '@kubets/client';
import { Transport } from './http';
import { type ApiResource, discover, resolveType } from './discovery';
import { type IO, defaultIO } from './io';
import { type KFlag, type KParsed, globalFlags, parseKubectlFlags, s } from './flags';
import { formatError } from './errors';

export interface Ctx {
  io: IO;
  t: Transport;
  /** --namespace or the context's namespace. */
  namespace: string;
  /** True when -n/--namespace was given. */
  explicitNamespace: boolean;
  signal: AbortSignal;
  resources(): Promise<ApiResource[]>;
  resolve(type: string): Promise<ApiResource[]>;
}

/** kubectl's fallback when nothing is configured. */
const noConfig = { config: { server: 'http://localhost:8080' }, namespace: 'default' };

export function makeCtx(p: KParsed, io: IO, signal: AbortSignal, configOptional = false): Ctx {
  let kc: { config: RestConfig; namespace: string };
  try {
    kc = loadKubeconfig(s(p.values.kubeconfig) || undefined, s(p.values.context) ? { context: s(p.values.context) } : {});
  } catch (e) {
    if (!configOptional) throw e;
    kc = noConfig;
  }
  const ns = s(p.values.namespace);
  const t = new Transport(kc.config);
  const timeout = requestTimeoutMs(s(p.values['request-timeout']));
  if (timeout > 0) signal = AbortSignal.any([signal, AbortSignal.timeout(timeout)]);
  let cache: Promise<ApiResource[]> | undefined;
  const resources = () => (cache ??= discover(t));
  return {
    io,
    t,
    namespace: ns || kc.namespace,
    explicitNamespace: !!ns,
    signal,
    resources,
    resolve: async (type) => resolveType(await resources(), type),
  };
}

/** "--request-timeout": "0" (none), "30" (seconds), "1s", "2m", "1h". */
export function requestTimeoutMs(v: string): number {
  if (!v || v === '0') return 0;
  const m = /^(\d+)(ms|s|m|h)?$/.exec(v);
  if (!m) throw new Error('Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)');
  const unit = m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : m[2] === 'h' ? 3_600_000 : 1000;
  return Number(m[1]) * unit;
}

export interface CommandSpec {
  flags: Record<string, KFlag>;
  usage: string;
  /** Runs without a kubeconfig (kubectl version prints the client version regardless). */
  configOptional?: boolean;
  run(ctx: Ctx, p: KParsed): Promise<number | void>;
}

/** Parses flags, builds the context, runs the command, and prints errors as kubectl does (exit code 1). */
export async function runCommand(spec: CommandSpec, argv: string[], signal: AbortSignal, io: IO = defaultIO()): Promise<number> {
  let ctx: Ctx | undefined;
  try {
    const p = parseKubectlFlags(argv, spec.flags);
    if (p.values.help === true) {
      io.out.write(`${helpText(spec)}\n`);
      return 0;
    }
    ctx = makeCtx(p, io, signal, spec.configOptional);
    const code = await spec.run(ctx, p);
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    if (signal.aborted) return 0;
    io.err.write(`${formatError(e)}\n`);
    return 1;
  } finally {
    ctx?.t.close();
  }
}

export function helpText(spec: CommandSpec): string {
  const lines = [spec.usage, '', 'Flags:'];
  for (const [name, f] of Object.entries({ ...spec.flags, ...globalFlags })) {
    const short = f.short ? `-${f.short}, ` : '    ';
    const def = f.default === undefined || f.default === '' || (Array.isArray(f.default) && f.default.length === 0) ? '' : ` (default ${JSON.stringify(f.default)})`;
    lines.push(`  ${short}--${name}${f.type === 'bool' ? '' : `=${f.type}`}${def}`);
  }
  return lines.join('\n');
}
