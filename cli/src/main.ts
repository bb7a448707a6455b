// kts: one binary, one subcommand per component (k3s-style), plus `kts up` to run them all.
import type { Command } from './commands/command';
import { commands } from './commands';

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
    'Run `kts <command> --help` for a command\'s flags.',
  ].join('\n');
}

/** Ctrl-C / SIGTERM abort the signal once; a second Ctrl-C exits at once. */
function shutdownSignal(): AbortSignal {
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
  return ac.signal;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 1;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(`unknown command "${name}"\n\n${help()}`);
    return 1;
  }
  const code = await cmd.run(rest, shutdownSignal());
  return typeof code === 'number' ? code : 0;
}
