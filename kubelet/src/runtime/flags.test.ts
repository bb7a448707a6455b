import { parseRuntimeFlags, runtimeFlagSpecs, runtimeUsage } from './index';

describe('kts runtime flags (shared parser)', () => {
  it('defaults: only listen and rootDir are set', () => {
    expect(parseRuntimeFlags([])).toEqual({ listen: 'unix:///run/kts/runtime.sock', rootDir: '/var/lib/kts/runtime' });
  });
  it('parses every flag in both forms; --insecure-registry repeats', () => {
    const o = parseRuntimeFlags([
      '--listen=unix:///tmp/r.sock', '--root-dir', '/tmp/r', '--pod-cidr=10.1.0.0/24', '--cni-bridge', 'br9', '--cni-bin-dir=/cni', '--network-name=n',
      '--streaming-address=127.0.0.1:5', '--pod-pids-limit', '64', '--insecure-registry=a:5000', '--insecure-registry', 'b:5000', '--cgroup-root=/x',
      '--runc=/bin/runc', '--conmon', '/bin/conmon', '--busybox=/bin/busybox',
    ]);
    expect(o).toEqual({
      listen: 'unix:///tmp/r.sock', rootDir: '/tmp/r', podCidr: '10.1.0.0/24', cniBridge: 'br9', cniBinDir: '/cni', networkName: 'n', streamingAddress: '127.0.0.1:5',
      podPidsLimit: 64, insecureRegistries: ['a:5000', 'b:5000'], cgroupRoot: '/x', runcPath: '/bin/runc', conmonPath: '/bin/conmon', busyboxPath: '/bin/busybox',
    });
  });
  it('--help throws the usage text; unknown flags and arguments are errors with usage', () => {
    expect(() => parseRuntimeFlags(['--help'])).toThrow(runtimeUsage());
    expect(() => parseRuntimeFlags(['--nope'])).toThrow(/unknown flag: --nope\nUsage: kts runtime/);
    expect(() => parseRuntimeFlags(['stray'])).toThrow(/unexpected argument stray/);
    expect(() => parseRuntimeFlags(['--listen'])).toThrow(/needs an argument/);
    for (const name of Object.keys(runtimeFlagSpecs)) expect(runtimeUsage()).toContain(`--${name} `);
  });
});
