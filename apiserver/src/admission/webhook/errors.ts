// How webhook outcomes reach the client: a denial keeps the webhook's status (code, reason, message) behind
// upstream's prefix; a failed call is a 500 under failurePolicy Fail and nothing under Ignore.
import { StatusError, type KindDef, type Status, type StatusReason } from '@kubets/api';

/** A webhook could not be called or answered nonsense (webhookutil.ErrCallingWebhook). */
export class WebhookCallError extends Error {
  constructor(
    readonly webhook: string,
    readonly reason: string,
  ) {
    super(`failed calling webhook "${webhook}": ${reason}`);
    this.name = 'WebhookCallError';
  }
}

/** What the webhook put in response.status (metav1.Status), as far as we use it. */
export interface WebhookResultStatus {
  code?: number;
  message?: string;
  reason?: string;
  status?: string;
}

const knownReasons = new Set<StatusReason>(['BadRequest', 'Unauthorized', 'Forbidden', 'NotFound', 'AlreadyExists', 'Conflict', 'Gone', 'Expired', 'Invalid', 'MethodNotAllowed', 'NotAcceptable', 'RequestEntityTooLarge', 'UnsupportedMediaType', 'TooManyRequests', 'InternalError', 'ServiceUnavailable', 'Timeout']);
const asReason = (r: string | undefined): StatusReason | undefined => (r && knownReasons.has(r as StatusReason) ? (r as StatusReason) : undefined);

/** webhookerrors.ToStatusErr: `<resource> "<name>" is forbidden: admission webhook "<w>" denied the request: <message>`. */
export function deniedError(webhook: string, def: KindDef, name: string, result: WebhookResultStatus | undefined): StatusError {
  const code = result?.code || 403;
  const deniedBy = `admission webhook "${webhook}" denied the request`;
  const detail = result?.message ? `${deniedBy}: ${result.message}` : result?.reason ? `${deniedBy}: ${result.reason}` : `${deniedBy} without explanation`;
  const objName = name || 'Unknown';
  const gr = def.group ? `${def.plural}.${def.group}` : def.plural;
  const internal = code === 500;
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${internal ? 'Internal error occurred' : `${gr} "${objName}" is forbidden`}: ${detail}`,
    reason: asReason(result?.reason) ?? (internal ? 'InternalError' : 'Forbidden'),
    details: internal ? { causes: [{ message: detail }] } : { group: def.group, kind: def.plural, name: objName },
    code,
  };
  return new StatusError(status);
}
