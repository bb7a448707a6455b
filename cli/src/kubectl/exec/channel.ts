// The channel.k8s.io WebSocket framing used by exec/attach: each binary message starts with a channel byte
// (0 stdin, 1 stdout, 2 stderr, 3 error/Status, 4 resize; v5 adds 255 = close a channel).
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([channel]), body]);
}

export function unframe(msg: Buffer): { channel: number; data: Buffer } | undefined {
  if (msg.length === 0) return undefined;
  return { channel: msg[0]!, data: msg.subarray(1) };
}

export function resizeFrame(width: number, height: number): Buffer {
  return frame(RESIZE, JSON.stringify({ Width: width, Height: height }));
}

/** v5: tells the server stdin is finished. */
export function closeStdinFrame(): Buffer {
  return Buffer.from([CLOSE, STDIN]);
}

type J = Record<string, unknown>;

/**
 * The outcome carried on the error channel: Success → 0; NonZeroExitCode with an ExitCode cause → that code;
 * anything else → an error message (exit code 1).
 */
export function exitFromStatus(text: string): { code: number; message?: string } {
  let st: J;
  try {
    st = JSON.parse(text) as J;
  } catch {
    return { code: 1, message: text.trim() || 'unknown error' };
  }
  if (st.status === 'Success') return { code: 0 };
  if (st.reason === 'NonZeroExitCode') {
    const causes = (((st.details ?? {}) as J).causes ?? []) as J[];
    const c = causes.find((x) => x.reason === 'ExitCode');
    const code = Number(c?.message);
    if (Number.isInteger(code)) return { code, message: `command terminated with exit code ${code}` };
  }
  return { code: 1, message: String(st.message ?? 'error executing command') };
}
