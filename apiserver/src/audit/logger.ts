// The audit logger the request path calls: begin() evaluates the policy once per request and returns a handle that
// emits audit.k8s.io/v1 Events for the stages the policy keeps, each a JSON line queued to the log writer.
import * as crypto from 'node:crypto';
import type { Attributes, UserInfo } from '../auth/types';
import { countError, countEvent, countLevel } from './metrics';
import { evaluatePolicy } from './policy';
import { RotatingWriter } from './rotating-writer';
import { auditApiVersion, auditUser, type AuditEvent, type Level, type ObjectReference, type Policy, type RequestAuditConfig, type ResponseStatus, type Stage } from './types';

/** Where event lines go (the rotating file by default). */
export interface AuditSink {
  write(line: string): boolean;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface AuditLoggerOptions {
  policy: Policy;
  /** --audit-log-path ("-" = stdout); ignored when sink is given */
  path?: string;
  /** --audit-log-maxsize (MB) */
  maxSizeMB?: number;
  /** --audit-log-maxbackup */
  maxBackups?: number;
  /** --audit-log-maxage (days) */
  maxAgeDays?: number;
  sink?: AuditSink;
  onError?: (err: Error) => void;
  now?: () => Date;
}

export interface AuditRequestInfo {
  /** who asks what: attributes.user is the authenticated user (the impersonator when impersonating) */
  attributes: Attributes;
  /** path and query as received */
  requestURI: string;
  sourceIPs?: string[];
  userAgent?: string;
  impersonatedUser?: UserInfo;
  /** the request's Audit-ID header when the client sent one; else a new UUID */
  auditID?: string;
  /** when the request arrived (default: now) */
  receivedAt?: Date;
}

export interface AuditEventHandle {
  readonly auditID: string;
  readonly level: Level;
  /** Stage RequestReceived: call once the request is authenticated and authorized (or rejected). */
  received(): void;
  /** Stage ResponseStarted: long-running requests (watch, exec, logs …) once the response headers are sent. */
  responseStarted(code?: number): void;
  /** Stage ResponseComplete. Objects are logged as the level allows (Request: request; RequestResponse: both). */
  complete(code: number, requestObject?: unknown, responseObject?: unknown): void;
  /** Stage Panic: the handler failed unexpectedly. */
  panic(message: string): void;
  /** Adds an annotation to this and later stages' events (e.g. authorization.k8s.io/decision). */
  annotate(key: string, value: string): void;
  /** objectRef.name when the URL does not carry it (a create names its object in the body) */
  setObjectName(name: string): void;
}

export class AuditLogger {
  private readonly sink: AuditSink;
  private readonly now: () => Date;

  constructor(private readonly opts: AuditLoggerOptions) {
    this.now = opts.now ?? (() => new Date());
    const onError = (e: Error) => {
      countError();
      opts.onError?.(e);
    };
    if (opts.sink) this.sink = opts.sink;
    else if (opts.path) this.sink = new RotatingWriter({ path: opts.path, maxSizeMB: opts.maxSizeMB ?? 0, maxBackups: opts.maxBackups ?? 0, maxAgeDays: opts.maxAgeDays ?? 0, onError, now: this.now });
    else throw new Error('AuditLogger needs a path (--audit-log-path) or a sink');
  }

  policyFor(attrs: Attributes): RequestAuditConfig {
    return evaluatePolicy(this.opts.policy, attrs);
  }

  begin(info: AuditRequestInfo): AuditEventHandle {
    const cfg = this.policyFor(info.attributes);
    countLevel(cfg.level);
    return new Handle(info, cfg, info.auditID || crypto.randomUUID(), info.receivedAt ?? this.now(), this.now, (e) => this.emit(e));
  }

  /** Resolves once every event so far is on disk. */
  flush(): Promise<void> {
    return this.sink.flush();
  }

  close(): Promise<void> {
    return this.sink.close();
  }

  private emit(e: AuditEvent): void {
    countEvent();
    if (!this.sink.write(JSON.stringify(e))) countError();
  }
}

class Handle implements AuditEventHandle {
  private readonly annotations: Record<string, string> = {};
  private done = false;

