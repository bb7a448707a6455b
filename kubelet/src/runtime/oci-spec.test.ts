import { buildContainerSpec, buildPauseSpec, computeArgs, computeCaps, computeEnv, resolveUser, DEFAULT_CAPS, DEFAULT_MASKED_PATHS, type ContainerSpecInput } from './oci-spec';
import type { ContainerConfig } from './cri-types';

function cfg(extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return { metadata: { name: 'c', attempt: 0 }, image: { image: 'busybox' }, command: [], args: [], working_dir: '', envs: [], mounts: [], devices: [], labels: {}, annotations: {}, log_path: '', stdin: false, stdin_once: false, tty: false, ...extra };
}

const image = { config: { Env: ['PATH=/bin', 'A=image'], Entrypoint: ['/entry'], Cmd: ['default'], WorkingDir: '/work' } };

function input(c: ContainerConfig): ContainerSpecInput {
  return {
    config: c,
    image,
    user: { uid: 0, gid: 0, additionalGids: [] },
    cgroupsPath: '/kubepods/podU/ctr',
    netnsPath: '/var/run/netns/kts-x',
    ipcNsPath: '/proc/42/ns/ipc',
    utsNsPath: '/proc/42/ns/uts',
    hostsPath: '/sb/hosts',
    resolvPath: '/sb/resolv.conf',
    hostnamePath: '/sb/hostname',
    pidsLimit: 100,
  };
}

describe('computeArgs', () => {
  test.each([
    [[], [], ['/entry', 'default']],
    [[], ['x'], ['/entry', 'x']],
    [['sh'], [], ['sh']],
    [['sh'], ['-c', 'true'], ['sh', '-c', 'true']],
  ])('command %j args %j -> %j', (command, args, want) => {
    expect(computeArgs(cfg({ command, args }), image)).toEqual(want);
  });
  test('no command at all is an error', () => {
    expect(() => computeArgs(cfg(), {})).toThrow(/no command/);
  });
});

test('env: CRI overrides image', () => {
  expect(computeEnv(cfg({ envs: [{ key: 'A', value: 'cri' }, { key: 'B', value: '1' }] }), image)).toEqual(['PATH=/bin', 'A=cri', 'B=1']);
});

describe('capabilities', () => {
  test('default set is Docker’s', () => expect(computeCaps([], [], false)).toEqual([...DEFAULT_CAPS].sort()));
  test('drop ALL + add one', () => expect(computeCaps(['NET_ADMIN'], ['ALL'], false)).toEqual(['CAP_NET_ADMIN']));
  test('drop one', () => expect(computeCaps([], ['CAP_KILL'], false)).not.toContain('CAP_KILL'));
  test('privileged gets all', () => expect(computeCaps([], ['ALL'], true)).toContain('CAP_SYS_ADMIN'));
});

test('container spec: namespaces, mounts, cgroups, resources, security', () => {
  const s = buildContainerSpec(
    input(
      cfg({
        command: ['sleep', '1'],
        mounts: [{ container_path: '/data', host_path: '/var/lib/vol', readonly: true, propagation: 0 }],
        linux: {
          resources: { cpu_period: 100000, cpu_quota: 50000, cpu_shares: 512, memory_limit_in_bytes: 1 << 26, oom_score_adj: 0, cpuset_cpus: '', cpuset_mems: '' },
          security_context: { privileged: false, run_as_username: '', readonly_rootfs: true, supplemental_groups: [], no_new_privs: true, masked_paths: [], readonly_paths: [] },
        },
      }),
    ),
  );
  expect(s.linux.namespaces).toEqual([
    { type: 'mount' },
    { type: 'pid' },
    { type: 'ipc', path: '/proc/42/ns/ipc' },
    { type: 'uts', path: '/proc/42/ns/uts' },
    { type: 'network', path: '/var/run/netns/kts-x' },
  ]);
  expect(s.linux.cgroupsPath).toBe('/kubepods/podU/ctr');
  expect(s.linux.resources).toEqual({ devices: [{ allow: false, access: 'rwm' }], memory: { limit: 1 << 26 }, cpu: { shares: 512, quota: 50000, period: 100000 }, pids: { limit: 100 } });
  expect(s.root).toEqual({ path: 'rootfs', readonly: true });
  expect(s.process.noNewPrivileges).toBe(true);
  expect(s.process.cwd).toBe('/work');
  expect(s.linux.maskedPaths).toEqual(DEFAULT_MASKED_PATHS);
  expect(s.mounts.find((m) => m.destination === '/data')).toEqual({ destination: '/data', type: 'bind', source: '/var/lib/vol', options: ['rbind', 'rprivate', 'ro'] });
  expect(s.mounts.map((m) => m.destination)).toEqual(expect.arrayContaining(['/proc', '/dev', '/sys', '/etc/hosts', '/etc/resolv.conf', '/etc/hostname']));
});

test('host network and privileged', () => {
  const i = input(cfg({ command: ['x'], linux: { security_context: { privileged: true, run_as_username: '', readonly_rootfs: false, supplemental_groups: [], no_new_privs: false, masked_paths: [], readonly_paths: [] } } }));
  i.netnsPath = 'host';
  i.utsNsPath = 'host';
  const s = buildContainerSpec(i);
  expect(s.linux.namespaces.map((n) => n.type)).toEqual(['mount', 'pid', 'ipc']);
  expect(s.linux.maskedPaths).toEqual([]);
  expect(s.linux.resources.devices).toEqual([{ allow: true, access: 'rwm' }]);
});

