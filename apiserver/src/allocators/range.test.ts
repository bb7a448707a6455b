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

describe('service IP ranges', () => {
  it.each([
    ['10.96.0.0/12', 'IPv4', '10.96.0.0/12', 2 ** 20],
    ['fd00:10:96::/112', 'IPv6', 'fd00:10:96::/112', 2 ** 16],
    ['FD00:10:96:0:0:0:0:7/112', 'IPv6', 'fd00:10:96::/112', 2 ** 16],
  ])('parses %s', (text, family, canonical, size) => {
    expect(parseCidr(text)).toMatchObject({ family, text: canonical, size });
  });
  it.each(['fd00::/64', '10.0.0.0/31', '::1/200'])('refuses %s', (text) => expect(() => parseCidr(text)).toThrow());
  it('allocates from the family asked for, releases by the IP own family', async () => {
    const ips = serviceIpAllocator(new MemoryStorage(), '/registry', '10.96.0.0/12,fd00:10:96::/112');
    expect(ips.nth(1)).toBe('10.96.0.1');
    const v6 = await ips.allocateNext('x', false, 'IPv6');
    expect(v6).toMatch(/^fd00:10:96::[0-9a-f]{1,4}$/);
    expect(ips.contains(v6)).toBe(true);
    expect(await ips.allocate(v6, 'y')).toBe(false);
    await ips.release(v6);
    expect(await ips.allocate(v6, 'y')).toBe(true);
    expect(ips.contains('fd00:10:97::1')).toBe(false);
    expect(await ips.allocate('fd00:10:96::a', 'dns')).toBe(true);
  });
  it('refuses two ranges of one family', () => {
    expect(() => serviceIpAllocator(new MemoryStorage(), '/registry', '10.96.0.0/12,10.100.0.0/16')).toThrow('different IP families');
  });
});
