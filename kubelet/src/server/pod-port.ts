// One TCP connection to a pod port through the runtime's port-forward endpoint (a fresh CRI PortForward URL per
// connection, WebSocket portforward.kts.v1, raw bytes both ways). Shared by the SPDY and WebSocket-channel servers.
// The runtime closes with 1000 when the pod side ended normally and with another code (reason = the error, e.g.
// "connection refused") when the connection failed; both end the forward, the latter with an error message.
import { WebSocket } from 'ws';
import { toWsUrl } from './exec';

export interface PortForwardTarget {
  namespace: string;
  pod: string;
  uid: string;
  /** A single-use runtime URL for one connection to `port`. */
  url(port: number): Promise<string>;
}

export interface PodPortHandlers {
  data(b: Buffer): void;
  /** The connection is over (called once); `error` is set when it failed. */
  end(error?: string): void;
}

export interface PodPortConn {
  /** Bytes toward the pod (queued until connected). */
  write(b: Buffer): void;
  /** The client side is gone: drop the connection (no `end` callback afterwards). */
  close(): void;
}

export type DialPodPort = (port: number, h: PodPortHandlers) => PodPortConn;

/** upstream kubelet's wording for a failed forward (written to the port's error stream/channel) */
export function forwardError(target: Pick<PortForwardTarget, 'pod' | 'uid'>, port: number, err: string): string {
  return `error forwarding port ${port} to pod ${target.pod}, uid ${target.uid}: ${err}`;
}

const asBuffer = (b: Buffer | ArrayBuffer | Buffer[]): Buffer => (Buffer.isBuffer(b) ? b : Array.isArray(b) ? Buffer.concat(b) : Buffer.from(b));

export function runtimeDialer(target: PortForwardTarget): DialPodPort {
  return (port, h) => {
    let ws: WebSocket | undefined;
    let dropped = false;
    let ended = false;
    const pending: Buffer[] = [];
    const end = (error?: string): void => {
      if (ended || dropped) return;
      ended = true;
      h.end(error);
    };
    void target.url(port).then(
      (url) => {
        if (dropped) return;
        const u = new URL(toWsUrl(url));
        u.searchParams.set('port', String(port));
        const sock = new WebSocket(u.toString(), ['portforward.kts.v1']);
        ws = sock;
        let opened = false;
        sock.on('open', () => {
          opened = true;
          for (const b of pending.splice(0)) sock.send(b);
        });
        sock.on('message', (b: Buffer | ArrayBuffer | Buffer[]) => {
          if (!dropped && !ended) h.data(asBuffer(b));
        });
        sock.on('error', (e) => {
          if (!opened) end(e.message);
        });
        sock.on('close', (code: number, reason: Buffer) => {
          // 1000 normal, 1005 no status: the pod side closed; anything else carries the runtime's error
          end(code === 1000 || code === 1005 ? undefined : reason.toString('utf8') || `connection closed (${code})`);
        });
      },
      (e: unknown) => end(e instanceof Error ? e.message : String(e)),
    );
    return {
      write(b) {
        if (dropped || ended || !b.length) return;
        if (ws?.readyState === WebSocket.OPEN) ws.send(b);
        else pending.push(b);
      },
      close() {
        if (dropped) return;
        dropped = true;
        pending.length = 0;
        if (ws?.readyState === WebSocket.OPEN) ws.close(1000);
        else if (ws?.readyState === WebSocket.CONNECTING) ws.terminate();
      },
    };
  };
}
