// CRI conformance-style lifecycle tests against the real runtime (runc + conmon + CNI).
import * as fs from 'node:fs';
import { containerConfig, containerStatus, podConfig, runPod, startTestRuntime, waitExited, waitFor, type TestRuntime } from '../harness/runtime';
import { parseCriLog } from '@kubets/kubelet/runtime';

jest.setTimeout(120000);

let t: TestRuntime;
beforeAll(async () => {
  t = await startTestRuntime(201);
});
afterAll(async () => {
  await t?.cleanup();
});

test('Version and Status', async () => {
  const v = await t.clients.rt('Version', { version: 'v1' });
  expect(v).toMatchObject({ runtime_name: 'kubets', runtime_api_version: 'v1' });
  const s = (await t.clients.rt('Status', {})) as { status: { conditions: { type: string; status: boolean }[] } };
  expect(s.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'RuntimeReady', status: true }), expect.objectContaining({ type: 'NetworkReady', status: true })]));
});

test('sandbox lifecycle: run, status, list, stop, remove', async () => {
  const cfg = podConfig('sb1');
  const { pod_sandbox_id: id } = (await t.clients.rt('RunPodSandbox', { config: cfg })) as { pod_sandbox_id: string };
  const st = (await t.clients.rt('PodSandboxStatus', { pod_sandbox_id: id, verbose: true })) as { status: { state: number; network: { ip: string }; metadata: { name: string } }; info: { info: string } };
  expect(st.status.state).toBe(0);
  expect(st.status.metadata.name).toBe('sb1');
  expect(st.status.network.ip).toMatch(new RegExp(`^10\\.244\\.${t.n}\\.\\d+$`));
  const info = JSON.parse(st.info.info) as { netns: string; cgroupParent: string };
  expect(fs.existsSync(info.netns)).toBe(true);
  const list = (await t.clients.rt('ListPodSandbox', { filter: { label_selector: { app: 'sb1' } } })) as { items: { id: string }[] };
  expect(list.items.map((i) => i.id)).toEqual([id]);
  await t.clients.rt('StopPodSandbox', { pod_sandbox_id: id });
  const st2 = (await t.clients.rt('PodSandboxStatus', { pod_sandbox_id: id })) as { status: { state: number } };
  expect(st2.status.state).toBe(1);
  expect(fs.existsSync(info.netns)).toBe(false);
  await t.clients.rt('StopPodSandbox', { pod_sandbox_id: id }); // idempotent
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: id });
  await expect(t.clients.rt('PodSandboxStatus', { pod_sandbox_id: id })).rejects.toMatchObject({ code: 5 });
  for (const ctrl of ['memory', 'cpu', 'pids', 'unified']) expect(fs.existsSync(`/sys/fs/cgroup/${ctrl}${info.cgroupParent}`)).toBe(false);
});

test('container lifecycle, exit codes, reasons, times and log format', async () => {
  const { podId, ctrId } = await runPod(t.clients, 'exit3', ['sh', '-c', 'echo out-line; echo err-line >&2; exit 3']);
  const s = await waitExited(t.clients, ctrId);
  expect(s).toMatchObject({ exit_code: 3, reason: 'Error', state: 2 });
  expect(Number(s['started_at'])).toBeGreaterThan(0);
  expect(Number(s['finished_at'])).toBeGreaterThanOrEqual(Number(s['started_at']) - 1e6);
  const log = fs.readFileSync(String(s['log_path']), 'utf8');
  expect(log).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d) stdout F out-line$/m);
  const lines = parseCriLog(log);
  expect(lines.map((l) => [l.stream, l.content])).toEqual(expect.arrayContaining([['stdout', 'out-line'], ['stderr', 'err-line']]));

  const { container_id: ok } = (await t.clients.rt('CreateContainer', { pod_sandbox_id: podId, config: containerConfig('ok', ['true']) })) as { container_id: string };
  expect((await containerStatus(t.clients, ok))['state']).toBe(0);
  await t.clients.rt('StartContainer', { container_id: ok });
  expect(await waitExited(t.clients, ok)).toMatchObject({ exit_code: 0, reason: 'Completed' });

  const list = (await t.clients.rt('ListContainers', { filter: { pod_sandbox_id: podId } })) as { containers: { id: string; state: number }[] };
  expect(list.containers.map((c) => c.id).sort()).toEqual([ctrId, ok].sort());
  await t.clients.rt('RemoveContainer', { container_id: ok });
  await expect(t.clients.rt('ContainerStatus', { container_id: ok })).rejects.toMatchObject({ code: 5 });
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
});

test('StopContainer sends SIGTERM, then SIGKILL after the timeout', async () => {
  const { podId, ctrId } = await runPod(t.clients, 'stopper', ['sh', '-c', 'trap "echo got-term; exit 0" TERM; while true; do sleep 0.1; done']);
  await waitFor(async () => (await containerStatus(t.clients, ctrId))['state'] === 1 || undefined);
  await t.clients.rt('StopContainer', { container_id: ctrId, timeout: 10 });
  expect(await containerStatus(t.clients, ctrId)).toMatchObject({ state: 2, exit_code: 0 });

  const { container_id: stubborn } = (await t.clients.rt('CreateContainer', { pod_sandbox_id: podId, config: containerConfig('stubborn', ['sleep', '1000']) })) as { container_id: string };
  await t.clients.rt('StartContainer', { container_id: stubborn });
  await t.clients.rt('StopContainer', { container_id: stubborn, timeout: 1 }); // sleep as PID 1 ignores TERM
  expect(await containerStatus(t.clients, stubborn)).toMatchObject({ state: 2, exit_code: 137 });
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
});

