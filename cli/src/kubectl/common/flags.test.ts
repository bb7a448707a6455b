import { parseKubectlFlags } from './flags';

const own = {
  output: { type: 'string' as const, short: 'o', default: '' },
  stdin: { type: 'bool' as const, short: 'i', default: false },
  tty: { type: 'bool' as const, short: 't', default: false },
  replicas: { type: 'int' as const, default: -1 },
  filename: { type: 'list' as const, short: 'f', default: [] },
};

describe('parseKubectlFlags', () => {
  it.each([
    [['-n', 'ns'], { namespace: 'ns' }],
    [['-n=ns'], { namespace: 'ns' }],
    [['-nns'], { namespace: 'ns' }],
    [['--namespace', 'ns'], { namespace: 'ns' }],
    [['-owide'], { output: 'wide' }],
    [['-it'], { stdin: true, tty: true }],
    [['--replicas=3'], { replicas: 3 }],
    [['-f', 'a', '-f', 'b,c'], { filename: ['a', 'b', 'c'] }],
    [['--tty=false'], { tty: false }],
  ])('%j', (argv, expected) => {
    expect(parseKubectlFlags(argv, own).values).toMatchObject(expected);
  });

  it('keeps positionals and returns what follows --', () => {
    const p = parseKubectlFlags(['exec', 'pod', '-i', '--', 'sh', '-c', 'ls'], own);
    expect(p.args).toEqual(['exec', 'pod']);
    expect(p.rest).toEqual(['sh', '-c', 'ls']);
  });

  it.each([[['--nope']], [['-x']], [['--replicas=x']], [['-o']]])('rejects %j', (argv) => {
    expect(() => parseKubectlFlags(argv, own)).toThrow();
  });
});
