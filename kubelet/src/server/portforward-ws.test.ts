// WebSocket-channel port-forward framing against a fake socket and a fake pod dialer; the runtime dialer against a
// local WebSocket server standing in for the runtime's portforward.kts.v1 endpoint.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  decodePfFrame,
  encodePfFrame,
  parsePortForwardPorts,
  pickPortForwardProtocol,
  serveWebSocketPortForward,
  type ChannelSocket,
} from './portforward-ws';
import { runtimeDialer, type DialPodPort, type PodPortHandlers } from './pod-port';

class FakeSocket extends EventEmitter implements ChannelSocket {
  sent: (Buffer | string)[] = [];
  closedWith: number | undefined;
  send(data: Buffer | string): void {
    this.sent.push(data);
  }
  close(code: number): void {
    this.closedWith = code;
  }
  /** what the client sends */
  fromClient(data: Buffer | string): void {
    this.emit('message', Buffer.isBuffer(data) ? data : Buffer.from(data), Buffer.isBuffer(data));
  }
}

interface FakeConn {
  port: number;
  h: PodPortHandlers;
  written: Buffer[];
  closed: boolean;
}

function fakeDial(): { dial: DialPodPort; conns: FakeConn[] } {
  const conns: FakeConn[] = [];
  const dial: DialPodPort = (port, h) => {
    const c: FakeConn = { port, h, written: [], closed: false };
    conns.push(c);
    return { write: (b) => c.written.push(b), close: () => (c.closed = true) };
  };
  return { dial, conns };
}

const target = { pod: 'web', uid: 'u1' };

describe('WebSocket port-forward channels', () => {
  it('announces each port on its data and error channel (uint16 LE), in order', () => {
    const ws = new FakeSocket();
    const { dial, conns } = fakeDial();
    serveWebSocketPortForward(ws, true, [80, 8080], target, dial);
    expect(ws.sent).toEqual([Buffer.from([0, 80, 0]), Buffer.from([1, 80, 0]), Buffer.from([2, 0x90, 0x1f]), Buffer.from([3, 0x90, 0x1f])]);
    expect(conns.map((c) => c.port)).toEqual([80, 8080]);
  });

  it('carries bytes both ways per port; error/unknown channels and empty frames are dropped', () => {
    const ws = new FakeSocket();
    const { dial, conns } = fakeDial();
    serveWebSocketPortForward(ws, true, [80, 8080], target, dial);
    ws.sent.length = 0;
    ws.fromClient(Buffer.from([0, ...Buffer.from('GET / HTTP/1.0\r\n\r\n')]));
    ws.fromClient(Buffer.from([2, 1, 2, 3]));
    ws.fromClient(Buffer.from([1, 9])); // error channel: write-only
    ws.fromClient(Buffer.from([7, 9])); // no such channel
    ws.fromClient(Buffer.alloc(0));
    expect(Buffer.concat(conns[0]!.written).toString()).toBe('GET / HTTP/1.0\r\n\r\n');
    expect(conns[1]!.written).toEqual([Buffer.from([1, 2, 3])]);
    conns[1]!.h.data(Buffer.from('pong'));
    conns[0]!.h.data(Buffer.from('HTTP/1.0 200 OK\r\n'));
    expect(ws.sent).toEqual([Buffer.from([2, ...Buffer.from('pong')]), Buffer.from([0, ...Buffer.from('HTTP/1.0 200 OK\r\n')])]);
  });

  it('a failed forward writes upstream\'s message as text on the error channel; the socket closes when every port is done', () => {
    const ws = new FakeSocket();
    const { dial, conns } = fakeDial();
    serveWebSocketPortForward(ws, true, [80, 81], target, dial);
    ws.sent.length = 0;
    conns[1]!.h.end('connection refused');
    expect(ws.sent).toEqual([Buffer.from([3, ...Buffer.from('error forwarding port 81 to pod web, uid u1: connection refused')])]);
    expect(ws.closedWith).toBeUndefined(); // port 80 still open
    ws.fromClient(Buffer.from([2, 1])); // to the ended port: dropped
    expect(conns[1]!.written).toEqual([]);
    conns[0]!.h.end();
    expect(ws.sent).toHaveLength(1); // a normal end writes nothing
    expect(ws.closedWith).toBe(1000);
    conns[0]!.h.data(Buffer.from('late'));
    expect(ws.sent).toHaveLength(1);
  });

  it('the client closing drops every pod connection', () => {
    const ws = new FakeSocket();
    const { dial, conns } = fakeDial();
    serveWebSocketPortForward(ws, true, [80, 81], target, dial);
    ws.emit('close');
    expect(conns.map((c) => c.closed)).toEqual([true, true]);
    expect(ws.closedWith).toBeUndefined();
  });

  it('base64 protocols: text frames "<digit><base64>" both ways', () => {
    const ws = new FakeSocket();
    const { dial, conns } = fakeDial();
    serveWebSocketPortForward(ws, false, [80], target, dial);
    expect(ws.sent).toEqual(['0UAA=', '1UAA=']);
    ws.fromClient('0' + Buffer.from([0, 255, 10]).toString('base64'));
    expect(conns[0]!.written).toEqual([Buffer.from([0, 255, 10])]);
    conns[0]!.h.data(Buffer.from('hi'));
    conns[0]!.h.end('refused');
    expect(ws.sent.slice(2)).toEqual(['0aGk=', '1' + Buffer.from('error forwarding port 80 to pod web, uid u1: refused').toString('base64')]);
    expect(ws.closedWith).toBe(1000);
  });

  it('frame codecs', () => {
    expect(encodePfFrame(true, 3, Buffer.from('x'))).toEqual(Buffer.from([3, 0x78]));
    expect(encodePfFrame(false, 12, Buffer.from('x'))).toBe('<eA==');
    expect(decodePfFrame(false, Buffer.from('<eA=='))).toEqual({ ch: 12, data: Buffer.from('x') });
    expect(decodePfFrame(true, Buffer.from([4]))).toEqual({ ch: 4, data: Buffer.alloc(0) });
    expect(decodePfFrame(false, Buffer.from('!'))).toBeUndefined();
    expect(decodePfFrame(true, Buffer.alloc(0))).toBeUndefined();
  });

  it('parses ports as upstream (repeated and comma-separated, 1..65535)', () => {
    expect(parsePortForwardPorts(new URLSearchParams('ports=80&ports=8080'))).toEqual([80, 8080]);
    expect(parsePortForwardPorts(new URLSearchParams('ports=80,8080&ports=1'))).toEqual([80, 8080, 1]);
    expect(() => parsePortForwardPorts(new URLSearchParams(''))).toThrow('query parameter "ports" is required');
    expect(() => parsePortForwardPorts(new URLSearchParams('ports='))).toThrow('query parameter "ports" cannot be empty');
    expect(() => parsePortForwardPorts(new URLSearchParams('ports=http'))).toThrow('unable to parse "http" as a port: strconv.ParseUint: parsing "http": invalid syntax');
    expect(() => parsePortForwardPorts(new URLSearchParams('ports=70000'))).toThrow('value out of range');
    expect(() => parsePortForwardPorts(new URLSearchParams('ports=0'))).toThrow('port "0" must be > 0');
  });

  it('negotiates the first protocol in the client\'s order that it supports', () => {
    expect(pickPortForwardProtocol(['v5.channel.k8s.io', 'v4.channel.k8s.io'])).toEqual({ name: 'v4.channel.k8s.io', binary: true });
    expect(pickPortForwardProtocol(new Set(['v4.base64.channel.k8s.io', 'v4.channel.k8s.io']))).toEqual({ name: 'v4.base64.channel.k8s.io', binary: false });
    expect(pickPortForwardProtocol(['base64.channel.k8s.io'])?.binary).toBe(false);
    expect(pickPortForwardProtocol(['v5.channel.k8s.io', 'SPDY/3.1+portforward.k8s.io'])).toBeUndefined();
  });
});

