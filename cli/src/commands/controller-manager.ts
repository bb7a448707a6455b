import { parseControllerManagerFlags, runControllerManager, controllerManagerUsage } from '@kubets/controller-manager';

export async function controllerManager(argv: string[], signal: AbortSignal): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(controllerManagerUsage());
    return;
  }
  await runControllerManager(parseControllerManagerFlags(argv), signal);
}
