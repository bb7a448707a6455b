import { Backoff } from './backoff';

describe('Backoff', () => {
  it('starts at 10s, doubles to 5m and resets after 10m of running', () => {
    const b = new Backoff();
    const delays: number[] = [];
    let t = 0;
    for (let i = 0; i < 8; i++) delays.push(b.next('k', (t += 1000)));
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    expect(b.inBackoff('k', t, t + 299_000)).toBe(true);
    expect(b.inBackoff('k', t, t + 300_000)).toBe(false);
    b.maybeReset('k', 9 * 60_000);
    expect(b.get('k')).toBe(300_000);
    b.maybeReset('k', 10 * 60_000);
    expect(b.get('k')).toBe(0);
  });
  it('forgets stale entries', () => {
    const b = new Backoff();
    b.next('k', 0);
    b.next('k', 1);
    expect(b.next('k', 1 + 11 * 60_000)).toBe(10_000);
  });
});
