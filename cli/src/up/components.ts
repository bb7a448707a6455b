// The components `kts up` runs in its own process, each exactly as its standalone command would, talking to
// the others only through the API server. Each gets its own abort signal so shutdown runs in reverse order.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '@kubets/apiserver';
import type { ComponentStarter, Running, UpContext } from './up';

/** Starts `run(signal)` in the background; resolves once `ready()` does; stop() aborts and awaits it. */
export async function runInBackground(name: string, ctx: UpContext, run: (signal: AbortSignal) => Promise<void>, ready: () => Promise<void>): Promise<Running> {
  const ac = new AbortController();
  const onParentAbort = () => ac.abort();
  ctx.signal.addEventListener('abort', onParentAbort, { once: true });
  let failed: unknown;
  const done = run(ac.signal).catch((e: unknown) => {
    failed = e;
    if (!ac.signal.aborted) ctx.progress.info(`  ✗ ${name} stopped: ${(e as Error).message ?? String(e)}`);
  });
  await Promise.race([ready(), done.then(() => Promise.reject(failed ?? new Error(`${name} exited during startup`)))]);
  return {
    name,
    stop: async () => {
      ctx.signal.removeEventListener('abort', onParentAbort);
      ac.abort();
      await done;
    },
  };
}

/** Where `kts explain` and friends find the components of the cluster on a data dir. */
export function recordEndpoint(dataDir: string, component: string, url: string): void {
  const file = path.join(dataDir, 'endpoints.json');
  let all: Record<string, string> = {};
  try {
    all = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    /* first write */
  }
  all[component] = url;
  fs.writeFileSync(file, JSON.stringify(all, null, 2) + '\n');
}

export function readEndpoint(dataDir: string, component: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dataDir, 'endpoints.json'), 'utf8')) as Record<string, string>)[component];
  } catch {
    return undefined;
  }
}

export const startScheduler: ComponentStarter = async (ctx) => {
  const { parseSchedulerFlags, runScheduler } = await import('@kubets/scheduler');
  const port = await freePort();
  const opts = parseSchedulerFlags([`--kubeconfig=${ctx.kubeconfig}`, '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${port}`, `--v=${ctx.verbosity}`]);
  let listening: () => void = () => undefined;
  const ready = new Promise<void>((r) => (listening = r));
  return ctx.progress.step(
    'scheduler',
    () =>
      runInBackground('scheduler', ctx, (signal) => runScheduler(opts, signal, { onListening: () => listening() }), () => ready).then((r) => {
        recordEndpoint(ctx.dataDir, 'scheduler', `http://127.0.0.1:${port}`);
        return r;
      }),
    () => `http://127.0.0.1:${port}`,
  );
};

export const startControllerManager: ComponentStarter = async (ctx) => {
  const { parseControllerManagerFlags, runControllerManager } = await import('@kubets/controller-manager');
  const port = await freePort();
  const opts = parseControllerManagerFlags([
    `--kubeconfig=${ctx.kubeconfig}`,
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    '--allocate-node-cidrs=true',
    `--cluster-cidr=${ctx.clusterCIDR}`,
    `--v=${ctx.verbosity}`,
  ]);
  let started: () => void = () => undefined;
  const ready = new Promise<void>((r) => (started = r));
  return ctx.progress.step(
    'controller-manager',
    () => runInBackground('controller-manager', ctx, (signal) => runControllerManager(opts, signal, { onStarted: () => started() }), () => ready),
    () => `http://127.0.0.1:${port}`,
  );
};

export const defaultComponents: ComponentStarter[] = [startControllerManager, startScheduler];
