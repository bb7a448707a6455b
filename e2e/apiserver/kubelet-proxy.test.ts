// pods/log and pods/exec pass through the apiserver to the node's kubelet (a fake one here), driven by the real
// kubectl 1.32 (WebSocket v5.channel.k8s.io for exec).
import * as http from 'node:http';
import * as https from 'node:https';
import { WebSocket } from 'ws';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { call } from './http';
import { startFakeKubelet, registerFakeNodeAndPod, execSuccess, type FakeKubelet } from '../harness/fake-kubelet';

let t: TestApiServer;
let kubelet: FakeKubelet;
let seen: string[] = [];

beforeAll(async () => {
  t = await startTestApiServer();
  kubelet = await startFakeKubelet({
    spdyEcho: true,
    exec: (ws, cmd, send) => {
      send(1, `${cmd.slice(1).join(' ')}\n`);
      const exit = cmd[0] === 'fail' ? { status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } } : execSuccess;
      send(3, JSON.stringify(exit));
      ws.close(1000);
    },
  });
  seen = kubelet.seen;
  await registerFakeNodeAndPod(t.url, kubelet.port, { containers: ['main'] });
}, 90_000);

afterAll(async () => {
  await kubelet?.close();
  await t?.stop();
}, 60_000);

describe('kubelet passthrough', () => {
  it('kubectl logs streams the kubelet response', async () => {
    const r = await t.kubectl(['logs', 'runner', '--tail=5']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('line one\nline two\n');
    expect(seen).toContain('GET /containerLogs/default/runner/main?tailLines=5');
  });

  it('kubectl exec goes through as a WebSocket', async () => {
    let r = await t.kubectl(['exec', 'runner', '--', 'echo', 'hi', 'there']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hi there\n');
    expect(seen.some((s) => s.startsWith('UPGRADE /exec/default/runner/main?'))).toBe(true);
    r = await t.kubectl(['exec', 'runner', '--', 'fail', 'x']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('command terminated with exit code 3');
  });

  it('portforward SPDY upgrades pass bytes both ways', async () => {
    const { res, socket } = await new Promise<{ res: http.IncomingMessage; socket: import('node:net').Socket }>((resolve, reject) => {
      const r = https.request(`${t.url}/api/v1/namespaces/default/pods/runner/portforward`, {
        method: 'POST',
        ca: t.creds.ca,
        ...(t.creds.cert && t.creds.key ? { cert: t.creds.cert, key: t.creds.key } : {}),
        headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'portforward.k8s.io' },
      });
      r.on('upgrade', (res, socket) => resolve({ res, socket }));
      r.on('error', reject);
      r.end();
    });
    expect(res.statusCode).toBe(101);
    expect(res.headers['x-stream-protocol-version']).toBe('portforward.k8s.io');
    const reply = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
    socket.write('ping');
    expect(await reply).toBe('echo:ping');
    socket.destroy();
    expect(seen).toContain('UPGRADE /portforward/default/runner');
  });

  it('upgrades for unknown pods are 404 Status', async () => {
    const ws = new WebSocket(`${t.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/ghost/exec?command=ls`, 'v5.channel.k8s.io', { ca: t.creds.ca, ...(t.creds.cert && t.creds.key ? { cert: t.creds.cert, key: t.creds.key } : {}) });
    const code = await new Promise<number>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', reject);
    });
    expect(code).toBe(404);
  });

  it('logs for an unscheduled pod is a 400', async () => {
    await call(t.url, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });
    const r = await call(t.url, 'GET', '/api/v1/namespaces/default/pods/pending/log');
    expect(r.code).toBe(400);
  });
});
