import * as http from 'node:http';
import * as net from 'node:net';
import type { Container, Probe } from '@kubets/api';
import { runProbe, ProbeState } from './probes';

const c = { name: 'c', ports: [{ name: 'web', containerPort: 0 }] } as unknown as Container;
const exec = async (_id: string, cmd: string[]) => ({ stdout: Buffer.from(cmd.join(' ')), stderr: Buffer.alloc(0), exitCode: cmd[0] === 'ok' ? 0 : 1 });

describe('runProbe', () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(req.url === '/healthy' ? 200 : 500);
      res.end('body');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const t = { podIP: '127.0.0.1', containerId: 'id', exec };

  it.each<[string, Probe, 'success' | 'failure']>([
    ['exec ok', { exec: { command: ['ok'] } }, 'success'],
    ['exec fail', { exec: { command: ['bad'] } }, 'failure'],
    ['http 200', { httpGet: { path: '/healthy', port: 0 } }, 'success'],
    ['http 500', { httpGet: { path: '/sick', port: 0 } }, 'failure'],
    ['tcp open', { tcpSocket: { port: 0 } }, 'success'],
  ])('%s', async (_n, probe, want) => {
    const pr = JSON.parse(JSON.stringify(probe).replace(/"port":0/g, `"port":${port}`)) as Probe;
    expect((await runProbe(pr, c, t)).result).toBe(want);
  });
  it('http failure message', async () => expect((await runProbe({ httpGet: { path: '/sick', port } } as Probe, c, t)).output).toBe('HTTP probe failed with statuscode: 500'));
  it('tcp closed port fails', async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const closed = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    expect((await runProbe({ tcpSocket: { port: closed } } as Probe, c, t)).result).toBe('failure');
  });
});

describe('ProbeState thresholds', () => {
  it('liveness needs failureThreshold consecutive failures; success resets', () => {
    const s = new ProbeState('liveness', { failureThreshold: 3, periodSeconds: 5, initialDelaySeconds: 10 } as Probe, 0);
    expect(s.result).toBe('success');
    expect(s.due(9_999)).toBe(false);
    expect(s.due(10_000)).toBe(true);
    s.observe({ result: 'failure', output: '' }, 10_000);
    expect(s.due(14_999)).toBe(false);
    s.observe({ result: 'failure', output: '' }, 15_000);
    s.observe({ result: 'success', output: '' }, 20_000);
    s.observe({ result: 'failure', output: '' }, 25_000);
    s.observe({ result: 'failure', output: '' }, 30_000);
    expect(s.result).toBe('success');
    s.observe({ result: 'failure', output: '' }, 35_000);
    expect(s.result).toBe('failure');
  });
  it('readiness starts failed and needs successThreshold successes', () => {
    const s = new ProbeState('readiness', { successThreshold: 2 } as Probe, 0);
    expect(s.result).toBe('failure');
    s.observe({ result: 'success', output: '' }, 1);
    expect(s.result).toBe('failure');
    s.observe({ result: 'success', output: '' }, 2);
    expect(s.result).toBe('success');
  });
});

describe('grpc probe (grpc.health.v1)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
  let server: import('@grpc/grpc-js').Server;
  let port = 0;
  const statuses: Record<string, number> = { '': 1, sick: 2 };
  beforeAll(async () => {
    server = new grpc.Server();
    const def = {
      Check: {
        path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false,
        requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => ({ service: b.length >= 2 && b[0] === 0x0a ? b.subarray(2, 2 + (b[1] ?? 0)).toString() : '' }),
        responseSerialize: (s: number) => Buffer.from([0x08, s]), responseDeserialize: (b: Buffer) => b,
      },
    };
    server.addService(def as unknown as import('@grpc/grpc-js').ServiceDefinition, {
      Check: (call: { request: { service: string } }, cb: (e: null, r: number) => void) => cb(null, statuses[call.request.service] ?? 3),
    });
    port = await new Promise<number>((r, j) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? j(e) : r(p))));
  });
  afterAll(() => server.forceShutdown());
  const t = { podIP: '127.0.0.1', containerId: 'id', exec };
  it('SERVING is success, NOT_SERVING is failure', async () => {
    const ok = await runProbe({ grpc: { port } } as Probe, c, t);
    expect(ok).toEqual({ result: 'success', output: '' });
    const sick = await runProbe({ grpc: { port, service: 'sick' } } as Probe, c, t);
    expect(sick).toEqual({ result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
  });
});
