// `kts hollow-nodes` entry point (the lead wires the command to these).
import { loadKubeconfig } from '../kubeconfig';
import { RestClient } from '../rest/client';
import { createLogger } from '../log';
import type { KubeClient } from '../interface';
import type { Clock } from '../clock';
import { HollowNodes } from './hollow-nodes';
import type { HollowNodeOptions } from './flags';

export interface HollowNodeDeps {
  /** Use this client instead of one from the kubeconfig (tests). */
  client?: KubeClient;
  clock?: Clock;
}

/** Runs hollow nodes until the signal aborts (SIGTERM handling is the caller's). */
export async function runHollowNodes(opts: HollowNodeOptions, signal: AbortSignal, deps: HollowNodeDeps = {}): Promise<void> {
  const logger = createLogger('hollow-nodes', opts.verbosity);
  let rest: RestClient | undefined;
  let client = deps.client;
  if (!client) {
    const kc = loadKubeconfig(opts.kubeconfig);
    rest = new RestClient({ ...kc.config, userAgent: 'kts-hollow-nodes', maxSockets: Math.max(64, opts.concurrency * 2) }, { logger });
    client = rest;
  }
  const hollow = new HollowNodes(client, opts, { logger, ...(deps.clock ? { clock: deps.clock } : {}) });
  try {
    await hollow.start(signal);
    logger.info('hollow nodes running', { count: opts.count, prefix: opts.namePrefix });
    if (!signal.aborted) await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    await hollow.stopped();
    logger.info('hollow nodes stopped', { ...hollow.stats });
  } finally {
    rest?.close();
  }
}
