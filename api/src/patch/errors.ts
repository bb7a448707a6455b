// How patch failures surface, as kube-apiserver reports them.
import { StatusError, errors } from '../errors/status-error';

/** A malformed patch document: 400 BadRequest. */
export function badPatch(message: string): StatusError {
  return errors.badRequest(message);
}

/**
 * A well-formed patch that cannot be applied (failed `test`, missing path, list item without its merge key).
 * kube-apiserver answers with NewGenericServerResponse(422): reason Invalid, the fixed message below and empty
 * details; the underlying reason is not sent. We keep it on `err.detail` (not serialised) for logs.
 */
export function unprocessablePatch(detail: string): StatusError & { detail: string } {
  const err = new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  });
  Object.defineProperty(err, 'detail', { value: detail, enumerable: false });
  return err as StatusError & { detail: string };
}

/** kube-apiserver's cap on JSON patch operations (413 beyond it). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;
