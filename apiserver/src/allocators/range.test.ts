import { MemoryStorage } from '../testing/memory-storage';
import { nodePortAllocator, parseCidr, serviceIpAllocator } from './range';

describe('range allocators', () => {
  it('parses CIDRs', () => {
    expect(parseCidr('10.96.0.0/12')).toMatchObject({ size: 2 ** 20, text: '10.96.0.0/12' });
    expect(parseCidr('10.96.3.7/24').text).toBe('10.96.3.0/24');
    expect(() => parseCidr('nope')).toThrow();
  });
  it('hands out every IP of a small range once, never the reserved ones', async () => {
    const a = serviceIpAllocator(new MemoryStorage(), '/registry', '10.0.0.0/28');
    const got = new Set<string>();
    for (let i = 0; i < 12; i++) got.add(await a.allocateNext('x'));
    expect(got.size).toBe(12);
    for (const r of ['10.0.0.0', '10.0.0.1', '10.0.0.10', '10.0.0.15']) expect(got.has(r)).toBe(false);
    await expect(a.allocateNext('x')).rejects.toThrow('range is full');
    expect(await a.allocate('10.0.0.10', 'dns')).toBe(true);
    expect(await a.allocate('10.0.0.10', 'dns')).toBe(false);
    await a.release('10.0.0.10');
    expect(await a.allocate('10.0.0.10', 'dns')).toBe(true);
  });
  it('node ports stay in range; dry runs do not reserve', async () => {
    const p = nodePortAllocator(new MemoryStorage(), '/registry', '30000-30002');
    const v = await p.allocateNext('x', true);
    expect(await p.allocate(v, 'y')).toBe(true);
    expect(p.contains('29999')).toBe(false);
  });
});
