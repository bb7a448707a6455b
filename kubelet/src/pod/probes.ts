// Probes (liveness, readiness, startup): exec via CRI ExecSync, httpGet and tcpSocket from the host to the pod IP,
// grpc via grpc.health.v1. ProbeWorker tracks thresholds; the pod worker asks it for results.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Probe, Container } from '@kubets/api';

export type ProbeResult = 'success' | 'failure';
export interface ProbeOutcome { result: ProbeResult; output: string }

export interface ProbeTarget {
  podIP: string;
  containerId: string;
  exec(id: string, cmd: string[], timeoutSeconds: number): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }>;
}

function portOf(c: Container, p: number | string | undefined): number {
  if (typeof p === 'number') return p;
  if (p === undefined) return 0;
  if (/^\d+$/.test(p)) return Number(p);
  return (c.ports ?? []).find((x) => x.name === p)?.containerPort ?? 0;
}

function httpProbe(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: 'GET', headers: { 'User-Agent': 'kube-probe/1.32', Accept: '*/*', ...headers }, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body.length < 10240 ? (body += d.toString()) : undefined));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { result: 'success', output: body } : { result: 'failure', output: `HTTP probe failed with statuscode: ${code}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url.href}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (e) => resolve({ result: 'failure', output: e.message.startsWith('Get ') ? e.message : `Get "${url.href}": ${e.message}` }));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => (s.destroy(), resolve({ result: 'failure', output: `dial tcp ${host}:${port}: i/o timeout` })), timeoutMs);
    s.on('connect', () => (clearTimeout(t), s.destroy(), resolve({ result: 'success', output: '' })));
    s.on('error', (e) => (clearTimeout(t), resolve({ result: 'failure', output: `dial tcp ${host}:${port}: ${e.message}` })));
  });
}

function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const client = new grpc.Client(`${host}:${port}`, grpc.credentials.createInsecure());
    // grpc.health.v1.HealthCheckRequest { string service = 1 }; response { ServingStatus status = 1 } (SERVING = 1).
    const ser = (r: { service: string }): Buffer => {
      const b = Buffer.from(r.service);
      return b.length ? Buffer.concat([Buffer.from([0x0a, b.length]), b]) : Buffer.alloc(0);
    };
    const de = (b: Buffer): { status: number } => ({ status: b.length >= 2 && b[0] === 0x08 ? (b[1] ?? 0) : 0 });
    client.makeUnaryRequest('/grpc.health.v1.Health/Check', ser, de, { service }, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      if (err) resolve({ result: 'failure', output: `timeout: failed to connect service "${host}:${port}" within ${timeoutMs / 1000}s: ${err.message}` });
      else if (res?.status === 1) resolve({ result: 'success', output: '' });
      else resolve({ result: 'failure', output: `service unhealthy (responded with "${['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'][res?.status ?? 0]}")` });
    });
  });
}

/** Runs one probe attempt. */
export async function runProbe(probe: Probe, c: Container, t: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutS = probe.timeoutSeconds ?? 1;
  const timeoutMs = timeoutS * 1000;
  try {
    if (probe.exec) {
      const r = await t.exec(t.containerId, probe.exec.command ?? [], timeoutS);
      const out = (r.stdout.toString() + r.stderr.toString()).slice(0, 10240);
      return r.exitCode === 0 ? { result: 'success', output: out } : { result: 'failure', output: out || `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} exited with ${r.exitCode}` };
    }
    if (probe.httpGet) {
      const g = probe.httpGet;
      const host = g.host || t.podIP;
      const scheme = (g.scheme ?? 'HTTP').toLowerCase();
      const p = g.path ?? '/';
      const url = new URL(`${scheme}://${host.includes(':') ? `[${host}]` : host}:${portOf(c, g.port as number | string)}${p.startsWith('/') ? p : '/' + p}`);
      const headers: Record<string, string> = {};
      for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
      return await httpProbe(url, headers, timeoutMs);
    }
    if (probe.tcpSocket) return await tcpProbe(probe.tcpSocket.host || t.podIP, portOf(c, probe.tcpSocket.port as number | string), timeoutMs);
    if (probe.grpc) return await grpcProbe(t.podIP, probe.grpc.port, probe.grpc.service ?? '', timeoutMs);
  } catch (e) {
    return { result: 'failure', output: (e as Error).message };
  }
  return { result: 'failure', output: 'probe has no handler' };
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** Threshold bookkeeping for one probe of one container instance. */
export class ProbeState {
  result: ProbeResult | undefined;
  private successes = 0;
  private failures = 0;
  lastRun = 0;
  lastOutput = '';
  constructor(readonly kind: ProbeKind, readonly probe: Probe, readonly startedAt: number) {
    // Readiness starts as failure; liveness/startup count as success until they fail (upstream defaults).
    this.result = kind === 'readiness' ? 'failure' : kind === 'startup' ? undefined : 'success';
  }

  due(now: number): boolean {
    const initial = (this.probe.initialDelaySeconds ?? 0) * 1000;
    if (now < this.startedAt + initial) return false;
    return this.lastRun === 0 || now >= this.lastRun + (this.probe.periodSeconds ?? 10) * 1000;
  }

  /** Next time a probe is due. */
  nextAt(): number {
    const initial = this.startedAt + (this.probe.initialDelaySeconds ?? 0) * 1000;
    return this.lastRun === 0 ? initial : Math.max(initial, this.lastRun + (this.probe.periodSeconds ?? 10) * 1000);
  }

  /** Feeds one attempt's result; returns true when the thresholded result changed. */
  observe(o: ProbeOutcome, now: number): boolean {
    this.lastRun = now;
    this.lastOutput = o.output;
    const before = this.result;
    if (o.result === 'success') {
      this.failures = 0;
      this.successes++;
      if (this.successes >= (this.kind === 'readiness' ? (this.probe.successThreshold ?? 1) : 1)) this.result = 'success';
    } else {
      this.successes = 0;
      this.failures++;
      if (this.failures >= (this.probe.failureThreshold ?? 3)) this.result = 'failure';
    }
    return before !== this.result;
  }
}
