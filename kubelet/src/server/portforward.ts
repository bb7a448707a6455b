// Port-forward over SPDY/3.1 (plain, or tunnelled in WebSocket binary messages): kubectl opens a pair of streams per
// local connection (headers streamtype=error|data, port, requestid). Each data stream is piped to the pod port
// through the runtime (pod-port.ts: one runtime connection per stream pair); failures are written to the error stream.
import type { Duplex } from 'node:stream';
import { spdyServer, streamHeader, type SpdyStream } from './spdy';
import { forwardError, runtimeDialer, type DialPodPort, type PodPortConn, type PortForwardTarget } from './pod-port';

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** Runs the port-forward protocol on an established SPDY byte stream (after the 101). */
export function servePortForward(socket: Duplex, target: PortForwardTarget, timeoutMs = 30_000, dial: DialPodPort = runtimeDialer(target)): void {
  const pairs = new Map<string, Pair>();
  const conns = new Set<PodPortConn>();
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
    for (const c of conns) c.close();
    conns.clear();
  };
  socket.on('close', close);
  socket.on('error', () => undefined);
  conn.on('close', close);

  function forward(data: SpdyStream, error: SpdyStream): void {
    error.resume(); // the client only reads it
    const portStr = streamHeader(data, 'port') ?? '';
    const port = Number(portStr);
    if (!/^\d+$/.test(portStr) || port < 1 || port > 65535) {
      if (error.writable) error.end(`invalid port: "${portStr}"`);
      if (data.writable) data.end();
      return;
    }
    if (closed) return;
    const conn = dial(port, {
      data: (b) => {
        if (data.writable) data.write(b);
      },
      end: (err) => {
        conns.delete(conn);
        if (err !== undefined && error.writable) error.write(forwardError(target, port, err));
        if (data.writable) data.end();
        if (error.writable) error.end();
      },
    });
    conns.add(conn);
    data.on('data', (b: Buffer) => conn.write(b));
    // kubectl resets the streams when its local connection ends.
    data.on('close', () => {
      conns.delete(conn);
      conn.close();
    });
  }
}
