// Streaming server for CRI Exec, Attach and PortForward (the kubelet proxies to the URLs CRI returns).
//
// Protocol (documented for the kubelet):
// * Exec  GET /exec/<token>   WebSocket, subprotocol v5.channel.k8s.io (v4.channel.k8s.io accepted). Binary frames whose
//   first byte is the channel: 0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status JSON sent once at the end:
//   status Success, or Failure with reason NonZeroExitCode and details.causes[{reason:"ExitCode",message:"<n>"}]),
//   4 resize (ignored), 255 close (v5: payload [255, channel] closes that input channel). With tty=true the process
//   gets a terminal (via util-linux `script` + `runc exec -t`) and all output arrives on stdout.
// * Attach GET /attach/<token>: same framing; streams the container's stdout/stderr (read from its CRI log, starting
//   at the current end) until the container exits. Stdin is not supported.
// * PortForward GET /portforward/<token>?port=<n>: WebSocket (subprotocol portforward.kts.v1), one WebSocket per TCP
//   connection; binary frames are raw bytes in both directions. The runtime connects to 127.0.0.1:<n> inside the pod's
//   network namespace. Closing either side closes the other: with 1000, or 1011 and the error (e.g. connection refused)
//   as the reason when the connection to the pod port failed.
// Tokens are single-use and expire after 60 s. GET /healthz answers "ok"; GET /metrics serves Prometheus metrics.
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { parseCriLogLine } from './cri-log';
import type { Registry } from 'prom-client';

export type StreamRequest =
  | { kind: 'exec'; containerId: string; cmd: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }
  | { kind: 'attach'; containerId: string; stdout: boolean; stderr: boolean }
  | { kind: 'portforward'; sandboxId: string; ports: number[] };

export interface StreamBackend {
  /** Spawns the exec process (runc exec) for a running container. */
  spawnExec(containerId: string, cmd: string[], tty: boolean): ReturnType<typeof spawn>;
  /** Log path and a liveness check for attach. */
  attachInfo(containerId: string): { logPath: string; running: () => boolean };
  /** netns path ('host' for hostNetwork pods) for port-forward. */
  netnsOf(sandboxId: string): string;
  busybox: string;
}

const CH = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;
const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'];

function frame(ch: number, data: Buffer | string): Buffer {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return Buffer.concat([Buffer.from([ch]), b]);
}

