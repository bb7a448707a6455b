import { parseApiServerFlags, startApiServer } from '@kubets/apiserver';

export async function apiserver(argv: string[], signal: AbortSignal): Promise<number> {
  const opts = parseApiServerFlags(argv);
  if (!opts) return 0; // --help printed
  const server = await startApiServer({ ...opts, signal });
  console.error(JSON.stringify({ ts: new Date().toISOString(), level: 'info', component: 'apiserver', msg: 'serving', url: server.url }));
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await server.close();
  return 0;
}
