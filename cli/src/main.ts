// kts: one binary, one subcommand per component (k3s-style), plus `kts up` to run them all.
import type { Command } from './commands/command';
import { commands } from './commands';
import { commandHelp, firstUnknownLongFlag, flagNames, unknownFlagIn, unknownFlagMessage, wantsHelp } from './commands/help';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'kts: a Kubernetes-style cluster in TypeScript',
    '',
    'Usage: kts <command> [flags]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `kts <command> --help` (or `kts help <command>`) for a command\'s flags and an example.',
  ].join('\n');
}

let shutdown: AbortSignal | undefined;

/** Ctrl-C / SIGTERM abort the signal once; a second Ctrl-C exits at once. One per process. */
function shutdownSignal(): AbortSignal {
  if (shutdown) return shutdown;
  const ac = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (count > 1) {
      process.stderr.write(`\nreceived ${sig} again, exiting now\n`);
      process.exit(130);
    }
    ac.abort(new Error(`received ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  shutdown = ac.signal;
  return shutdown;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0]) return printHelp(rest[0]);
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 1;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(`unknown command "${name}"\n\n${help()}`);
    return 1;
  }
  if (wantsHelp(rest)) return printHelp(name);
  if (cmd.flagNames) {
    // these commands print their own parse errors: check long flags before running
    const unknown = firstUnknownLongFlag(rest, await cmd.flagNames());
    if (unknown) {
      console.error(`error: ${unknownFlagMessage(name, unknown, await cmd.flagNames())}`);
      return 1;
    }
  }
  let code: number | void;
  try {
    code = await cmd.run(rest, shutdownSignal());
  } catch (e) {
    const flag = unknownFlagIn(e instanceof Error ? e.message : String(e));
    if (!flag) throw e;
    console.error(`error: ${unknownFlagMessage(name, flag, await flagNames(cmd))}`);
    return 1;
  }
  return typeof code === 'number' ? code : 0;
}

/** `kts help X` and `kts X --help` print the same text. */
async function printHelp(name: string): Promise<number> {
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(`unknown command "${name}"\n\n${help()}`);
    return 1;
  }
  console.log(await commandHelp(cmd));
  return 0;
}
