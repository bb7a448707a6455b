// Every command answers --help (and `kts help X`) with its usage, flags and an example, and an unknown flag names
// the command and the closest flag it has. Runs main() in-process: no command gets past its flag parsing.
import { main } from './main';
import { commands } from './commands';
import { closestFlag, flagNames, flagNamesFromUsage, unknownFlagMessage, wantsHelp } from './commands/help';

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.map(String).join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.map(String).join(' ')));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe.each(commands.map((c) => [c.name]))('kts %s', (name) => {
  it('--help and -h exit 0 with Usage:, its flags and an Example; `kts help X` prints the same', async () => {
    const r = await capture([name, '--help']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain(`Usage: kts ${name}`);
    expect(r.out).toMatch(/\nExample:\n {2}kts /);
    const flags = flagNamesFromUsage(r.out);
    expect(flags.length).toBeGreaterThan(0);
    expect(r.out).toMatch(/\(default /);
    const cmd = commands.find((c) => c.name === name);
    // commands that check flags before running list every one of them
    if (cmd?.flagNames) for (const f of await cmd.flagNames()) expect(flags).toContain(f);
    expect(await capture(['help', name])).toEqual(r);
    expect(await capture([name, '-h'])).toEqual(r);
  });

  it('an unknown flag names the command and the closest flag', async () => {
    const cmd = commands.find((c) => c.name === name)!;
    const known = await flagNames(cmd);
    const longest = known.reduce((a, b) => (b.length > a.length ? b : a), '');
    const r = await capture([name, `--${longest.slice(0, -1)}=x`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`error: unknown flag --${longest.slice(0, -1)} for "kts ${name}"; did you mean --${longest}?`);
  });
});

describe('help helpers', () => {
  it('suggests as cobra would, and only when close', () => {
    expect(unknownFlagMessage('up', '--node', ['data-dir', 'nodes', 'port'])).toBe(`unknown flag --node for "kts up"; did you mean --nodes?\nRun 'kts up --help' for usage.`);
    expect(closestFlag('kubeconfg', ['kubeconfig', 'context'])).toBe('kubeconfig');
    expect(closestFlag('zzzzzz', ['kubeconfig', 'context'])).toBeUndefined();
    expect(unknownFlagMessage('up', '--zzzzzz', ['nodes'])).not.toContain('did you mean');
  });
  it('treats --help after `--` as the command\'s own argument', () => {
    expect(wantsHelp(['pod', '--', 'sh', '--help'])).toBe(false);
    expect(wantsHelp(['pod', '-h'])).toBe(true);
  });
  it('`kts help` lists every command; an unknown command is an error', async () => {
    const r = await capture(['help']);
    expect(r.code).toBe(0);
    for (const c of commands) expect(r.out).toContain(`  ${c.name} `);
    expect((await capture(['help', 'nope'])).code).toBe(1);
  });
});
