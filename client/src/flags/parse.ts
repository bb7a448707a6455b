// A small flag parser with Kubernetes' conventions: --name=value, --name value, --bool, --bool=false, -v=N.
// Components declare their flags; unknown flags are an error, as with cobra/pflag.

export type FlagType = 'string' | 'int' | 'bool' | 'duration' | 'list';

export interface FlagSpec {
  type: FlagType;
  default?: string | number | boolean | string[];
  help: string;
}

export type FlagValue = string | number | boolean | string[] | undefined;

export interface ParsedFlags {
  values: Record<string, FlagValue>;
  args: string[];
}

/** Parses "10s", "1m30s", "500ms", "2h" into milliseconds; bare numbers are seconds. */
export function parseDuration(s: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60000 : n * 3600000;
    consumed += m[0].length;
  }
  if (consumed !== s.length || s.length === 0) throw new Error(`invalid duration "${s}"`);
  return total;
}

function convert(name: string, spec: FlagSpec, raw: string, prev: FlagValue): FlagValue {
  switch (spec.type) {
    case 'string':
      return raw;
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new Error(`invalid value "${raw}" for flag --${name}: not an integer`);
      return n;
    }
    case 'bool':
      if (raw === 'true' || raw === '') return true;
      if (raw === 'false') return false;
      throw new Error(`invalid value "${raw}" for flag --${name}: not a boolean`);
    case 'duration':
      return parseDuration(raw);
    case 'list': {
      const items = raw.split(',').filter((x) => x !== '');
      return Array.isArray(prev) ? [...prev, ...items] : items;
    }
  }
}

export function parseFlags(argv: string[], specs: Record<string, FlagSpec>): ParsedFlags {
  const values: Record<string, FlagValue> = {};
  for (const [name, spec] of Object.entries(specs)) {
    values[name] = spec.type === 'duration' && typeof spec.default === 'string' ? parseDuration(spec.default) : spec.default;
  }
  const seen = new Set<string>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      args.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const spec = specs[name];
    if (!spec) throw new Error(`unknown flag: ${a.slice(0, a.length - (eq < 0 ? 0 : body.length - eq))}`);
    let raw: string;
    if (eq >= 0) raw = body.slice(eq + 1);
    else if (spec.type === 'bool') raw = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`flag needs an argument: --${name}`);
      raw = next;
      i++;
    }
    values[name] = convert(name, spec, raw, seen.has(name) ? values[name] : undefined);
    seen.add(name);
  }
  return { values, args };
}

export function str(v: FlagValue, fallback = ''): string {
  return typeof v === 'string' ? v : fallback;
}
export function num(v: FlagValue, fallback = 0): number {
  return typeof v === 'number' ? v : fallback;
}
export function bool(v: FlagValue, fallback = false): boolean {
  return typeof v === 'boolean' ? v : fallback;
}
export function list(v: FlagValue): string[] {
  return Array.isArray(v) ? v : typeof v === 'string' && v ? v.split(',') : [];
}

export function usage(cmd: string, summary: string, specs: Record<string, FlagSpec>): string {
  const lines = [`Usage: kts ${cmd} [flags]`, '', summary, '', 'Flags:'];
  for (const [name, spec] of Object.entries(specs)) {
    const def = spec.default === undefined || spec.default === '' ? '' : ` (default ${JSON.stringify(spec.default)})`;
    lines.push(`  --${name.padEnd(34)} ${spec.help}${def}`);
  }
  return lines.join('\n');
}
