// Port-forward over SPDY/3.1 (plain, or tunnelled in WebSocket binary messages): kubectl opens a pair of streams per
// local connection (headers streamtype=error|data, port, requestid). Each data stream is piped to the pod port
// through the runtime's port-forward (a fresh CRI PortForward URL per connection: WebSocket portforward.kts.v1,
// raw bytes both ways); failures are written to the error stream.
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import { spdyServer, streamHeader, type SpdyStream } from './spdy';
import { toWsUrl } from './exec';

export interface PortForwardTarget {
  namespace: string;
  pod: string;
  uid: string;
  /** A single-use runtime URL for one connection to `port`. */
  url(port: number): Promise<string>;
}

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** Runs the port-forward protocol on an established SPDY byte stream (after the 101). */
export function servePortForward(socket: Duplex, target: PortForwardTarget, timeoutMs = 30_000): void {
  const pairs = new Map<string, Pair>();
  const upstreams = new Set<WebSocket>();
  let closed = false;
  const conn = spdyServer(socket, (s) => {
    const type = (streamHeader(s, 'streamtype') ?? '').toLowerCase();
    let id = streamHeader(s, 'requestid');
    // Clients before requestID existed: the error stream precedes its data stream (ids n and n+2).
    if (id === undefined) id = String(type === 'data' ? s.id - 2 : s.id);
    if (type !== 'data' && type !== 'error') {
      s.abort();
      return;
    }
    let p = pairs.get(id);
    if (!p) {
      const pid = id;
      p = {
        timer: setTimeout(() => {
          const q = pairs.get(pid);
          pairs.delete(pid);
          if (q?.error?.writable) q.error.end('timed out waiting for the stream pair');
          q?.data?.abort();
        }, timeoutMs),
      };
      pairs.set(id, p);
    }
    if (p[type]) {
      s.abort();
      return;
    }
    p[type] = s;
    if (p.data && p.error) {
      clearTimeout(p.timer);
      pairs.delete(id);
      void forward(p.data, p.error);
    }
  });
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
    for (const ws of upstreams) ws.terminate();
  };
  socket.on('close', close);
  socket.on('error', () => undefined);
  conn.on('close', close);

  async function forward(data: SpdyStream, error: SpdyStream): Promise<void> {
    error.resume(); // the client only reads it
    data.pause();
    const portStr = streamHeader(data, 'port') ?? '';
    const port = Number(portStr);
    const fail = (msg: string): void => {
      if (error.writable) error.end(msg);
      if (data.writable) data.end();
    };
    if (!/^\d+$/.test(portStr) || port < 1 || port > 65535) return fail(`invalid port: "${portStr}"`);
    let url: string;
    try {
      url = await target.url(port);
    } catch (e) {
      return fail(`error forwarding port ${port} to pod ${target.pod}, uid ${target.uid}: ${(e as Error).message}`);
    }
    if (closed) return;
    const u = new URL(toWsUrl(url));
    u.searchParams.set('port', String(port));
    const ws = new WebSocket(u.toString(), ['portforward.kts.v1']);
    upstreams.add(ws);
    let opened = false;
    ws.on('open', () => {
      opened = true;
      data.on('data', (b: Buffer) => ws.readyState === ws.OPEN && ws.send(b));
      data.resume();
    });
    ws.on('message', (b: Buffer | ArrayBuffer | Buffer[]) => {
      const buf = Buffer.isBuffer(b) ? b : Array.isArray(b) ? Buffer.concat(b) : Buffer.from(b);
      if (data.writable) data.write(buf);
    });
    ws.on('error', (e) => {
      if (!opened) fail(`error forwarding port ${port} to pod ${target.pod}, uid ${target.uid}: ${e.message}`);
    });
    ws.on('close', () => {
      upstreams.delete(ws);
      if (data.writable) data.end();
      if (error.writable) error.end();
    });
    // kubectl resets the streams when its local connection ends.
    data.on('close', () => ws.readyState === ws.OPEN && ws.close(1000));
  }
}
