// How the proxy touches the kernel: iptables-restore for rule sets, iptables -C/-I for the few jump rules
// that live in the built-in chains. Tests use FakeIptables (fake-runner.ts); production uses ExecIptables.
import { spawn } from 'node:child_process';

export type Table = 'nat' | 'filter';

export interface IptablesRunner {
  /** Applies iptables-restore input atomically, without flushing chains it does not mention. */
  restore(text: string): Promise<void>;
  /** Makes sure `-A/-I <chain> <args>` exists exactly once (idempotent). */
  ensureRule(table: Table, chain: string, args: string[], position: 'prepend' | 'append'): Promise<void>;
  deleteRule(table: Table, chain: string, args: string[]): Promise<void>;
  /** Chains currently defined in a table. */
  listChains(table: Table): Promise<string[]>;
  /** Flush then delete these chains (ignoring ones that do not exist). */
  deleteChains(table: Table, chains: string[]): Promise<void>;
}

function run(cmd: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (p.stdin) {
      p.stdin.on('error', () => undefined); // the exit code tells what happened
      p.stdin.end(stdin);
    }
  });
}

/** Strips the harmless "iptables-legacy tables present" warnings that iptables-nft prints on this kind of host. */
function cleanStderr(s: string): string {
  return s
    .split('\n')
    .filter((l) => l && !l.includes('iptables-legacy tables present') && !l.startsWith('# Warning'))
    .join('\n');
}

export class ExecIptables implements IptablesRunner {
  constructor(private readonly binary = 'iptables') {}

  async restore(text: string): Promise<void> {
    const r = await run(`${this.binary}-restore`, ['-w', '--noflush'], text);
    if (r.code !== 0) throw new Error(`iptables-restore failed (${r.code}): ${cleanStderr(r.stderr)}`);
  }

  async ensureRule(table: Table, chain: string, args: string[], position: 'prepend' | 'append'): Promise<void> {
    const check = await run(this.binary, ['-w', '-t', table, '-C', chain, ...args]);
    if (check.code === 0) return;
    const r = await run(this.binary, ['-w', '-t', table, position === 'prepend' ? '-I' : '-A', chain, ...args]);
    if (r.code !== 0) throw new Error(`iptables ${table} ${chain} ${args.join(' ')}: ${cleanStderr(r.stderr)}`);
  }

  async deleteRule(table: Table, chain: string, args: string[]): Promise<void> {
    // Delete every copy; stop when -D fails (rule gone or chain missing).
    for (let i = 0; i < 10; i++) {
      const r = await run(this.binary, ['-w', '-t', table, '-D', chain, ...args]);
      if (r.code !== 0) return;
    }
  }

  async listChains(table: Table): Promise<string[]> {
    const r = await run(`${this.binary}-save`, ['-t', table]);
    if (r.code !== 0) throw new Error(`iptables-save -t ${table}: ${cleanStderr(r.stderr)}`);
    return r.stdout
      .split('\n')
      .filter((l) => l.startsWith(':'))
      .map((l) => l.slice(1).split(' ')[0] ?? '')
      .filter(Boolean);
  }

  async deleteChains(table: Table, chains: string[]): Promise<void> {
    if (chains.length === 0) return;
    const existing = new Set(await this.listChains(table));
    const present = chains.filter((c) => existing.has(c));
    if (present.length === 0) return;
    const text = [`*${table}`, ...present.map((c) => `:${c} - [0:0]`), ...present.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
    await this.restore(text);
  }
}
