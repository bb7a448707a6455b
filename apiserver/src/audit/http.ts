// The audit log on the request path: one event handle per request, begun once the caller is known, completed
// when the response finishes. Bodies are kept only when the policy's level asks for them, so a Metadata-level
// (or None) request costs no copies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes, UserInfo } from '../auth/types';
import { captureRequestBody, capturedRequestBody, decodeBody } from '../encoding/body';
import type { AuditEventHandle, AuditLogger } from './logger';
import { requestAuditAnnotations } from '../auth/request-user';

/** The body as a JSON object, whatever it was sent in (JSON, YAML, protobuf — kubectl sends protobuf for some
 * creates), as upstream logs the decoded object. */
const parse = (b: Buffer | undefined, contentType: string | undefined): unknown => {
  if (!b?.length) return undefined;
  try {
    return decodeBody(b, contentType ?? 'application/json');
  } catch {
    return undefined; // a body the handler refused too
  }
};

export function beginAudit(logger: AuditLogger, req: IncomingMessage, res: ServerResponse, attributes: Attributes, impersonatedUser: UserInfo | undefined, decision?: { allowed: boolean; reason: string }): AuditEventHandle {
  const h = req.headers;
  const ev = logger.begin({
    attributes,
    requestURI: req.url ?? '/',
    sourceIPs: [req.socket.remoteAddress ?? ''],
    ...(typeof h['user-agent'] === 'string' ? { userAgent: h['user-agent'] } : {}),
    ...(typeof h['audit-id'] === 'string' && h['audit-id'] ? { auditID: h['audit-id'] } : {}),
    ...(impersonatedUser ? { impersonatedUser } : {}),
  });
  if (ev.level === 'None') return ev;
  if (!res.headersSent) res.setHeader('Audit-ID', ev.auditID);
  if (decision) {
    ev.annotate('authorization.k8s.io/decision', decision.allowed ? 'allow' : 'forbid');
    if (decision.reason) ev.annotate('authorization.k8s.io/reason', decision.reason);
  }
  ev.received();
  const wantRequest = ev.level === 'Request' || ev.level === 'RequestResponse';
  const wantResponse = ev.level === 'RequestResponse';
  if (wantRequest) captureRequestBody(req);
  const chunks: Buffer[] = [];
  if (wantResponse) {
    // tee what the handler writes (bounded: a huge list is logged without its body)
    let size = 0;
    const write = res.write.bind(res);
    const end = res.end.bind(res);
    const keep = (c: unknown) => {
      if (typeof c !== 'string' && !Buffer.isBuffer(c)) return;
      size += c.length;
      if (size <= 1 << 20) chunks.push(Buffer.from(c));
    };
    res.write = ((c: unknown, ...rest: unknown[]) => {
      keep(c);
      return (write as (...a: unknown[]) => boolean)(c, ...rest);
    }) as typeof res.write;
    res.end = ((c?: unknown, ...rest: unknown[]) => {
      if (typeof c !== 'function') keep(c);
      return (end as (...a: unknown[]) => ServerResponse)(c, ...rest);
    }) as typeof res.end;
  }
  const done = () => {
    for (const [k, v] of Object.entries(requestAuditAnnotations(req))) ev.annotate(k, v);
    const gzipped = String(res.getHeader('content-encoding') ?? '') !== '';
    const requestObject = wantRequest ? parse(capturedRequestBody(req), req.headers['content-type']) : undefined;
    const responseObject = wantResponse && !gzipped ? parse(Buffer.concat(chunks), String(res.getHeader('content-type') ?? 'application/json')) : undefined;
    // a create names its object in the body, not the URL: upstream fills objectRef.name from it
    const named = requestObject as { metadata?: { name?: unknown } } | undefined;
    if (!attributes.name && typeof named?.metadata?.name === 'string') ev.setObjectName(named.metadata.name);
    ev.complete(res.statusCode, requestObject, responseObject);
  };
  res.once('finish', done);
  res.once('close', done);
  return ev;
}
