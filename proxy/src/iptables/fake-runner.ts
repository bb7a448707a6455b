// An in-memory iptables for unit tests: it applies iptables-restore --noflush semantics (declaring a chain
// flushes it, -A appends, -X deletes and fails on referenced chains) so tests can assert on the resulting tables.
import type { IptablesRunner, Table } from './runner';

const builtins: Record<Table, string[]> = { nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'], filter: ['INPUT', 'FORWARD', 'OUTPUT'] };

export class FakeIptables implements IptablesRunner {
  readonly tables: Record<Table, Map<string, string[]>> = { nat: new Map(), filter: new Map() };
  readonly restores: string[] = [];

  constructor() {
    for (const t of ['nat', 'filter'] as Table[]) for (const c of builtins[t]) this.tables[t].set(c, []);
  }

  async restore(text: string): Promise<void> {
    this.restores.push(text);
    // Apply to a copy so a failing restore changes nothing (atomicity).
    const next: Record<Table, Map<string, string[]>> = {
      nat: new Map([...this.tables.nat].map(([k, v]) => [k, [...v]])),
      filter: new Map([...this.tables.filter].map(([k, v]) => [k, [...v]])),
    };
    let table: Map<string, string[]> | undefined;
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      if (line.startsWith('*')) table = next[line.slice(1) as Table];
      else if (line === 'COMMIT') table = undefined;
      else if (!table) throw new Error(`rule outside a table: ${line}`);
      else if (line.startsWith(':')) table.set(line.slice(1).split(' ')[0]!, []);
      else if (line.startsWith('-A ')) {
        const [, chain] = line.split(' ');
        const rules = table.get(chain!);
        if (!rules) throw new Error(`no chain ${chain}: ${line}`);
        const target = /-j (\S+)/.exec(line)?.[1];
        if (target && target.startsWith('KUBE-') && !table.has(target)) throw new Error(`jump to missing chain ${target}`);
        rules.push(line.slice(3 + chain!.length + 1));
      } else if (line.startsWith('-X ')) {
        const chain = line.slice(3);
        for (const [name, rules] of table) if (name !== chain && rules.some((r) => r.endsWith(`-j ${chain}`))) throw new Error(`chain ${chain} is referenced by ${name} (EBUSY)`);
        table.delete(chain);
      } else throw new Error(`unsupported restore line: ${line}`);
    }
    this.tables.nat = next.nat;
    this.tables.filter = next.filter;
  }

  async ensureRule(table: Table, chain: string, args: string[], position: 'prepend' | 'append'): Promise<void> {
    const rules = this.tables[table].get(chain);
    if (!rules) throw new Error(`no chain ${chain}`);
    const rule = args.join(' ');
    if (!rules.includes(rule)) position === 'prepend' ? rules.unshift(rule) : rules.push(rule);
  }

  async deleteRule(table: Table, chain: string, args: string[]): Promise<void> {
    const rules = this.tables[table].get(chain);
    if (rules) this.tables[table].set(chain, rules.filter((r) => r !== args.join(' ')));
  }

  async listChains(table: Table): Promise<string[]> {
    return [...this.tables[table].keys()];
  }

  async deleteChains(table: Table, chains: string[]): Promise<void> {
    for (const c of chains) this.tables[table].delete(c);
  }

  rules(table: Table, chain: string): string[] {
    return this.tables[table].get(chain) ?? [];
  }
}
