// A restarted runtime rediscovers its sandboxes and containers from disk (records, runc state, conmon exit files).
import * as fs from 'node:fs';
import { containerConfig, containerStatus, runPod, startTestRuntime, waitExited, type TestRuntime } from '../harness/runtime';

jest.setTimeout(120000);

let t: TestRuntime;
beforeAll(async () => {
  t = await startTestRuntime(203);
});
afterAll(async () => {
  await t?.cleanup();
});

test('state survives a runtime restart, including exits that happened while it was down', async () => {
  const { podId, ctrId: longId } = await runPod(t.clients, 'survivor', ['sleep', '1000']);
  const { container_id: shortId } = (await t.clients.rt('CreateContainer', { pod_sandbox_id: podId, config: containerConfig('short', ['sh', '-c', 'sleep 1; exit 4']) })) as { container_id: string };
  await t.clients.rt('StartContainer', { container_id: shortId });
  const before = (await t.clients.rt('PodSandboxStatus', { pod_sandbox_id: podId })) as { status: { network: { ip: string } } };

  await t.stop();
  await new Promise((r) => setTimeout(r, 2000)); // `short` exits while nobody is listening
  await t.restart();

  const sb = (await t.clients.rt('PodSandboxStatus', { pod_sandbox_id: podId })) as { status: { state: number; network: { ip: string } } };
  expect(sb.status.state).toBe(0);
  expect(sb.status.network.ip).toBe(before.status.network.ip);
  expect(await containerStatus(t.clients, longId)).toMatchObject({ state: 1 });
  expect(await waitExited(t.clients, shortId)).toMatchObject({ exit_code: 4, reason: 'Error' });
  const r = (await t.clients.rt('ExecSync', { container_id: longId, cmd: ['echo', 'still here'], timeout: 10 })) as { stdout: Buffer };
  expect(r.stdout.toString()).toBe('still here\n');
  const list = (await t.clients.rt('ListContainers', {})) as { containers: { id: string }[] };
  expect(list.containers.map((c) => c.id).sort()).toEqual([longId, shortId].sort());

  await t.clients.rt('StopContainer', { container_id: longId, timeout: 1 });
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
  const left = fs.existsSync(`/sys/fs/cgroup/memory/ktstest${t.n}`) ? fs.readdirSync(`/sys/fs/cgroup/memory/ktstest${t.n}`, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
  expect(left).toEqual([]);
});
