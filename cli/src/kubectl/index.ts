// The kubectl-style commands of kts. Each is a CommandSpec run by runCommand (flags, kubeconfig, error printing);
// `kubectl(argv, io)` runs one in-process with injectable IO (tests).
import type { CommandSpec } from './common/context';
import { helpText, runCommand } from './common/context';
import { globalFlags } from './common/flags';
import type { IO } from './common/io';

export type { IO } from './common/io';
export { Buffered, setDefaultIO, defaultIO } from './common/io';

const loaders: Record<string, () => Promise<CommandSpec>> = {
  get: async () => (await import('./get/get')).getSpec,
  describe: async () => (await import('./describe/describe')).describeSpec,
  apply: async () => (await import('./apply/apply')).applySpec,
  delete: async () => (await import('./delete/delete')).deleteSpec,
  logs: async () => (await import('./logs/logs')).logsSpec,
  exec: async () => (await import('./exec/exec')).execSpec,
  scale: async () => (await import('./scale/scale')).scaleSpec,
  rollout: async () => (await import('./rollout/rollout')).rolloutSpec,
  label: async () => (await import('./label/label')).labelSpec,
  certificate: async () => (await import('./certificate/certificate')).certificateSpec,
  version: async () => (await import('./version/version')).versionSpec,
  'api-resources': async () => (await import('./version/version')).apiResourcesSpec,
};

/** Runs kubectl command `name` with its arguments; resolves the exit code. */
export async function runKubectl(name: string, argv: string[], signal: AbortSignal, io?: IO): Promise<number> {
  const load = loaders[name];
  if (!load) throw new Error(`unknown kubectl command "${name}"`);
  return runCommand(await load(), argv, signal, io);
}

/** `kts NAME --help` text of a kubectl command. */
export async function kubectlUsage(name: string): Promise<string> {
  const load = loaders[name];
  if (!load) throw new Error(`unknown kubectl command "${name}"`);
  return helpText(await load());
}

/** Every long flag a kubectl command accepts (its own and the global ones). */
export async function kubectlFlagNames(name: string): Promise<string[]> {
  const load = loaders[name];
  if (!load) throw new Error(`unknown kubectl command "${name}"`);
  return [...Object.keys((await load()).flags), ...Object.keys(globalFlags)];
}

/** In-process `kts <argv…>` for the kubectl commands, with captured IO. */
export function kubectl(argv: string[], io: IO, signal: AbortSignal = new AbortController().signal): Promise<number> {
  const [name, ...rest] = argv;
  return runKubectl(name ?? '', rest, signal, io);
}
