// The remotecommand channel protocols (exec/attach) as kubectl speaks them, over WebSocket and SPDY.
//
// WebSocket (Sec-WebSocket-Protocol): every message is [channel byte][payload]; the base64 variants send text
// messages of '<channel digit><base64 payload>'. Channels: 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; v5 adds
// 255 = close signal ([255, <channel>], kubectl sends [255, 0] at stdin EOF). The error channel carries a metav1
// Status JSON for v4/v5 and the bare error message (nothing on success) for the older protocols.
// SPDY (X-Stream-Protocol-Version): one SPDY stream per channel, named by its `streamType` header; v4/v5 write the
// Status JSON to the error stream, v1–v3 the message text. v3+ have a resize stream (with a tty).

export const CH_STDIN = 0;
export const CH_STDOUT = 1;
export const CH_STDERR = 2;
export const CH_ERROR = 3;
export const CH_RESIZE = 4;
export const CH_CLOSE = 255;

export interface ChannelProtocol {
  name: string;
  /** 1..5: what the error channel carries (>=4: Status JSON) and whether the close signal exists (5). */
  version: number;
  /** false: text messages, '<digit><base64>' */
  binary: boolean;
}

/** WebSocket subprotocols for exec/attach, in server preference order (v5 first). */
export const WS_EXEC_PROTOCOLS: ChannelProtocol[] = [
  { name: 'v5.channel.k8s.io', version: 5, binary: true },
  { name: 'v4.channel.k8s.io', version: 4, binary: true },
  { name: 'v4.base64.channel.k8s.io', version: 4, binary: false },
  { name: 'channel.k8s.io', version: 1, binary: true },
  { name: 'base64.channel.k8s.io', version: 1, binary: false },
];

/** SPDY X-Stream-Protocol-Version values for exec/attach. */
export const SPDY_EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

export function spdyExecVersion(name: string): number {
  const m = /^v(\d)\./.exec(name);
  return m ? Number(m[1]) : 1;
}

/** Picks the WebSocket subprotocol: the server's most preferred one the client offers. */
export function pickWsProtocol(offered: Set<string>): ChannelProtocol | undefined {
  return WS_EXEC_PROTOCOLS.find((p) => offered.has(p.name));
}

export function encodeFrame(p: ChannelProtocol, ch: number, data: Buffer): Buffer | string {
  if (p.binary) return Buffer.concat([Buffer.from([ch]), data]);
  return String.fromCharCode(48 + ch) + data.toString('base64');
}

export function decodeFrame(p: ChannelProtocol, msg: Buffer): { ch: number; data: Buffer } | undefined {
  if (!msg.length) return undefined;
  if (p.binary) return { ch: msg[0]!, data: msg.subarray(1) };
  const ch = msg[0]! - 48;
  if (ch < 0 || ch > 9) return undefined;
  return { ch, data: Buffer.from(msg.subarray(1).toString('latin1'), 'base64') };
}

export interface StatusLike {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** Status JSON for an exit code (what kubectl turns into its own exit code). */
export function exitStatus(code: number): string {
  if (code === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command, exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

export function failureStatus(message: string): string {
  return JSON.stringify({ metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 });
}

/**
 * What goes on the error channel for a protocol version, given the Status JSON the runtime sent (v4+: the JSON;
 * older: the message text on failure, nothing on success).
 */
export function errorPayload(version: number, statusJson: string): Buffer | undefined {
  if (version >= 4) return Buffer.from(statusJson);
  let st: StatusLike;
  try {
    st = JSON.parse(statusJson) as StatusLike;
  } catch {
    return Buffer.from(statusJson);
  }
  if (st.status === 'Success') return undefined;
  return Buffer.from(st.message ?? 'error executing command');
}