describe('runtime dialer', () => {
  let wss: WebSocketServer;
  let base = '';
  /** per path: what the fake runtime does with a connection */
  const behaviours: Record<string, (ws: WebSocket, port: string) => void> = {
    // echoes with the port, closes normally after "bye"
    '/echo': (ws, port) =>
      ws.on('message', (d: Buffer) => {
        ws.send(Buffer.concat([Buffer.from(`${port}:`), d]));
        if (d.toString() === 'bye') ws.close(1000);
      }),
    '/refused': (ws) => ws.close(1011, "can't connect to remote host (127.0.0.1): Connection refused"),
  };

  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (p) => (p.has('portforward.kts.v1') ? 'portforward.kts.v1' : false) });
    wss.on('connection', (ws, req) => {
      const u = new URL(req.url ?? '/', 'http://x');
      behaviours[u.pathname]?.(ws, u.searchParams.get('port') ?? '');
    });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    base = `http://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  });

  function run(path: string | Error, writes: string[]): Promise<{ data: string; error: string | undefined }> {
    const dial = runtimeDialer({ namespace: 'ns', pod: 'p', uid: 'u', url: async () => {
      if (path instanceof Error) throw path;
      return `${base}${path}`;
    } });
    return new Promise((resolve) => {
      let data = '';
      const conn = dial(8080, { data: (b) => (data += b.toString()), end: (error) => resolve({ data, error }) });
      for (const w of writes) conn.write(Buffer.from(w)); // before the connection is open: queued
    });
  }

  it('queues writes until connected, relays replies, ends cleanly on 1000', async () => {
    expect(await run('/echo', ['a', 'bye'])).toEqual({ data: '8080:a8080:bye', error: undefined });
  });

  it('a runtime close with an error code ends with its reason', async () => {
    expect(await run('/refused', [])).toEqual({ data: '', error: "can't connect to remote host (127.0.0.1): Connection refused" });
  });

  it('a CRI PortForward failure ends with its message', async () => {
    expect(await run(new Error('sandbox not ready'), ['x'])).toEqual({ data: '', error: 'sandbox not ready' });
  });
});
