import { advertiseHost, joinCommand } from './server';

describe('kts server', () => {
  it('prints the exact agent command', () => {
    const token = `K10${'ab'.repeat(32)}::abcdef.0123456789abcdef`;
    expect(joinCommand('https://192.0.2.10:6443', token)).toBe(`kts agent --server https://192.0.2.10:6443 --token ${token}`);
  });
  it.each([
    ['192.0.2.10', '', '192.0.2.10'],
    ['127.0.0.1', '', '127.0.0.1'],
    ['0.0.0.0', '198.51.100.7', '198.51.100.7'],
  ])('bind %s advertise "%s" → %s', (bind, adv, want) => expect(advertiseHost(bind, adv)).toBe(want));
  it('picks a non-loopback IPv4 for 0.0.0.0', () => expect(advertiseHost('0.0.0.0', '')).toMatch(/^\d+\.\d+\.\d+\.\d+$/));
});
