import { parseProxyFlags, runProxy } from '@kubets/proxy';

export async function proxy(argv: string[], signal: AbortSignal): Promise<void> {
  const opts = parseProxyFlags(argv);
  if (opts) await runProxy(opts, signal);
}
