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
  const all = (await t.clients.rt('ListContainerStats', { filter: { pod_sandbox_id: podId } })) as { stats: { cpu: { usage_nano_cores?: { value: number } }; writable_layer: { used_bytes: { value: number } } }[] };
  expect(all.stats).toHaveLength(1);
  expect(all.stats[0]?.cpu.usage_nano_cores?.value).toBeGreaterThanOrEqual(0); // second sample: rate is known
  expect(all.stats[0]?.writable_layer.used_bytes.value).toBeGreaterThanOrEqual(0);
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
    ctr: { devices: [{ container_path: '/dev/mynull', host_path: '/dev/null', permissions: 'rw' }], linux: { resources: { oom_score_adj: 900 }, security_context: { run_as_user: { value: 65534 }, readonly_rootfs: true, capabilities: { drop_capabilities: ['ALL'], add_capabilities: ['NET_BIND_SERVICE'] }, no_new_privs: true } } },
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
  expect((await ex(['sh', '-c', 'echo x > /dev/mynull && cat /proc/1/oom_score_adj'])).stdout.trim()).toBe('900');
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
});

test('kubelet log paths, ReopenContainerLog and Attach', async () => {
  const logDir = fs.mkdtempSync(`${t.rootDir}/podlogs-`);
  const { podId, ctrId } = await runPod(t.clients, 'logger', ['sh', '-c', 'i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.2; done'], {
    pod: { log_directory: logDir },
    ctr: { log_path: 'logger/0.log' },
  });
  const logPath = `${logDir}/logger/0.log`;
  expect((await containerStatus(t.clients, ctrId))['log_path']).toBe(logPath);
  await waitFor(() => fs.existsSync(logPath) && /tick1/.test(fs.readFileSync(logPath, 'utf8')), 10000, 'log lines');
  // rotate like the kubelet: rename, then ask the runtime to reopen
  fs.renameSync(logPath, `${logPath}.1`);
  await t.clients.rt('ReopenContainerLog', { container_id: ctrId });
  await waitFor(() => fs.existsSync(logPath) && /stdout F tick\d+/.test(fs.readFileSync(logPath, 'utf8')), 10000, 'reopened log');

  // Attach streams new stdout lines over the v5.channel.k8s.io framing
  const { url } = (await t.clients.rt('Attach', { container_id: ctrId, stdout: true, stderr: true })) as { url: string };
  const { default: WebSocket } = await import('ws');
  const line = await new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(url, ['v5.channel.k8s.io']);
    ws.on('message', (d: Buffer) => {
      if (d[0] === 1) {
        ws.close();
        resolve(d.subarray(1).toString());
      }
    });
    ws.on('error', reject);
  });
  expect(line).toMatch(/^tick\d+\n/);
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
});

test('errors: unknown ids, missing image, duplicate names', async () => {
  await expect(t.clients.rt('ContainerStatus', { container_id: 'nope' })).rejects.toMatchObject({ code: 5 });
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: 'nope' }); // idempotent
  await t.clients.rt('StopPodSandbox', { pod_sandbox_id: 'nope' });
  const cfg = podConfig('errs');
  const { pod_sandbox_id: podId } = (await t.clients.rt('RunPodSandbox', { config: cfg })) as { pod_sandbox_id: string };
  await expect(t.clients.rt('CreateContainer', { pod_sandbox_id: podId, config: containerConfig('x', ['true'], { image: { image: 'no/such:image' } }) })).rejects.toMatchObject({ code: 5 });
  await expect(t.clients.rt('CreateContainer', { pod_sandbox_id: podId, config: containerConfig('bad', ['/no/such/binary']) })).rejects.toThrow(/no\/such\/binary/);
  expect(fs.readdirSync(`${t.rootDir}/containers`)).toEqual([]); // the failed create left nothing behind
  await t.clients.rt('CreateContainer', { pod_sandbox_id: podId, config: containerConfig('dup', ['true']) });
  await expect(t.clients.rt('CreateContainer', { pod_sandbox_id: podId, config: containerConfig('dup', ['true']) })).rejects.toMatchObject({ code: 9 });
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
  expect(((await t.clients.rt('ListContainers', { filter: { pod_sandbox_id: podId } })) as { containers: unknown[] }).containers).toEqual([]);
});

test('containers of a pod share IPC, UTS and network namespaces; PID only when asked', async () => {
  const cfg = podConfig('shared');
  const { pod_sandbox_id: podId } = (await t.clients.rt('RunPodSandbox', { config: cfg })) as { pod_sandbox_id: string };
  const start = async (name: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const { container_id } = (await t.clients.rt('CreateContainer', { pod_sandbox_id: podId, config: containerConfig(name, ['sleep', '1000'], extra), sandbox_config: cfg })) as { container_id: string };
    await t.clients.rt('StartContainer', { container_id });
    return container_id;
  };
  const a = await start('a');
  const b = await start('b');
  const c = await start('c', { linux: { security_context: { namespace_options: { pid: 0 /* POD */, network: 0, ipc: 0 } } } });
  const ns = async (id: string): Promise<Record<string, string>> => {
    const r = (await t.clients.rt('ExecSync', { container_id: id, cmd: ['sh', '-c', 'for n in ipc uts net pid; do echo $n=$(readlink /proc/self/ns/$n); done'], timeout: 10 })) as { stdout: Buffer };
    return Object.fromEntries(r.stdout.toString().trim().split('\n').map((l) => l.split('=') as [string, string]));
  };
  const [na, nb, nc] = [await ns(a), await ns(b), await ns(c)];
  expect(na['ipc']).toBe(nb['ipc']);
  expect(na['uts']).toBe(nb['uts']);
  expect(na['net']).toBe(nb['net']);
  expect(na['pid']).not.toBe(nb['pid']);
  expect(nc['ipc']).toBe(na['ipc']);
  const ps = (await t.clients.rt('ExecSync', { container_id: c, cmd: ['ps', '-o', 'args'], timeout: 10 })) as { stdout: Buffer };
  expect(ps.stdout.toString()).toContain('sleep infinity'); // the pod's infra process is visible with pid: POD
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
});

test('streaming Exec with a TTY and stdin (interactive shell)', async () => {
  const { podId, ctrId } = await runPod(t.clients, 'ttypod', ['sleep', '1000']);
  const { url } = (await t.clients.rt('Exec', { container_id: ctrId, cmd: ['sh'], tty: true, stdin: true, stdout: true, stderr: true })) as { url: string };
  const { default: WebSocket } = await import('ws');
  const res = await new Promise<{ out: string; status: string }>((resolve, reject) => {
    const ws = new WebSocket(url, ['v5.channel.k8s.io']);
    const r = { out: '', status: '' };
    ws.on('open', () => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('tty; echo marker-$((6*7))\nexit 2\n')])));
    ws.on('message', (d: Buffer) => {
      if (d[0] === 1) r.out += d.subarray(1).toString();
      if (d[0] === 3) r.status += d.subarray(1).toString();
    });
    ws.on('close', () => resolve(r));
    ws.on('error', reject);
  });
  expect(res.out).toMatch(/\/dev\/pts\/\d+/);
  expect(res.out).toContain('marker-42');
  expect(JSON.parse(res.status)).toMatchObject({ status: 'Failure', details: { causes: [{ message: '2' }] } });
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
});
