// SPDY/3.1 server side (spdy-transport) for Kubernetes' httpstream: the upgrade handshake, a fix-up for spdystream's
// SYN_STREAMs (they carry no `:method`/`:path`, which spdy-transport rejects), and a Duplex over a WebSocket for
// SPDY tunnelled in WebSocket binary messages (kubectl 1.31+ port-forward).
import type * as http from 'node:http';
import { Duplex } from 'node:stream';
import type { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';

export interface SpdyStream extends Duplex {
  id: number;
  headers: Record<string, string | string[] | undefined>;
  respond(status: number, headers: Record<string, string>, cb?: (err?: Error) => void): void;
  abort(code?: unknown, cb?: () => void): void;
}

export interface SpdyConnection extends EventEmitter {
  start(version: number): void;
  end(cb?: () => void): void;
  destroyStreams(err?: Error): void;
  on(ev: 'stream', fn: (s: SpdyStream) => void): this;
  on(ev: 'error' | 'close', fn: (e?: Error) => void): this;
}

interface SpdyTransportModule {
  connection: { create(socket: Duplex, opts: { protocol: string; isServer: boolean; autoSpdy31?: boolean; windowSize?: number }): SpdyConnection };
}

interface ParserLike {
  parseKVs(buf: unknown, cb: (err: Error | null, headers?: Record<string, unknown>) => void): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const transport = require('spdy-transport') as SpdyTransportModule;

export const HEADER_PROTOCOL_VERSION = 'X-Stream-Protocol-Version';

/** The client's X-Stream-Protocol-Version values (the header may be repeated or comma-joined). */
export function clientProtocols(req: http.IncomingMessage): string[] {
  const out: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === 'x-stream-protocol-version') {
      for (const p of (req.rawHeaders[i + 1] ?? '').split(',')) if (p.trim()) out.push(p.trim());
    }
  }
  return out;
}

/** httpstream.Handshake: the first protocol the client lists that the server supports. */
export function negotiateProtocol(client: string[], server: string[]): string | undefined {
  return client.find((p) => server.includes(p));
}

export function isSpdyUpgrade(req: http.IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase().startsWith('spdy/');
}

/** Writes the 101 answer for a SPDY/3.1 upgrade. */
export function writeSpdyUpgrade(socket: Duplex, protocol: string): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n${HEADER_PROTOCOL_VERSION}: ${protocol}\r\n\r\n`);
}

/** Server-side SPDY/3.1 session on a byte stream. Every incoming stream is answered (SYN_REPLY) before onStream. */
export function spdyServer(socket: Duplex, onStream: (s: SpdyStream) => void): SpdyConnection {
  const conn = transport.connection.create(socket, { protocol: 'spdy', isServer: true, autoSpdy31: true });
  const parser = (conn as unknown as { _spdyState: { parser: ParserLike } })._spdyState.parser;
  const parseKVs = parser.parseKVs.bind(parser);
  // spdystream (Kubernetes) sends SYN_STREAMs without :method/:path; default them before spdy-transport validates.
  parser.parseKVs = (buf, cb) =>
    parseKVs(buf, (err, headers) => {
      if (!err && headers) {
        if (headers[':method'] === undefined) headers[':method'] = 'POST';
        if (headers[':path'] === undefined) headers[':path'] = '/';
      }
      cb(err, headers);
    });
  conn.on('stream', (s: SpdyStream) => {
    s.respond(200, {});
    s.on('error', () => undefined);
    onStream(s);
  });
  conn.on('error', () => undefined);
  conn.start(3.1);
  return conn;
}

export function streamHeader(s: SpdyStream, name: string): string | undefined {
  const v = s.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** A Duplex whose bytes travel as binary WebSocket messages (SPDY tunnelled in WebSocket). */
export function webSocketDuplex(ws: WebSocket): Duplex {
  const d = new Duplex({
    read() {
      /* pushed from messages */
    },
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb();
      ws.send(chunk, { binary: true }, (err) => cb(err ?? null));
    },
    final(cb) {
      if (ws.readyState === ws.OPEN) ws.close(1000);
      cb();
    },
    destroy(err, cb) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.terminate();
      cb(err);
    },
  });
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
    const b = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    d.push(b);
  });
  ws.on('close', () => {
    d.push(null);
    setImmediate(() => d.destroy());
  });
  ws.on('error', () => d.destroy());
  return d;
}
