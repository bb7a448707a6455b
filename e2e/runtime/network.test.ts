// Pod networking through the runtime: pod-to-pod by IP, hostPort via portmap, isolation, streaming exec/port-forward.
import WebSocket from 'ws';
import { execFileSync } from 'node:child_process';
import { cleanupPortmapChains, makeClientNetns, runPod, startTestRuntime, type TestRuntime } from '../harness/runtime';

jest.setTimeout(120000);

let t: TestRuntime;
let client: ReturnType<typeof makeClientNetns> | undefined;
beforeAll(async () => {
  t = await startTestRuntime(202);
});
afterAll(async () => {
  client?.remove();
  await t?.cleanup();
  cleanupPortmapChains();
});

async function ipOf(podId: string): Promise<string> {
  const st = (await t.clients.rt('PodSandboxStatus', { pod_sandbox_id: podId })) as { status: { network: { ip: string } } };
  return st.status.network.ip;
}

async function exec(ctrId: string, cmd: string[]): Promise<{ out: string; code: number }> {
  const r = (await t.clients.rt('ExecSync', { container_id: ctrId, cmd, timeout: 15 })) as { stdout: Buffer; stderr: Buffer; exit_code: number };
  return { out: r.stdout.toString() + r.stderr.toString(), code: r.exit_code };
}

const HTTPD = ['sh', '-c', 'mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www'];

test('two pods reach each other by pod IP; hostPort works; pods are isolated', async () => {
  const a = await runPod(t.clients, 'web', HTTPD, { pod: { port_mappings: [{ protocol: 0, container_port: 80, host_port: 30000 + t.n }] } });
  const b = await runPod(t.clients, 'client', ['sleep', '1000']);
  const ipA = await ipOf(a.podId);
  const ipB = await ipOf(b.podId);
  expect(ipA).not.toEqual(ipB);

  // pod B -> pod A by IP
  let r = { out: '', code: 1 };
  for (let i = 0; i < 50 && r.code !== 0; i++) {
    r = await exec(b.ctrId, ['timeout', '5', 'wget', '-qO-', `http://${ipA}/`]);
    if (r.code !== 0) await new Promise((res) => setTimeout(res, 100));
  }
  expect(r).toEqual({ out: 'hello from web\n', code: 0 });

  // hostPort, from a client netns the test created, via the node's bridge address
  client = makeClientNetns(t);
  expect(client.exec(['busybox', 'wget', '-qO-', `http://${t.gateway}:${30000 + t.n}/`])).toBe('hello from web\n');
  // and hairpin: pod A reaches itself through its hostPort
  expect(await exec(a.ctrId, ['timeout', '5', 'wget', '-qO-', `http://${t.gateway}:${30000 + t.n}/`])).toEqual({ out: 'hello from web\n', code: 0 });

  // isolation: no host processes, no other pod's files
  const ps = await exec(b.ctrId, ['ls', '/proc']);
  const pids = ps.out.split('\n').filter((l) => /^\d+$/.test(l));
  expect(pids).not.toContain(String(process.pid));
  expect(pids.length).toBeLessThan(5);
  await exec(a.ctrId, ['sh', '-c', 'echo secret > /tmp/only-in-a']);
  expect((await exec(b.ctrId, ['ls', '/tmp/only-in-a'])).code).not.toBe(0);
  expect((await exec(b.ctrId, ['ls', '/www'])).code).not.toBe(0);

  // streaming exec over WebSocket (v5.channel.k8s.io)
  const { url } = (await t.clients.rt('Exec', { container_id: b.ctrId, cmd: ['sh', '-c', 'read x; echo got:$x; echo e >&2; exit 3'], stdin: true, stdout: true, stderr: true })) as { url: string };
  const got = await new Promise<{ out: string; err: string; status: string }>((resolve, reject) => {
    const ws = new WebSocket(url, ['v5.channel.k8s.io']);
    const res = { out: '', err: '', status: '' };
    ws.on('open', () => {
      ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('abc\n')]));
      ws.send(Buffer.from([255, 0]));
    });
    ws.on('message', (d: Buffer) => {
      const ch = d[0];
      const body = d.subarray(1).toString();
      if (ch === 1) res.out += body;
      else if (ch === 2) res.err += body;
      else if (ch === 3) res.status += body;
    });
    ws.on('close', () => resolve(res));
    ws.on('error', reject);
  });
  expect(got.out).toBe('got:abc\n');
  expect(got.err).toBe('e\n');
  expect(JSON.parse(got.status)).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } });

  // port-forward to pod A's port 80 (connects inside the pod netns)
  const pf = (await t.clients.rt('PortForward', { pod_sandbox_id: a.podId, port: [80] })) as { url: string };
  const body = await new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(`${pf.url}?port=80`, ['portforward.kts.v1']);
    let data = '';
    ws.on('open', () => ws.send(Buffer.from('GET / HTTP/1.0\r\nHost: x\r\n\r\n')));
    ws.on('message', (d: Buffer) => (data += d.toString()));
    ws.on('close', () => resolve(data));
    ws.on('error', reject);
  });
  expect(body).toMatch(/^HTTP\/1\.[01] 200/);
  expect(body).toContain('hello from web');

  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: a.podId });
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: b.podId });
  // portmap removed its DNAT rule for this pod
  const nat = execFileSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  expect(nat).not.toContain(`--dport ${30000 + t.n}`);
});

test('hostNetwork pod shares the host network namespace', async () => {
  const p = await runPod(t.clients, 'hostnet', ['sleep', '1000'], { pod: { linux: { security_context: { namespace_options: { network: 2 } } } } });
  const st = (await t.clients.rt('PodSandboxStatus', { pod_sandbox_id: p.podId })) as { status: { network: { ip: string }; linux: { namespaces: { options: { network: number } } } } };
  expect(st.status.linux.namespaces.options.network).toBe(2);
  const links = await exec(p.ctrId, ['cat', '/sys/class/net/kts-guard/operstate']);
  expect(links.code).toBe(0);
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: p.podId });
});

test('concurrent RunPodSandbox calls get distinct IPs', async () => {
  const cfgs = Array.from({ length: 8 }, (_, i) => ({ metadata: { name: `par${i}`, uid: `par${i}-${process.pid}`, namespace: 'default', attempt: 0 }, hostname: `par${i}`, labels: { group: 'par' }, annotations: {}, port_mappings: [] }));
  const ids = await Promise.all(cfgs.map(async (config) => ((await t.clients.rt('RunPodSandbox', { config })) as { pod_sandbox_id: string }).pod_sandbox_id));
  const ips = await Promise.all(ids.map(ipOf));
  expect(new Set(ips).size).toBe(8);
  const list = (await t.clients.rt('ListPodSandbox', { filter: { label_selector: { group: 'par' }, state: { state: 0 } } })) as { items: unknown[] };
  expect(list.items).toHaveLength(8);
  await Promise.all(ids.map((id) => t.clients.rt('RemovePodSandbox', { pod_sandbox_id: id })));
});