  constructor(
    private info: AuditRequestInfo,
    private readonly cfg: RequestAuditConfig,
    readonly auditID: string,
    private readonly receivedAt: Date,
    private readonly now: () => Date,
    private readonly emit: (e: AuditEvent) => void,
  ) {}

  get level(): Level {
    return this.cfg.level;
  }

  received(): void {
    this.send('RequestReceived');
  }

  responseStarted(code = 200): void {
    this.send('ResponseStarted', { metadata: {}, code });
  }

  complete(code: number, requestObject?: unknown, responseObject?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.send('ResponseComplete', responseStatus(code, responseObject), requestObject, responseObject);
  }

  panic(message: string): void {
    if (this.done) return;
    this.done = true;
    this.send('Panic', { metadata: {}, status: 'Failure', message, code: 500 });
  }

  annotate(key: string, value: string): void {
    this.annotations[key] = value;
  }

  setObjectName(name: string): void {
    if (!this.info.attributes.name) this.info = { ...this.info, attributes: { ...this.info.attributes, name } };
  }

  private send(stage: Stage, status?: ResponseStatus, requestObject?: unknown, responseObject?: unknown): void {
    const level = this.cfg.level;
    if (level === 'None' || this.cfg.omitStages.includes(stage)) return;
    const a = this.info.attributes;
    const e: AuditEvent = {
      kind: 'Event',
      apiVersion: auditApiVersion,
      level,
      auditID: this.auditID,
      stage,
      requestURI: this.info.requestURI,
      verb: a.verb,
      user: auditUser(a.user),
      ...(this.info.impersonatedUser ? { impersonatedUser: auditUser(this.info.impersonatedUser) } : {}),
      ...(this.info.sourceIPs?.length ? { sourceIPs: this.info.sourceIPs } : {}),
      ...(this.info.userAgent ? { userAgent: this.info.userAgent } : {}),
      ...(a.resourceRequest ? { objectRef: objectRef(a) } : {}),
      ...(status ? { responseStatus: status } : {}),
      ...(requestObject !== undefined && (level === 'Request' || level === 'RequestResponse') ? { requestObject: this.strip(requestObject) } : {}),
      ...(responseObject !== undefined && level === 'RequestResponse' ? { responseObject: this.strip(responseObject) } : {}),
      requestReceivedTimestamp: microTime(this.receivedAt),
      stageTimestamp: microTime(this.now()),
      ...(Object.keys(this.annotations).length ? { annotations: { ...this.annotations } } : {}),
    };
    this.emit(e);
  }

  private strip(obj: unknown): unknown {
    return this.cfg.omitManagedFields ? withoutManagedFields(obj) : obj;
  }
}

function objectRef(a: Attributes): ObjectReference {
  return {
    resource: a.resource,
    ...(a.namespace ? { namespace: a.namespace } : {}),
    ...(a.name ? { name: a.name } : {}),
    ...(a.apiGroup ? { apiGroup: a.apiGroup } : {}),
    ...(a.apiVersion ? { apiVersion: a.apiVersion } : {}),
    ...(a.subresource ? { subresource: a.subresource } : {}),
  };
}

/** As upstream: a Status response lends its status/message/reason/details to responseStatus at every level. */
function responseStatus(code: number, response: unknown): ResponseStatus {
  const out: ResponseStatus = { metadata: {}, code };
  if (isRecord(response) && response.kind === 'Status') {
    if (typeof response.status === 'string') out.status = response.status;
    if (typeof response.message === 'string') out.message = response.message;
    if (typeof response.reason === 'string') out.reason = response.reason;
    if (response.details !== undefined) out.details = response.details;
  }
  return out;
}

/** metadata.managedFields removed from an object or from each item of a list (copies; inputs are not mutated). */
function withoutManagedFields(obj: unknown): unknown {
  if (!isRecord(obj)) return obj;
  let out: Record<string, unknown> = obj;
  if (isRecord(obj.metadata) && 'managedFields' in obj.metadata) {
    const { managedFields: _m, ...meta } = obj.metadata;
    out = { ...obj, metadata: meta };
  }
  if (Array.isArray(obj.items)) out = { ...out, items: obj.items.map(withoutManagedFields) };
  return out;
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
