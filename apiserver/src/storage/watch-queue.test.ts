import type { StorageEvent } from './interface';
import { WatchQueue } from './watch-queue';

const ev = (rv: number): StorageEvent => ({ type: 'MODIFIED', object: { metadata: { name: 'x', resourceVersion: String(rv) } } });

async function drain(q: WatchQueue): Promise<string[]> {
  const out: string[] = [];
  for await (const e of q) out.push(`${e.type}:${e.object.metadata.resourceVersion ?? ''}`);
  return out;
}

describe('WatchQueue', () => {
  it('delivers initial events first, then live events, then ends on finish()', async () => {
    const q = new WatchQueue(10);
    q.push(ev(5));
    q.pushInitial([{ type: 'ADDED', object: { metadata: { resourceVersion: '3' } } }]);
    q.finish({ type: 'ERROR', object: { metadata: {} } });
    expect(await drain(q)).toEqual(['ADDED:3', 'MODIFIED:5', 'ERROR:']);
  });

  it('hands events straight to a waiting consumer', async () => {
    const q = new WatchQueue(1);
    const it = q[Symbol.asyncIterator]();
    const p = it.next();
    q.push(ev(1));
    expect((await p).value).toEqual(ev(1));
    q.push(ev(2));
    expect((await it.next()).value).toEqual(ev(2));
  });

  it('terminates a consumer that falls more than capacity behind', async () => {
    const q = new WatchQueue(3);
    const closed = jest.fn();
    q.onClose(closed);
    expect([1, 2, 3].map((i) => q.push(ev(i)))).toEqual([true, true, true]);
    expect(q.push(ev(4))).toBe(false);
    expect(q.terminatedReason).toBe('overflow');
    expect(closed).toHaveBeenCalledTimes(1);
    expect(await drain(q)).toEqual([]);
  });

  it('close() is idempotent, wakes the consumer and runs hooks once', async () => {
    const q = new WatchQueue(3);
    const hook = jest.fn();
    q.onClose(hook);
    const it = q[Symbol.asyncIterator]();
    const p = it.next();
    q.close();
    q.close();
    expect((await p).done).toBe(true);
    expect(hook).toHaveBeenCalledTimes(1);
    expect(q.push(ev(1))).toBe(false);
  });

  it('break in for-await closes the queue', async () => {
    const q = new WatchQueue(3);
    q.push(ev(1));
    q.push(ev(2));
    for await (const _ of q) break;
    expect(q.closed).toBe(true);
  });
});
