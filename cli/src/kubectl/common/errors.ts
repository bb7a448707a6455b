// Error text as kubectl prints it: "Error from server (NotFound): pods \"x\" not found", or "error: …".
import { StatusError } from '@kubets/api';

export function formatError(e: unknown): string {
  if (e instanceof StatusError || (typeof e === 'object' && e !== null && 'status' in e && typeof (e as { status: unknown }).status === 'object')) {
    const st = (e as StatusError).status;
    const reason = st.reason;
    return reason ? `Error from server (${reason}): ${st.message ?? ''}` : `Error from server: ${st.message ?? ''}`;
  }
  const ne = e as { code?: unknown; address?: unknown; port?: unknown } | null;
  if (ne && ne.code === 'ECONNREFUSED' && typeof ne.address === 'string') {
    const host = ne.address.includes(':') ? `[${ne.address}]` : ne.address;
    return `The connection to the server ${host}:${String(ne.port)} was refused - did you specify the right host or port?`;
  }
  const msg = e instanceof Error ? e.message : String(e);
  return msg.startsWith('error:') || msg.startsWith('Error') ? msg : `error: ${msg}`;
}

export function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as StatusError).status?.code === 404;
}

/** An error that is already formatted and only needs printing. */
export class UsageError extends Error {}