test('OOM kill is reported as OOMKilled', async () => {
  const { podId, ctrId } = await runPod(t.clients, 'oom', ['sh', '-c', 'a=xxxxxxxxxxxxxxxx; while true; do a=$a$a; done'], {
    ctr: { linux: { resources: { memory_limit_in_bytes: 32 * 1024 * 1024 } } },
  });
  const s = await waitExited(t.clients, ctrId, 60000);
  expect(s).toMatchObject({ reason: 'OOMKilled', exit_code: 137 });
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
});

test('limits are visible in the cgroups; stats and UpdateContainerResources', async () => {
  const { podId, ctrId } = await runPod(t.clients, 'limits', ['sleep', '1000'], {
    ctr: { linux: { resources: { memory_limit_in_bytes: 64 * 1024 * 1024, cpu_shares: 512, cpu_quota: 50000, cpu_period: 100000 } } },
  });
  const { info } = (await t.clients.rt('ContainerStatus', { container_id: ctrId, verbose: true })) as { info: { info: string } };
  const cg = (JSON.parse(info.info) as { cgroupsPath: string }).cgroupsPath;
  const rd = (p: string): string => fs.readFileSync(`/sys/fs/cgroup/${p}`, 'utf8').trim();
  expect(rd(`memory${cg}/memory.limit_in_bytes`)).toBe(String(64 * 1024 * 1024));
  expect(rd(`cpu${cg}/cpu.shares`)).toBe('512');
  expect(rd(`cpu${cg}/cpu.cfs_quota_us`)).toBe('50000');
  expect(rd(`cpu${cg}/cpu.cfs_period_us`)).toBe('100000');
  expect(rd(`pids${cg}/pids.max`)).toBe('200');
  const { stats } = (await t.clients.rt('ContainerStats', { container_id: ctrId })) as { stats: { memory: { working_set_bytes: { value: number }; usage_bytes: { value: number } }; cpu: { usage_core_nano_seconds: { value: number } } } };
  expect(stats.memory.usage_bytes.value).toBeGreaterThan(0);
  expect(stats.cpu.usage_core_nano_seconds.value).toBeGreaterThan(0);
  const all = (await t.clients.rt('ListContainerStats', { filter: { pod_sandbox_id: podId } })) as { stats: unknown[] };
  expect(all.stats).toHaveLength(1);
  await t.clients.rt('UpdateContainerResources', { container_id: ctrId, linux: { memory_limit_in_bytes: 128 * 1024 * 1024, cpu_shares: 256 } });
  expect(rd(`memory${cg}/memory.limit_in_bytes`)).toBe(String(128 * 1024 * 1024));
  expect(rd(`cpu${cg}/cpu.shares`)).toBe('256');
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
  expect(fs.existsSync(`/sys/fs/cgroup/memory${cg}`)).toBe(false);
});

test('ExecSync, env, working dir, hostname and DNS files', async () => {
  const { podId, ctrId } = await runPod(t.clients, 'execpod', ['sleep', '1000'], {
    pod: { hostname: 'my-host', dns_config: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] } },
    ctr: { envs: [{ key: 'GREETING', value: 'hello' }], working_dir: '/tmp' },
  });
  const ex = async (cmd: string[]): Promise<{ stdout: string; stderr: string; exit_code: number }> => {
    const r = (await t.clients.rt('ExecSync', { container_id: ctrId, cmd, timeout: 10 })) as { stdout: Buffer; stderr: Buffer; exit_code: number };
    return { stdout: r.stdout.toString(), stderr: r.stderr.toString(), exit_code: r.exit_code };
  };
  expect(await ex(['sh', '-c', 'echo $GREETING; pwd; hostname; cat /etc/hostname'])).toEqual({ stdout: 'hello\n/tmp\nmy-host\nmy-host\n', stderr: '', exit_code: 0 });
  expect(await ex(['sh', '-c', 'echo oops >&2; exit 7'])).toEqual({ stdout: '', stderr: 'oops\n', exit_code: 7 });
  const resolv = (await ex(['cat', '/etc/resolv.conf'])).stdout;
  expect(resolv).toContain('nameserver 10.96.0.10');
  expect(resolv).toContain('search default.svc.cluster.local');
  expect((await ex(['cat', '/etc/hosts'])).stdout).toMatch(/my-host/);
  await expect(t.clients.rt('ExecSync', { container_id: ctrId, cmd: ['sleep', '30'], timeout: 1 })).rejects.toMatchObject({ code: 4 });
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
});

test('security context: user, readonly rootfs, capabilities', async () => {
  const { podId, ctrId } = await runPod(t.clients, 'secpod', ['sleep', '1000'], {
    ctr: { linux: { security_context: { run_as_user: { value: 65534 }, readonly_rootfs: true, capabilities: { drop_capabilities: ['ALL'], add_capabilities: ['NET_BIND_SERVICE'] }, no_new_privs: true } } },
  });
  const ex = async (cmd: string[]): Promise<{ stdout: string; exit_code: number }> => {
    const r = (await t.clients.rt('ExecSync', { container_id: ctrId, cmd, timeout: 10 })) as { stdout: Buffer; exit_code: number };
    return { stdout: r.stdout.toString(), exit_code: r.exit_code };
  };
  expect((await ex(['id', '-u'])).stdout.trim()).toBe('65534');
  expect((await ex(['sh', '-c', 'touch /newfile'])).exit_code).not.toBe(0);
  const caps = (await ex(['sh', '-c', 'grep -E "CapBnd|NoNewPrivs" /proc/1/status'])).stdout;
  expect(caps).toMatch(/CapBnd:\s+0000000000000400/); // only CAP_NET_BIND_SERVICE (bit 10)
  expect(caps).toMatch(/NoNewPrivs:\s+1/);
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
});
