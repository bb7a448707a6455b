// Periodic etcd compaction, as kube-apiserver's --etcd-compaction-interval: each tick records the current
// revision and compacts up to the revision recorded on the previous tick, so one interval of history is kept.
// Several apiservers coordinate through the version of compact_rev_key (only the one whose compare-and-swap
// succeeds compacts), exactly like Kubernetes' compactor.
import type { Etcd3, ITxnResponse } from 'etcd3';
import { toRevision } from './resource-version';

export const COMPACT_REV_KEY = 'compact_rev_key';

export interface Compactor {
  /** Runs one tick now (for tests); resolves with the revision compacted to, or 0 if none. */
  tick(): Promise<number>;
  stop(): void;
}

export interface CompactorOptions {
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export function startCompactor(client: Etcd3, intervalMs = 5 * 60_000, opts: CompactorOptions = {}): Compactor {
  const log =
    opts.log ?? ((msg: string, fields?: Record<string, unknown>) => console.error(JSON.stringify({ ts: new Date().toISOString(), component: 'etcd-compactor', msg, ...fields })));
  let version = 0; // last seen version of compact_rev_key
  let prevRev = 0; // revision observed on the previous tick: compact to it on this one
  let stopped = false;
  let running: Promise<number> | undefined;

  const once = async (): Promise<number> => {
    const key = Buffer.from(COMPACT_REV_KEY);
    const resp: ITxnResponse = await client.kv.txn({
      compare: [{ key, target: 'Version', result: 'Equal', version }],
      success: [{ request_put: { key, value: Buffer.from(String(prevRev)) } }],
      failure: [{ request_range: { key } }],
    });
    const curRev = toRevision(resp.header.revision);
    if (!resp.succeeded) {
      // Someone else compacted (or we restarted): adopt their version and try again next tick.
      version = toRevision(resp.responses[0]?.response_range?.kvs[0]?.version ?? 0);
      prevRev = curRev;
      return 0;
    }
    version++;
    const target = prevRev;
    prevRev = curRev;
    if (target === 0) return 0; // never compact on the first tick
    await client.kv.compact({ revision: target, physical: false });
    log('compacted etcd history', { revision: target });
    return target;
  };

  const tick = (): Promise<number> => {
    if (stopped) return Promise.resolve(0);
    if (!running) {
      running = once()
        .catch((e: unknown) => {
          if (!(e instanceof Error && /compacted/.test(e.message))) {
            log('etcd compaction failed', { error: e instanceof Error ? e.message : String(e) });
          }
          return 0;
        })
        .finally(() => {
          running = undefined;
        });
    }
    return running;
  };

  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    tick,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
