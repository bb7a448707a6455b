// Bootstrap controllers, as kube-apiserver's "bootstrap-controller" and system-namespaces controller: the system
// namespaces, the `kubernetes` Service and its Endpoints/EndpointSlice come back when someone deletes or edits
// them. Upstream polls (every 10 s for the endpoints, 1 min for namespaces); here each watched object's
// DELETED/MODIFIED event triggers the idempotent reconcile, so an idle cluster costs nothing.
import type { KubeObject } from '@kubets/api';
import type { Storage, WatchStream } from '../storage/interface';

/** Objects to watch: `names` under one collection prefix (e.g. /registry/services/specs/default/). */
export interface WatchedObjects {
  storage: Storage;
  prefix: string;
  names: ReadonlySet<string>;
}

export interface BootstrapControllerOptions {
  watched: WatchedObjects[];
  /** Re-creates or repairs whatever is missing or wrong; idempotent. */
  reconcile(): Promise<void>;
  /** How long to wait before re-opening a watch that ended or failed to open. */
  retryDelayMs?: number;
  onError?(msg: string, e: unknown): void;
}

export interface BootstrapController {
  /** Resolves when no reconcile is running or queued (tests). */
  idle(): Promise<void>;
  close(): void;
}

export function startBootstrapController(o: BootstrapControllerOptions): BootstrapController {
  let closed = false;
  const streams = new Set<WatchStream>();
  const timers = new Set<NodeJS.Timeout>();
  const retryDelay = o.retryDelayMs ?? 1000;
  const onError = o.onError ?? (() => undefined);

  // One reconcile at a time; triggers that arrive while one runs coalesce into a single rerun.
  let running: Promise<void> | undefined;
  let again = false;
  const trigger = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await o.reconcile();
        } catch (e) {
          if (!closed) onError('bootstrap reconcile failed', e);
          // a failed reconcile (etcd away) is retried later rather than in a tight loop
          if (!closed) later(trigger);
        }
      } while (again && !closed);
    })().finally(() => (running = undefined));
  };

  const later = (fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, retryDelay);
    t.unref?.();
    timers.add(t);
  };

  const follow = async (w: WatchedObjects): Promise<void> => {
    if (closed) return;
    let stream: WatchStream;
    try {
      stream = await w.storage.watch(w.prefix, { recursive: true, predicate: (obj: KubeObject) => w.names.has(obj.metadata.name ?? '') });
    } catch (e) {
      if (!closed) {
        onError('bootstrap watch failed', e);
        later(() => void follow(w));
      }
      return;
    }
    if (closed) return stream.close();
    streams.add(stream);
    // anything deleted between the last reconcile and this watch starting is caught here
    trigger();
    try {
      for await (const ev of stream) {
        if (ev.type === 'DELETED' || ev.type === 'MODIFIED' || ev.type === 'ERROR') trigger();
      }
    } catch (e) {
      if (!closed) onError('bootstrap watch ended', e);
    } finally {
      streams.delete(stream);
    }
    if (!closed) later(() => void follow(w));
  };

  for (const w of o.watched) void follow(w);

  return {
    async idle() {
      while (running) await running;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const s of streams) s.close();
      streams.clear();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
