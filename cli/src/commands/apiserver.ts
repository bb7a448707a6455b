import { run } from '@kubets/apiserver';

export async function apiserver(argv: string[], signal: AbortSignal): Promise<void> {
  await run(argv, signal);
}
