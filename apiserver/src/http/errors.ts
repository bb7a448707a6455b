// Every failure leaves the server as a metav1 Status. StatusErrors are sent verbatim; anything else is a 500.
// Bodies are byte-identical to kube-apiserver's: its JSON serializer is Go's json.Encoder, which ends every
// document with "\n", and Status fields come in metav1.Status' order with empty ones left out.
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { canonicalStatus, errors, isStatusError, StatusError, type Status } from '@kubets/api';
import { logError } from '../observability/log';
import { protobufResponse, PROTOBUF_CONTENT_TYPE } from '../encoding/response';

export function toStatusError(e: unknown): StatusError {
  if (isStatusError(e)) return e;
  // StatusError from another module copy (duck typed)
  const st = (e as { status?: Partial<Status> } | null)?.status;
  if (st && typeof st === 'object' && st.kind === 'Status' && typeof st.code === 'number') return new StatusError(st as Status);
  logError('internal error', e);
  const msg = e instanceof Error ? e.message : String(e);
  return errors.internal(msg);
}

/** The JSON document a Status error is sent as (with the encoder's trailing newline). */
export function statusBody(se: StatusError): string {
  return `${JSON.stringify(canonicalStatus(se.status))}\n`;
}

export function writeStatus(res: ServerResponse, e: unknown): number {
  const se = toStatusError(e);
  const code = se.status.code || 500;
  if (res.headersSent) {
    res.destroy();
    return code;
  }
  const pb = protobufResponse(res.req, canonicalStatus(se.status));
  const body = pb ?? statusBody(se);
  res.writeHead(code, { 'Content-Type': pb ? PROTOBUF_CONTENT_TYPE : 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache, private' });
  res.end(body);
  return code;
}

/** Responses above this size are gzip-compressed when the client accepts it (as kube-apiserver does). */
const gzipThreshold = 128 * 1024;

export function writeJson(res: ServerResponse, code: number, obj: unknown, extraHeaders: Record<string, string> = {}, contentType = 'application/json'): void {
  const pb = contentType === 'application/json' ? protobufResponse(res.req, obj) : undefined;
  let body: Buffer = pb ?? Buffer.from(`${JSON.stringify(obj)}\n`);
  const headers: Record<string, string | number> = { 'Content-Type': pb ? PROTOBUF_CONTENT_TYPE : contentType, 'Cache-Control': 'no-cache, private', ...extraHeaders };
  const accept = String(res.req?.headers['accept-encoding'] ?? '');
  if (body.length > gzipThreshold && /\bgzip\b/.test(accept)) {
    body = gzipSync(body);
    headers['Content-Encoding'] = 'gzip';
    headers['Vary'] = headers['Vary'] ? `${headers['Vary']}, Accept-Encoding` : 'Accept-Encoding';
  }
  headers['Content-Length'] = body.length;
  res.writeHead(code, headers);
  res.end(body);
}

/** As apiserver's responsewriters.WriteRawJSON (used for /version): indented, no trailing newline. */
export function writeRawJson(res: ServerResponse, code: number, obj: unknown): void {
  const body = JSON.stringify(obj, null, 2);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
