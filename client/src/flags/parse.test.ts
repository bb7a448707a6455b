import { parseFlags, parseDuration, type FlagSpec } from './parse';

const specs: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', default: '', help: '' },
  port: { type: 'int', default: 6443, help: '' },
  'leader-elect': { type: 'bool', default: true, help: '' },
  period: { type: 'duration', default: '10s', help: '' },
  'etcd-servers': { type: 'list', default: [], help: '' },
  v: { type: 'int', default: 0, help: '' },
};

describe('parseFlags', () => {
  it.each([
    [['--kubeconfig=/a'], { kubeconfig: '/a' }],
    [['--kubeconfig', '/b'], { kubeconfig: '/b' }],
    [['--port=8080'], { port: 8080 }],
    [['--leader-elect=false'], { 'leader-elect': false }],
    [['--leader-elect'], { 'leader-elect': true }],
    [['--period', '1m30s'], { period: 90000 }],
    [['--etcd-servers=http://a:1,http://b:2'], { 'etcd-servers': ['http://a:1', 'http://b:2'] }],
    [['--etcd-servers=a', '--etcd-servers=b'], { 'etcd-servers': ['a', 'b'] }],
    [['-v=4'], { v: 4 }],
  ])('%j', (argv, expected) => {
    expect(parseFlags(argv, specs).values).toMatchObject(expected);
  });

  it('keeps positional args and stops at --', () => {
    expect(parseFlags(['pod', 'x', '--port=1', '--', '--not-a-flag'], specs).args).toEqual(['pod', 'x', '--not-a-flag']);
  });

  it.each([[['--nope']], [['--port=x']], [['--kubeconfig']], [['--leader-elect=maybe']]])('rejects %j', (argv) => {
    expect(() => parseFlags(argv, specs)).toThrow();
  });

  it('parses durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2h')).toBe(7200000);
    expect(parseDuration('40')).toBe(40000);
    expect(() => parseDuration('abc')).toThrow();
  });
});
