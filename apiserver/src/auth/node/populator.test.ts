import type { KubeObject } from '@kubets/api';
import type { ListResult, StorageEvent, WatchStream } from '../../storage/interface';
import { NodeGraph } from './graph';
import { runNodeGraphPopulator } from './populator';

const pod = (name: string, secret: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns' },
  spec: { nodeName: 'n1', containers: [], imagePullSecrets: [{ name: secret }] },
});

/** A watch the test pushes events into. */
class FakeWatch implements WatchStream {
  private queue: StorageEvent[] = [];
  private wake: (() => void) | undefined;
  closed = false;
  push(ev: StorageEvent): void {
    this.queue.push(ev);
    this.wake?.();
  }
  close(): void {
    this.closed = true;
    this.wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<StorageEvent> {
    for (;;) {
      const ev = this.queue.shift();
      if (ev) {
        yield ev;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('runNodeGraphPopulator', () => {
  it('lists, follows the watch from the list revision, and relists after an expired watch', async () => {
    const lists: ListResult[] = [
      { items: [pod('a', 'sa')], resourceVersion: '10' },
      { items: [pod('c', 'sc')], resourceVersion: '20' },
    ];
    const watches: FakeWatch[] = [];
    const watchedFrom: Array<string | undefined> = [];
    const storage = {
      list: jest.fn(async () => lists.shift() ?? { items: [], resourceVersion: '99' }),
      watch: jest.fn(async (_key: string, opts: { resourceVersion?: string }) => {
        watchedFrom.push(opts.resourceVersion);
        const w = new FakeWatch();
        watches.push(w);
        return w;
      }),
    };
    const g = new NodeGraph();
    const ac = new AbortController();
    const run = runNodeGraphPopulator(g, { storage, podsPrefix: '/registry/core/pods', signal: ac.signal, retryDelayMs: 0 });
    await run.ready;
    expect(g.hasPath('n1', 'secret', 'ns', 'sa')).toBe(true);

    await tick();
    watches[0]!.push({ type: 'ADDED', object: pod('b', 'sb') });
    await tick();
    expect(g.hasPath('n1', 'secret', 'ns', 'sb')).toBe(true);

    // 410: relist replaces the graph's pods (a and b are gone, c is there)
    watches[0]!.push({ type: 'ERROR', object: { apiVersion: 'v1', kind: 'Status', metadata: {} } });
    for (let i = 0; i < 5 && watches.length < 2; i++) await tick();
    expect(g.hasPath('n1', 'secret', 'ns', 'sa')).toBe(false);
    expect(g.hasPath('n1', 'secret', 'ns', 'sb')).toBe(false);
    expect(g.hasPath('n1', 'secret', 'ns', 'sc')).toBe(true);
    expect(watchedFrom).toEqual(['10', '20']);

    ac.abort();
    await run.done;
    expect(watches[1]!.closed).toBe(true);
  });
});
