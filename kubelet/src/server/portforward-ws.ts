// Port-forward over WebSocket channels, as upstream's kubelet serves the official Python and JavaScript clients
// (cri/streaming/portforward/websocket.go over apiserver wsstream): `?ports=80&ports=8080` (also `80,8080`), per
// port i a read-write data channel 2i and a write-only error channel 2i+1. Right after the upgrade each channel gets
// one frame holding its port (uint16 little-endian), then data flows both ways; a failed forward writes upstream's
// message as text on the error channel. Each port carries one connection; the WebSocket closes (1000) once every
// port's connection has ended, and closing the WebSocket drops them all.
// Framing: binary protocols put the channel byte first; base64 protocols send text '<'0'+channel><base64 payload>'.
import { forwardError, type DialPodPort, type PodPortConn, type PortForwardTarget } from './pod-port';

export interface PortForwardWsProtocol {
  /** '' = the client sent no subprotocol (upstream treats it as binary) */
  name: string;
  binary: boolean;
}

/** upstream's v4 names, plus the unversioned ones (same framing) for older clients */
export const WS_PORTFORWARD_PROTOCOLS: PortForwardWsProtocol[] = [
  { name: 'v4.channel.k8s.io', binary: true },
  { name: 'v4.base64.channel.k8s.io', binary: false },
  { name: 'channel.k8s.io', binary: true },
  { name: 'base64.channel.k8s.io', binary: false },
];

/** As upstream's wsstream handshake: the first protocol in the client's order that the server supports. */
export function pickPortForwardProtocol(offered: Iterable<string>): PortForwardWsProtocol | undefined {
  for (const o of offered) {
    const p = WS_PORTFORWARD_PROTOCOLS.find((x) => x.name === o);
    if (p) return p;
  }
  return undefined;
}

/** upstream NewV4Options: every `ports` value, each a comma-separated list of 1..65535; throws upstream's messages */
export function parsePortForwardPorts(q: URLSearchParams): number[] {
  const values = q.getAll('ports');
  if (!values.length) throw new Error('query parameter "ports" is required');
  const ports: number[] = [];
  for (const v of values) {
    if (!v) throw new Error('query parameter "ports" cannot be empty');
    for (const p of v.split(',')) {
      const n = /^\d+$/.test(p) ? Number(p) : NaN;
      if (!Number.isInteger(n) || n > 65535) throw new Error(`unable to parse "${v}" as a port: strconv.ParseUint: parsing "${p}": ${/^\d+$/.test(p) ? 'value out of range' : 'invalid syntax'}`);
      if (n < 1) throw new Error(`port "${v}" must be > 0`);
      ports.push(n);
    }
  }
  return ports;
}

export function encodePfFrame(binary: boolean, ch: number, data: Buffer): Buffer | string {
  if (binary) return Buffer.concat([Buffer.from([ch]), data]);
  return String.fromCharCode(48 + ch) + data.toString('base64');
}

export function decodePfFrame(binary: boolean, msg: Buffer): { ch: number; data: Buffer } | undefined {
  if (!msg.length) return undefined;
  const ch = binary ? msg[0]! : msg[0]! - 48;
  if (ch < 0) return undefined;
  return { ch, data: binary ? msg.subarray(1) : Buffer.from(msg.subarray(1).toString('latin1'), 'base64') };
}

/** The part of a `ws` WebSocket this server uses (a fake in unit tests). */
export interface ChannelSocket {
  send(data: Buffer | string): void;
  close(code: number): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

const asBuffer = (b: Buffer | ArrayBuffer | Buffer[]): Buffer => (Buffer.isBuffer(b) ? b : Array.isArray(b) ? Buffer.concat(b) : Buffer.from(b));

/** Serves one upgraded connection: announces the ports, then forwards each port's data channel through `dial`. */
export function serveWebSocketPortForward(
  ws: ChannelSocket,
  binary: boolean,
  ports: number[],
  target: Pick<PortForwardTarget, 'pod' | 'uid'>,
  dial: DialPodPort,
): void {
  let closed = false;
  const send = (ch: number, data: Buffer): void => {
    if (!closed) ws.send(encodePfFrame(binary, ch, data));
  };
  for (let i = 0; i < ports.length; i++) {
    const le = Buffer.alloc(2);
    le.writeUInt16LE(ports[i]!);
    send(2 * i, le);
    send(2 * i + 1, le);
  }
  let open = ports.length;
  const conns: (PodPortConn | undefined)[] = [];
  ports.forEach((port, i) => {
    let ended = false;
    const conn = dial(port, {
      data: (b) => send(2 * i, b),
      end: (err) => {
        ended = true;
        conns[i] = undefined;
        if (err !== undefined) send(2 * i + 1, Buffer.from(forwardError(target, port, err)));
        if (--open === 0 && !closed) {
          closed = true;
          ws.close(1000);
        }
      },
    });
    if (!ended) conns[i] = conn;
  });
  ws.on('message', (raw) => {
    const f = decodePfFrame(binary, asBuffer(raw));
    // frames for error channels (write-only) or unknown channels are dropped, as upstream
    if (!f || f.ch % 2 !== 0 || f.ch >= 2 * ports.length) return;
    conns[f.ch / 2]?.write(f.data);
  });
  ws.on('close', () => {
    closed = true;
    for (const c of conns) c?.close();
    conns.fill(undefined);
  });
}