export function execStatus(code: number): string {
  if (code === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command, exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

/** nc's complaint (e.g. "can't connect to remote host (127.0.0.1): Connection refused") as a close reason (<=123 bytes). */
function portForwardError(stderr: string, port: number, code: number | null): string {
  const line = stderr.split('\n').map((l) => l.replace(/^(nc|nsenter): /, '').trim()).find(Boolean) ?? `forwarding to port ${port} failed (exit ${code ?? 'signal'})`;
  let b = Buffer.from(line);
  if (b.length > 123) b = b.subarray(0, 120);
  return b.toString('utf8').replace(/\uFFFD$/, '');
}

export class StreamingServer {
  private server: http.Server;
  private wss: WebSocketServer;
  private tokens = new Map<string, { req: StreamRequest; expires: number }>();
  private baseUrl = '';

  constructor(private readonly backend: StreamBackend, private readonly metrics?: Registry) {
    this.server = http.createServer((req, res) => void this.onHttp(req, res));
    this.wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols) => {
        for (const p of [...EXEC_PROTOCOLS, 'portforward.kts.v1']) if (protocols.has(p)) return p;
        return false;
      },
    });
    this.server.on('upgrade', (req, socket, head) => {
      const m = /^\/(exec|attach|portforward)\/([0-9a-f]+)/.exec(req.url ?? '');
      const entry = m?.[2] ? this.tokens.get(m[2]) : undefined;
      if (!m || !m[2] || !entry || entry.expires < Date.now() || entry.req.kind !== m[1]) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.tokens.delete(m[2]);
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, entry.req, new URL(req.url ?? '/', 'http://x')));
    });
  }

  async listen(host: string, port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const a = this.server.address() as AddressInfo;
    this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${a.port}`;
    return this.baseUrl;
  }

  /** Registers a request and returns its single-use URL. */
  url(req: StreamRequest): string {
    const now = Date.now();
    for (const [k, v] of this.tokens) if (v.expires < now) this.tokens.delete(k);
    const token = crypto.randomBytes(16).toString('hex');
    this.tokens.set(token, { req, expires: now + 60_000 });
    return `${this.baseUrl}/${req.kind}/${token}`;
  }

  async close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeAllConnections();
    await closed;
  }

  private async onHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.url === '/healthz') {
      res.end('ok');
      return;
    }
    if (req.url === '/metrics' && this.metrics) {
      res.setHeader('Content-Type', this.metrics.contentType);
      res.end(await this.metrics.metrics());
      return;
    }
    res.statusCode = req.url && /^\/(exec|attach|portforward)\//.test(req.url) ? 400 : 404;
    res.end(res.statusCode === 400 ? 'WebSocket upgrade required\n' : 'not found\n');
  }

  private onSocket(ws: WebSocket, req: StreamRequest, url: URL): void {
    if (req.kind === 'exec') this.exec(ws, req);
    else if (req.kind === 'attach') this.attach(ws, req);
    else this.portForward(ws, req, Number(url.searchParams.get('port') ?? req.ports[0] ?? 0));
  }

  private exec(ws: WebSocket, req: Extract<StreamRequest, { kind: 'exec' }>): void {
    let child: ReturnType<typeof spawn>;
    try {
      child = this.backend.spawnExec(req.containerId, req.cmd, req.tty);
    } catch (e) {
      ws.send(frame(CH.error, JSON.stringify({ metadata: {}, status: 'Failure', message: (e as Error).message })));
      ws.close();
      return;
    }
    // With a TTY the terminal must stay open until the process ends (script exits when its input closes).
    if (!req.stdin && !req.tty) child.stdin?.end();
    child.stdout?.on('data', (b: Buffer) => req.stdout && ws.send(frame(CH.stdout, b)));
    child.stderr?.on('data', (b: Buffer) => req.stderr && ws.send(frame(CH.stderr, b)));
    child.stdin?.on('error', () => undefined);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const b = isBinary ? data : Buffer.from(data);
      if (!b.length) return;
      if (b[0] === CH.stdin && req.stdin) child.stdin?.write(b.subarray(1));
      else if (b[0] === CH.close && b[1] === CH.stdin && !req.tty) child.stdin?.end();
    });
    ws.on('close', () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('close', (code) => {
      if (ws.readyState === ws.OPEN) {
        ws.send(frame(CH.error, execStatus(code ?? 1)));
        ws.close(1000);
      }
    });
  }

  private attach(ws: WebSocket, req: Extract<StreamRequest, { kind: 'attach' }>): void {
    let info: ReturnType<StreamBackend['attachInfo']>;
    try {
      info = this.backend.attachInfo(req.containerId);
    } catch (e) {
      ws.send(frame(CH.error, JSON.stringify({ metadata: {}, status: 'Failure', message: (e as Error).message })));
      ws.close();
      return;
    }
    let pos = fs.existsSync(info.logPath) ? fs.statSync(info.logPath).size : 0;
    let partial = '';
    const pump = (): void => {
      let fd: number;
      try {
        fd = fs.openSync(info.logPath, 'r');
      } catch {
        return;
      }
      try {
        const size = fs.fstatSync(fd).size;
        if (size < pos) pos = 0; // rotated
        if (size > pos) {
          const buf = Buffer.alloc(size - pos);
          fs.readSync(fd, buf, 0, buf.length, pos);
          pos = size;
          const text = partial + buf.toString('utf8');
          const lines = text.split('\n');
          partial = lines.pop() ?? '';
          for (const l of lines) {
            const p = parseCriLogLine(l);
            if (!p) continue;
            const ch = p.stream === 'stdout' ? CH.stdout : CH.stderr;
            if ((ch === CH.stdout && req.stdout) || (ch === CH.stderr && req.stderr)) ws.send(frame(ch, p.tag === 'F' ? `${p.content}\n` : p.content));
          }
        }
      } finally {
        fs.closeSync(fd);
      }
    };
    const timer = setInterval(() => {
      pump();
      if (!info.running()) {
        pump();
        clearInterval(timer);
        if (ws.readyState === ws.OPEN) {
          ws.send(frame(CH.error, execStatus(0)));
          ws.close(1000);
        }
      }
    }, 100);
    ws.on('close', () => clearInterval(timer));
  }

  private portForward(ws: WebSocket, req: Extract<StreamRequest, { kind: 'portforward' }>, port: number): void {
    if (!Number.isInteger(port) || port <= 0 || port > 65535 || (req.ports.length && !req.ports.includes(port))) {
      ws.close(1008, 'port not allowed');
      return;
    }
    const netns = this.backend.netnsOf(req.sandboxId);
    const args = netns === 'host' ? [this.backend.busybox, 'nc', '127.0.0.1', String(port)] : [`--net=${netns}`, this.backend.busybox, 'nc', '127.0.0.1', String(port)];
    const child = spawn(netns === 'host' ? args[0] ?? '' : 'nsenter', netns === 'host' ? args.slice(1) : args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => ws.readyState === ws.OPEN && ws.send(b));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(0, 1024)));
    child.stdin.on('error', () => undefined);
    ws.on('message', (data: Buffer) => child.stdin.write(data));
    ws.on('close', () => child.kill('SIGKILL'));
    child.on('close', (code) => {
      if (ws.readyState !== ws.OPEN) return;
      if (code === 0) ws.close(1000);
      else ws.close(1011, portForwardError(stderr, port, code));
    });
  }
}