test('pause spec owns ipc/uts/pid and joins the netns', () => {
  const s = buildPauseSpec({ args: ['/bin/sleep', 'infinity'], hostname: 'web', netnsPath: '/var/run/netns/n', cgroupsPath: '/kubepods/podU/sb', rootPath: '/layers/x' });
  expect(s.hostname).toBe('web');
  expect(s.linux.namespaces).toEqual([{ type: 'mount' }, { type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'network', path: '/var/run/netns/n' }]);
  const h = buildPauseSpec({ args: ['x'], hostname: 'web', netnsPath: 'host', cgroupsPath: '/p/s', rootPath: '/r' });
  expect(h.hostname).toBeUndefined();
  expect(h.linux.namespaces.map((n) => n.type)).toEqual(['mount', 'pid', 'ipc']);
});

describe('resolveUser', () => {
  const passwd = 'root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n';
  const group = 'root:x:0:\nstaff:x:50:\n';
  test.each([
    [{}, {}, { uid: 0, gid: 0 }],
    [{}, { User: 'app' }, { uid: 1000, gid: 1001 }],
    [{}, { User: '1000:staff' }, { uid: 1000, gid: 50 }],
    [{ run_as_user: { value: 1000 } }, {}, { uid: 1000, gid: 1001 }],
    [{ run_as_user: { value: 7 }, run_as_group: { value: 8 } }, {}, { uid: 7, gid: 8 }],
    [{ run_as_username: 'app' }, {}, { uid: 1000, gid: 1001 }],
  ])('sc %j image %j', (sc, img, want) => {
    const c = cfg({ linux: { security_context: { privileged: false, run_as_username: '', readonly_rootfs: false, supplemental_groups: [], no_new_privs: false, masked_paths: [], readonly_paths: [], ...sc } } });
    expect(resolveUser(c, { config: img }, passwd, group)).toMatchObject(want);
  });
  test('unknown user name fails', () => expect(() => resolveUser(cfg(), { config: { User: 'nobody2' } }, passwd, group)).toThrow(/not found/));
});

test('devices and oom_score_adj', () => {
  const i = input(cfg({ command: ['x'], linux: { resources: { cpu_period: 0, cpu_quota: 0, cpu_shares: 2, memory_limit_in_bytes: 0, oom_score_adj: 1000, cpuset_cpus: '', cpuset_mems: '' } } }));
  i.devices = [{ containerPath: '/dev/xnull', type: 'c', major: 1, minor: 3, mode: 0o20666, permissions: 'rw' }];
  const s = buildContainerSpec(i);
  expect(s.linux.devices).toEqual([{ path: '/dev/xnull', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 }]);
  expect(s.linux.resources.devices).toContainEqual({ allow: true, type: 'c', major: 1, minor: 3, access: 'rw' });
  expect(s.process.oomScoreAdj).toBe(1000);
  const neg = buildContainerSpec(input(cfg({ command: ['x'], linux: { resources: { cpu_period: 0, cpu_quota: 0, cpu_shares: 2, memory_limit_in_bytes: 0, oom_score_adj: -997, cpuset_cpus: '', cpuset_mems: '' } } })));
  expect(neg.process.oomScoreAdj).toBeUndefined();
});

describe('seccomp', () => {
  const sc = (extra: Record<string, unknown>) => cfg({ linux: { security_context: { privileged: false, run_as_username: '', readonly_rootfs: false, supplemental_groups: [], no_new_privs: false, masked_paths: [], readonly_paths: [], ...extra } } });
  const names = (s: ReturnType<typeof buildContainerSpec>) => new Set(s.linux.seccomp?.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args).flatMap((r) => r.names));

  test('RuntimeDefault: deny-by-default filter; namespace and mount calls only with CAP_SYS_ADMIN', () => {
    const spec = buildContainerSpec(input(sc({ seccomp: { profile_type: 0, localhost_ref: '' } })));
    expect(spec.linux.seccomp).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1 });
    const allowed = names(spec);
    for (const s of ['read', 'write', 'execve', 'openat', 'futex']) expect(allowed.has(s)).toBe(true);
    for (const s of ['mount', 'unshare', 'setns', 'keyctl', 'add_key', 'init_module', 'bpf', 'reboot', 'clone']) expect(allowed.has(s)).toBe(false);
    // clone is allowed only without namespace flags; clone3 is ENOSYS so libc falls back to clone
    expect(spec.linux.seccomp?.syscalls).toContainEqual({ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] });
    expect(spec.linux.seccomp?.syscalls).toContainEqual({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
    const admin = names(buildContainerSpec(input(sc({ seccomp: { profile_type: 0, localhost_ref: '' }, capabilities: { add_capabilities: ['SYS_ADMIN'], drop_capabilities: [], add_ambient_capabilities: [] } }))));
    for (const s of ['mount', 'unshare', 'setns', 'clone']) expect(admin.has(s)).toBe(true);
  });

  test('Unconfined, absent and privileged: no filter; Localhost: refused', () => {
    expect(buildContainerSpec(input(sc({ seccomp: { profile_type: 1, localhost_ref: '' } }))).linux.seccomp).toBeUndefined();
    expect(buildContainerSpec(input(sc({}))).linux.seccomp).toBeUndefined();
    expect(buildContainerSpec(input(sc({ privileged: true, seccomp: { profile_type: 0, localhost_ref: '' } }))).linux.seccomp).toBeUndefined();
    expect(() => buildContainerSpec(input(sc({ seccomp: { profile_type: 2, localhost_ref: '/r/seccomp/p.json' } })))).toThrow('Localhost seccomp profiles are not supported');
  });
});
