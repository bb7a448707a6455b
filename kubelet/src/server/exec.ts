// exec/attach sessions: kubectl (WebSocket channel protocols, or SPDY streams) bridged to the CRI runtime's
// streaming endpoint (WebSocket v5.channel.k8s.io, or v4.channel.k8s.io for containerd 1.6, at the URL CRI Exec/Attach returned).
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import {
  CH_CLOSE,
  CH_ERROR,
  CH_RESIZE,
  CH_STDERR,
  CH_STDIN,
  CH_STDOUT,
  decodeFrame,
  encodeFrame,
  errorPayload,
  failureStatus,
  spdyExecVersion,
  type ChannelProtocol,
} from './channels';
import { spdyServer, streamHeader, writeSpdyUpgrade, type SpdyStream } from './spdy';

export interface StreamFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The kubectl-facing half of a session. */
interface ClientSide {
  out(ch: number, data: Buffer): void;
  /** The runtime's Status JSON (converted per protocol by the client side). */
  status(json: string): void;
  end(): void;
}

/** Input toward the runtime. */
interface RuntimeInput {
  stdin(b: Buffer): void;
  stdinEof(): void;
  resize(b: Buffer): void;
  /** The client went away: drop the runtime session. */
  gone(): void;
}

export function toWsUrl(url: string): string {
  return url.replace(/^http(s?):/, 'ws$1:');
}

function asBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  return Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** Connects to the runtime streaming URL and relays its channels to `client`. */
export function connectRuntime(url: string, client: ClientSide): RuntimeInput {
  // v5 (our runtime); v4 for runtimes on the older k8s streaming library (containerd 1.6), which refuse v5 with 403.
  // v4 has no close signal: stdin EOF cannot be forwarded there.
  const ws = new WebSocket(toWsUrl(url), ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  const pending: Buffer[] = [];
  let statusSeen = false;
  let ended = false;
  const send = (b: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(b);
    else if (ws.readyState === ws.CONNECTING) pending.push(b);
  };
  let eofPending = false;
  const v5 = (): boolean => ws.protocol !== 'v4.channel.k8s.io';
  ws.on('open', () => {
    for (const b of pending.splice(0)) ws.send(b);
    if (eofPending && v5()) ws.send(Buffer.from([CH_CLOSE, CH_STDIN]));
  });
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    const b = asBuffer(data);
    if (b.length <= 1) return; // k8s wsstream opens every channel with an empty frame
    const ch = b[0];
    if (ch === CH_STDOUT || ch === CH_STDERR) client.out(ch, b.subarray(1));
    else if (ch === CH_ERROR) {
      statusSeen = true;
      client.status(b.subarray(1).toString('utf8'));
    }
  });
  ws.on('error', (e) => {
    if (!statusSeen) client.status(failureStatus(`error talking to the container runtime: ${e.message}`));
    statusSeen = true;
  });
  ws.on('close', () => {
    if (ended) return;
    ended = true;
    client.end();
  });
  return {
    stdin: (b) => send(Buffer.concat([Buffer.from([CH_STDIN]), b])),
    stdinEof: () => {
      if (ws.readyState === ws.CONNECTING) eofPending = true;
      else if (v5()) send(Buffer.from([CH_CLOSE, CH_STDIN]));
    },
    resize: (b) => send(Buffer.concat([Buffer.from([CH_RESIZE]), b])),
    gone: () => {
      ended = true;
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.terminate();
    },
  };
}

/** A WebSocket exec/attach session from kubectl (1.30+) with the negotiated channel protocol. */
export function serveWebSocketExec(ws: WebSocket, proto: ChannelProtocol, runtimeUrl: string): void {
  const send = (ch: number, data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(encodeFrame(proto, ch, data));
  };
  const input = connectRuntime(runtimeUrl, {
    out: (ch, data) => send(ch, data),
    status: (json) => {
      const p = errorPayload(proto.version, json);
      if (p) send(CH_ERROR, p);
    },
    end: () => {
      if (ws.readyState === ws.OPEN) ws.close(1000);
    },
  });
  ws.on('message', (msg: Buffer | ArrayBuffer | Buffer[]) => {
    const f = decodeFrame(proto, asBuffer(msg));
    if (!f) return;
    if (f.ch === CH_STDIN) input.stdin(f.data);
    else if (f.ch === CH_RESIZE) input.resize(f.data);
    else if (f.ch === CH_CLOSE && proto.version >= 5 && f.data[0] === CH_STDIN) input.stdinEof();
  });
  ws.on('close', () => input.gone());
  ws.on('error', () => input.gone());
}

/**
 * A SPDY/3.1 exec/attach session (kubectl ≤1.29, and 1.30+ after a failed WebSocket upgrade). Answers the upgrade,
 * waits for the streams the flags call for (error, stdin, stdout, stderr, resize), then bridges them.
 */
export function serveSpdyExec(socket: Duplex, head: Buffer, protocol: string, flags: StreamFlags, runtimeUrl: string, timeoutMs = 30_000): void {
  const version = spdyExecVersion(protocol);
  writeSpdyUpgrade(socket, protocol);
  if (head.length) socket.unshift(head);
  const expected = new Set<string>(['error']);
  if (flags.stdin) expected.add('stdin');
  if (flags.stdout) expected.add('stdout');
  if (flags.stderr && !flags.tty) expected.add('stderr');
  if (flags.tty && version >= 3) expected.add('resize');
  const streams = new Map<string, SpdyStream>();
  let started = false;
  let closed = false;
  let input: RuntimeInput | undefined;
  const shutdown = (): void => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    input?.gone();
    conn.end();
    // kubectl closes its side once it has the status and EOFs; don't wait forever if it doesn't.
    setTimeout(() => socket.destroy(), 5000).unref();
  };
  const timer = setTimeout(() => {
    if (!started) {
      closed = true;
      socket.destroy();
    }
  }, timeoutMs);
  const conn = spdyServer(socket, (s) => {
    const type = (streamHeader(s, 'streamtype') ?? '').toLowerCase();
    if (!expected.has(type) || streams.has(type) || started) {
      s.abort();
      return;
    }
    streams.set(type, s);
    if (streams.size === expected.size) start();
  });
  socket.on('close', () => {
    closed = true;
    clearTimeout(timer);
    input?.gone();
  });
  socket.on('error', () => undefined);

  function start(): void {
    started = true;
    clearTimeout(timer);
    const errorStream = streams.get('error')!;
    errorStream.resume(); // the client never writes to it
    input = connectRuntime(runtimeUrl, {
      out: (ch, data) => {
        const s = streams.get(ch === CH_STDOUT ? 'stdout' : 'stderr');
        if (s && s.writable) s.write(data);
      },
      status: (json) => {
        const p = errorPayload(version, json);
        if (p && errorStream.writable) errorStream.write(p);
      },
      end: () => {
        const waits: Promise<void>[] = [];
        for (const [type, s] of streams) {
          if (type === 'stdin' || type === 'resize') continue;
          if (!s.writable) continue;
          waits.push(new Promise((r) => s.end(() => r())));
        }
        void Promise.all(waits).then(() => setImmediate(shutdown));
      },
    });
    const stdin = streams.get('stdin');
    stdin?.on('data', (b: Buffer) => input?.stdin(b));
    stdin?.on('end', () => input?.stdinEof());
    const resize = streams.get('resize');
    resize?.on('data', (b: Buffer) => input?.resize(b));
    for (const t of ['stdout', 'stderr']) streams.get(t)?.resume();
  }
}
