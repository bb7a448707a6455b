// Keeps a NodeGraph in step with stored pods, as upstream's graph_populator does with a pod informer: list,
// replace the graph's pods in one synchronous step (so no request sees a half-built graph), then apply watch
// events from the list's revision; relist when the watch ends or expires.
import type { KubeObject } from '@kubets/api';
import type { Storage } from '../../storage/interface';
import type { NodeGraph } from './graph';

export interface GraphPopulatorOptions {
  /** the pods watch cache (or storage) */
  storage: Pick<Storage, 'list' | 'watch'>;
  /** collection key of pods in every namespace, e.g. collectionPrefix('/registry', podDef, '') */
  podsPrefix: string;
  signal: AbortSignal;
  /** wait before relisting after a failure (default 1s) */
  retryDelayMs?: number;
  onError?: (err: unknown) => void;
}

/** Runs until `signal` aborts. Resolves once stopped. Call `ready` to wait for the first list. */
export function runNodeGraphPopulator(graph: NodeGraph, opts: GraphPopulatorOptions): { ready: Promise<void>; done: Promise<void> } {
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const done = (async () => {
    while (!opts.signal.aborted) {
      try {
        const list = await opts.storage.list(opts.podsPrefix, { resourceVersion: '0' });
        if (opts.signal.aborted) break;
        replacePods(graph, list.items);
        markReady();
        const stream = await opts.storage.watch(opts.podsPrefix, { resourceVersion: list.resourceVersion, recursive: true });
        const stop = (): void => stream.close();
        opts.signal.addEventListener('abort', stop, { once: true });
        try {
          for await (const ev of stream) {
            if (ev.type === 'ERROR') break; // expired: relist
            graph.onPodEvent(ev.type, ev.object);
          }
        } finally {
          opts.signal.removeEventListener('abort', stop);
          stream.close();
        }
      } catch (e) {
        opts.onError?.(e);
        await sleep(opts.retryDelayMs ?? 1000, opts.signal);
      }
    }
    markReady();
  })();
  return { ready, done };
}

/** Synchronously swap the graph's pods for a fresh list. */
export function replacePods(graph: NodeGraph, pods: readonly KubeObject[]): void {
  graph.resetPods();
  for (const p of pods) graph.onPodEvent('ADDED', p);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
