// The error catalogue: every failure the API surfaces maps to one Kubernetes Status reason and HTTP code.
// Components throw StatusError; the apiserver serialises err.status verbatim, and the client rebuilds it.

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'NonZeroExitCode'
  | '';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'error');
    this.name = 'StatusError';
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): StatusReason {
    return this.status.reason ?? '';
  }
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}

/** True when e is a StatusError with the given reason (works across module copies by duck typing). */
export function hasReason(e: unknown, reason: StatusReason): boolean {
  const st = (e as { status?: Partial<Status> } | null)?.status;
  return typeof st === 'object' && st !== null && st.reason === reason;
}

export function successStatus(details?: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200, ...(details ? { details } : {}) };
}

/**
 * Details as kube-apiserver writes them: Go's field order (name, group, kind, uid, causes, retryAfterSeconds), and
 * every empty field left out (all are omitempty), so `{"kind":"pods"}` rather than `{"name":"","group":"",...}`.
 */
export function compactDetails(d: StatusDetails | undefined): StatusDetails | undefined {
  if (!d) return undefined;
  const out: StatusDetails = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes?.length) out.causes = d.causes.map(compactCause);
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return Object.keys(out).length ? out : undefined;
}

function compactCause(c: StatusCause): StatusCause {
  const out: StatusCause = {};
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  if (c.field) out.field = c.field;
  return out;
}

/** A Status with metav1.Status' field order and omitempty rules: exactly the JSON kube-apiserver sends. */
export function canonicalStatus(s: Status): Status {
  const details = compactDetails(s.details);
  const meta: Status['metadata'] = {};
  if (s.metadata?.resourceVersion) meta.resourceVersion = s.metadata.resourceVersion;
  if (s.metadata?.continue) meta.continue = s.metadata.continue;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: meta,
    status: s.status,
    ...(s.message ? { message: s.message } : {}),
    ...(s.reason ? { reason: s.reason } : {}),
    ...(details ? { details } : {}),
    code: s.code,
  };
}

function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): StatusError {
  const d = compactDetails(details);
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(d ? { details: d } : {}),
    code,
  });
}

/** Qualified resource as Kubernetes prints it: "pods", "deployments.apps". */
export interface GroupResource {
  group: string;
  resource: string;
}
function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export const errors = {
  badRequest: (message: string, causes?: StatusCause[]) =>
    failure(400, 'BadRequest', message, causes ? { causes } : undefined),
  unauthorized: (message = 'Unauthorized') => failure(401, 'Unauthorized', message),
  forbidden: (gr: GroupResource, name: string, message: string) =>
    failure(403, 'Forbidden', `${qualified(gr)}${name ? ` "${name}"` : ''} is forbidden: ${message}`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),
  notFound: (gr: GroupResource, name: string) =>
    failure(404, 'NotFound', `${qualified(gr)} "${name}" not found`, { name, group: gr.group, kind: gr.resource }),
  /** A URL that names no resource at all. */
  pathNotFound: (message = 'the server could not find the requested resource') => failure(404, 'NotFound', message),
  alreadyExists: (gr: GroupResource, name: string) =>
    failure(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, {
      name,
      group: gr.group,
      kind: gr.resource,
    }),
  conflict: (gr: GroupResource, name: string, why: string, causes?: StatusCause[]) =>
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, {
      name,
      group: gr.group,
      kind: gr.resource,
      ...(causes ? { causes } : {}),
    }),
  /** 422 with one cause per field, message formatted as Kubernetes does. */
  invalid: (groupKind: { group: string; kind: string }, name: string, causes: StatusCause[]) => {
    const gk = groupKind.group ? `${groupKind.kind}.${groupKind.group}` : groupKind.kind;
    const list = causes.map((c) => `${c.field ? c.field + ': ' : ''}${c.message ?? ''}`);
    const msg = `${gk} "${name}" is invalid: ` + (list.length === 1 ? list[0] : `[${list.join(', ')}]`);
    return failure(422, 'Invalid', msg, { name, group: groupKind.group, kind: groupKind.kind, causes });
  },
  gone: (message: string) => failure(410, 'Gone', message),
  expired: (message: string) => failure(410, 'Expired', message),
  methodNotAllowed: (message: string) => failure(405, 'MethodNotAllowed', message),
  notAcceptable: (message: string) => failure(406, 'NotAcceptable', message),
  tooLarge: (message = 'Request entity too large: limit is 3145728') => failure(413, 'RequestEntityTooLarge', message),
  unsupportedMediaType: (contentType: string) =>
    failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`),
  tooManyRequests: (message: string, retryAfterSeconds = 1) =>
    failure(429, 'TooManyRequests', message, { retryAfterSeconds }),
  internal: (message: string) => failure(500, 'InternalError', `Internal error occurred: ${message}`),
  unavailable: (message: string) => failure(503, 'ServiceUnavailable', message),
  timeout: (message: string) => failure(504, 'Timeout', message),
};

/** Cause types Kubernetes uses in field errors (metav1.CauseType). */
export const CauseType = {
  required: 'FieldValueRequired',
  invalid: 'FieldValueInvalid',
  notSupported: 'FieldValueNotSupported',
  duplicate: 'FieldValueDuplicate',
  forbidden: 'FieldValueForbidden',
  tooLong: 'FieldValueTooLong',
  unknownField: 'FieldValueUnknown',
} as const;
