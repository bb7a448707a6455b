import { parseSchedulerFlags, runScheduler } from '@kubets/scheduler';

export async function scheduler(argv: string[], signal: AbortSignal): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    const { schedulerUsage } = await import('@kubets/scheduler');
    console.log(schedulerUsage());
    return;
  }
  await runScheduler(parseSchedulerFlags(argv), signal);
}
