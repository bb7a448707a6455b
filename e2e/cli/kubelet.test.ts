// kts logs / exec through the apiserver to a fake kubelet (HTTP for logs, WebSocket v5.channel.k8s.io for exec).
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { call } from '../apiserver/http';
import { startFakeKubelet, registerFakeNodeAndPod, execSuccess, type FakeKubelet } from '../harness/fake-kubelet';
import { PassThrough } from 'node:stream';
import { Buffered, kubectl } from '../../cli/src/kubectl';
import { kts } from './kts';

async function waitFor(fn: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let t: TestApiServer;
let kubelet: FakeKubelet;
let seen: string[] = [];

const ok = execSuccess;

beforeAll(async () => {
  t = await startTestApiServer();
  kubelet = await startFakeKubelet({
    exec: (ws, cmd, send) => {
      if (cmd[0] === 'tty') {
        // report the terminal size, echo stdin, finish when stdin closes
        ws.on('message', (m: Buffer) => {
          if (m[0] === 4) send(1, `resize ${m.subarray(1).toString()}\n`);
          if (m[0] === 0) send(1, m.subarray(1).toString());
          if (m[0] === 255 && m[1] === 0) {
            send(3, JSON.stringify(ok));
            ws.close(1000);
          }
        });
        return;
      }
      if (cmd[0] === 'cat') {
        // echo stdin until the client closes it (v5 close frame: 255, 0)
        ws.on('message', (m: Buffer) => {
          if (m[0] === 0) send(1, m.subarray(1).toString());
          if (m[0] === 255 && m[1] === 0) {
            send(3, JSON.stringify(ok));
            ws.close(1000);
          }
        });
        return;
      }
      if (cmd[0] === 'fail') {
        send(2, 'oops\n');
        send(3, JSON.stringify({ status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code', details: { causes: [{ reason: 'ExitCode', message: '3' }] } }));
      } else {
        send(1, `${cmd.slice(1).join(' ')}\n`);
        send(3, JSON.stringify(ok));
      }
      ws.close(1000);
    },
  });
  seen = kubelet.seen;
  await registerFakeNodeAndPod(t.url, kubelet.port, { labels: { app: 'runner' }, containers: ['main', 'side'] });
  const d = await call(t.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'runner' }, spec: { selector: { matchLabels: { app: 'runner' } }, template: { metadata: { labels: { app: 'runner' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } } } });
  expect(d.code).toBe(201);
}, 90_000);

afterAll(async () => {
  await kubelet?.close();
  await t?.stop();
}, 60_000);

describe('kts logs', () => {
  it('streams a container log with --tail and -c', async () => {
    const r = await kts(t, ['logs', 'runner', '-c', 'side', '--tail=5', '--timestamps']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('line one\nline two\n');
    expect(seen.some((s) => s.startsWith('GET /containerLogs/default/runner/side?') && s.includes('tailLines=5') && s.includes('timestamps=true'))).toBe(true);
  });

  it('defaults the container and picks a pod for deploy/NAME', async () => {
    const r = await kts(t, ['logs', 'deploy/runner']);
    expect(r.stderr).toBe('Defaulted container "main" out of: main, side\n');
    expect(r.stdout).toBe('line one\nline two\n');
  });
});

describe('kts exec', () => {
  it('runs a command and prints its stdout', async () => {
    const r = await kts(t, ['exec', 'runner', '-c', 'main', '--', 'echo', 'hi', 'there']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hi there\n');
    expect(seen.some((s) => s.startsWith('UPGRADE /exec/default/runner/main?'))).toBe(true);
  });

  it('passes stdin with -i and closes it at EOF', async () => {
    const r = await kts(t, ['exec', '-i', 'runner', '-c', 'main', '--', 'cat'], { input: 'some input\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('some input\n');
  });

  it('-it puts a terminal stdin in raw mode and sends its size', async () => {
    const input = new PassThrough() as PassThrough & { setRawMode(on: boolean): void; isTTY: boolean };
    const raw: boolean[] = [];
    input.setRawMode = (on: boolean) => void raw.push(on);
    input.isTTY = true;
    const out = new Buffered();
    const err = new Buffered();
    const done = kubectl(['exec', '--kubeconfig', t.kubeconfig, '-it', 'runner', '-c', 'main', '--', 'tty'], { out, err, in: input, stdinIsTTY: true });
    await waitFor(() => out.text.includes('resize'));
    input.end('typed');
    expect(await done).toBe(0);
    expect(err.text).toBe('');
    expect(out.text).toBe('resize {"Width":80,"Height":24}\ntyped');
    expect(raw).toEqual([true, false]);
    const upgrade = seen.filter((s) => s.startsWith('UPGRADE /exec/default/runner/main?')).pop()!;
    expect(upgrade).toContain('tty=true');
    expect(upgrade).not.toContain('stderr=true');
  });

  it('exits with the remote exit code', async () => {
    const r = await kts(t, ['exec', 'runner', '-c', 'main', '--', 'fail']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('oops\ncommand terminated with exit code 3\n');
  });

  it('reports an unknown pod as NotFound', async () => {
    const r = await kts(t, ['exec', 'ghost', '--', 'ls']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): pods "ghost" not found\n');
  });
});
