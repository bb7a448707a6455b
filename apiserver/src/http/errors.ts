// Every failure leaves the server as a metav1 Status. StatusErrors are sent verbatim; anything else is a 500.
import type { ServerResponse } from 'node:http';
import { errors, isStatusError, StatusError, type Status } from '@kubets/api';
import { logError } from '../observability/log';

export function toStatusError(e: unknown): StatusError {
  if (isStatusError(e)) return e;
  // StatusError from another module copy (duck typed)
  const st = (e as { status?: Partial<Status> } | null)?.status;
  if (st && typeof st === 'object' && st.kind === 'Status' && typeof st.code === 'number') return new StatusError(st as Status);
  logError('internal error', e);
  const msg = e instanceof Error ? e.message : String(e);
  return errors.internal(msg);
}

export function writeStatus(res: ServerResponse, e: unknown): number {
  const se = toStatusError(e);
  const code = se.status.code || 500;
  if (res.headersSent) {
    res.destroy();
    return code;
  }
  const body = JSON.stringify(se.status);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache, private' });
  res.end(body);
  return code;
}

export function writeJson(res: ServerResponse, code: number, obj: unknown, extraHeaders: Record<string, string> = {}, contentType = 'application/json'): void {
  const body = JSON.stringify(obj);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache, private', ...extraHeaders });
  res.end(body);
}
