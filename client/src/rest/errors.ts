// Turning HTTP failures back into StatusError, and deciding what is safe to retry.
import { StatusError, type Status, type StatusReason } from '@kubets/api';

const reasonByCode: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

function isStatus(v: unknown): v is Status {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'Status' && typeof (v as { code?: unknown }).code === 'number';
}

/** Rebuilds the server's Status (or synthesises one from the code and body, as client-go does). */
export function statusErrorFrom(code: number, body: string, retryAfterSeconds?: number): StatusError {
  let parsed: unknown;
  try {
    parsed = body ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed)) {
    const st: Status = { ...parsed, code: parsed.code || code };
    if (retryAfterSeconds !== undefined && !st.details?.retryAfterSeconds) st.details = { ...st.details, retryAfterSeconds };
    return new StatusError(st);
  }
  const reason = reasonByCode[code] ?? (code >= 500 ? 'InternalError' : '');
  const text = body.trim().slice(0, 512);
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    code,
    reason,
    message: text ? `the server responded with the status code ${code} but did not return more information (${text})` : `the server responded with the status code ${code}`,
    ...(retryAfterSeconds !== undefined ? { details: { retryAfterSeconds } } : {}),
  });
}

const neverSentCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const transientCodes = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'KTS_TIMEOUT']);

export function errorCode(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** The request never reached the server: any verb may be retried. */
export function isNeverSent(e: unknown): boolean {
  const c = errorCode(e);
  return c !== undefined && neverSentCodes.has(c);
}

/** A connection-level failure (reset, refused, timed out, …). */
export function isConnectionError(e: unknown): boolean {
  const c = errorCode(e);
  if (c !== undefined && (neverSentCodes.has(c) || transientCodes.has(c))) return true;
  return e instanceof Error && /socket hang up/i.test(e.message);
}

/** A request timeout from RestClient. */
export class RequestTimeoutError extends Error {
  readonly code = 'KTS_TIMEOUT';
  constructor(ms: number) {
    super(`request timed out after ${ms}ms`);
    this.name = 'RequestTimeoutError';
  }
}
