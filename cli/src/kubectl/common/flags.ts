// kubectl-style flags (pflag rules): --name=value, --name value, -n value, -nvalue, combined short bools (-it),
// --bool / --bool=false, and `--` ending flags (what follows is returned as `rest`, e.g. exec's command).
export type KFlagType = 'string' | 'bool' | 'int' | 'list';

export interface KFlag {
  type: KFlagType;
  short?: string;
  default?: string | number | boolean | string[];
}

export type KValues = Record<string, string | number | boolean | string[] | undefined>;

export interface KParsed {
  values: KValues;
  args: string[];
  /** Arguments after `--` (undefined when there was no `--`). */
  rest: string[] | undefined;
  /** Names of the flags given on the command line. */
  given: Set<string>;
}

/** Flags every kubectl command takes. */
export const globalFlags: Record<string, KFlag> = {
  kubeconfig: { type: 'string', default: '' },
  context: { type: 'string', default: '' },
  namespace: { type: 'string', short: 'n', default: '' },
  'request-timeout': { type: 'string', default: '' },
  help: { type: 'bool', short: 'h', default: false },
};

function convert(name: string, f: KFlag, raw: string, prev: unknown): string | number | boolean | string[] {
  switch (f.type) {
    case 'string':
      return raw;
    case 'int': {
      const n = Number(raw);
      if (raw === '' || !Number.isInteger(n)) throw new Error(`invalid argument "${raw}" for "--${name}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
      return n;
    }
    case 'bool':
      if (raw === '' || raw === 'true') return true;
      if (raw === 'false') return false;
      throw new Error(`invalid argument "${raw}" for "--${name}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
    case 'list': {
      const items = raw.split(',').filter((x) => x !== '');
      return Array.isArray(prev) ? [...(prev as string[]), ...items] : items;
    }
  }
}

export function parseKubectlFlags(argv: string[], own: Record<string, KFlag>): KParsed {
  const specs: Record<string, KFlag> = { ...globalFlags, ...own };
  const byShort = new Map<string, string>();
  for (const [name, f] of Object.entries(specs)) if (f.short) byShort.set(f.short, name);
  const values: KValues = {};
  for (const [name, f] of Object.entries(specs)) values[name] = f.default;
  const seen = new Set<string>();
  const set = (name: string, raw: string) => {
    const f = specs[name]!;
    values[name] = convert(name, f, raw, seen.has(name) ? values[name] : undefined);
    seen.add(name);
  };
  const args: string[] = [];
  let rest: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest = argv.slice(i + 1);
      break;
    }
    if (a.startsWith('--')) {
      const body = a.slice(2);
      const eq = body.indexOf('=');
      const name = eq < 0 ? body : body.slice(0, eq);
      const f = specs[name];
      if (!f) throw new Error(`unknown flag: --${name}`);
      if (eq >= 0) set(name, body.slice(eq + 1));
      else if (f.type === 'bool') set(name, 'true');
      else {
        const next = argv[i + 1];
        if (next === undefined) throw new Error(`flag needs an argument: --${name}`);
        set(name, next);
        i++;
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      // -n ns, -n=ns, -nns, -it
      let j = 1;
      while (j < a.length) {
        const ch = a[j]!;
        const name = byShort.get(ch);
        if (!name) throw new Error(`unknown shorthand flag: '${ch}' in ${a}`);
        const f = specs[name]!;
        const tail = a.slice(j + 1);
        if (f.type === 'bool') {
          if (tail.startsWith('=')) {
            set(name, tail.slice(1));
            break;
          }
          set(name, 'true');
          j++;
          continue;
        }
        if (tail.length > 0) set(name, tail.startsWith('=') ? tail.slice(1) : tail);
        else {
          const next = argv[i + 1];
          if (next === undefined) throw new Error(`flag needs an argument: '${ch}' in -${ch}`);
          set(name, next);
          i++;
        }
        break;
      }
      continue;
    }
    args.push(a);
  }
  return { values, args, rest, given: seen };
}

export const s = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
export const b = (v: unknown, d = false): boolean => (typeof v === 'boolean' ? v : d);
export const n = (v: unknown, d = 0): number => (typeof v === 'number' ? v : d);
export const l = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);
