// Field-error causes formatted like k8s.io/apimachinery/pkg/util/validation/field: the cause carries the field path
// and the error body ("Invalid value: \"x\": detail"); errors.invalid() joins them into "path: body".
import type { StatusCause } from '../errors/status-error';
import { CauseType } from '../errors/status-error';

/** Go-like rendering of a value inside a field error: strings quoted, numbers and booleans bare. */
export function fieldValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return 'null';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export const fieldCauses = {
  required: (field: string, detail = ''): StatusCause => ({
    reason: CauseType.required,
    message: detail ? `Required value: ${detail}` : 'Required value',
    field,
  }),
  invalid: (field: string, value: unknown, detail = ''): StatusCause => ({
    reason: CauseType.invalid,
    message: `Invalid value: ${fieldValue(value)}${detail ? `: ${detail}` : ''}`,
    field,
  }),
  notSupported: (field: string, value: unknown, supported: readonly unknown[]): StatusCause => ({
    reason: CauseType.notSupported,
    message: `Unsupported value: ${fieldValue(value)}${supported.length ? `: supported values: ${supported.map(fieldValue).join(', ')}` : ''}`,
    field,
  }),
  forbidden: (field: string, detail: string): StatusCause => ({ reason: CauseType.forbidden, message: `Forbidden: ${detail}`, field }),
  duplicate: (field: string, value: unknown): StatusCause => ({
    reason: CauseType.duplicate,
    message: `Duplicate value: ${fieldValue(value)}`,
    field,
  }),
  tooLong: (field: string, max: number): StatusCause => ({
    reason: CauseType.tooLong,
    message: `Too long: may not be more than ${max} bytes`,
    field,
  }),
  tooMany: (field: string, actual: number, max: number): StatusCause => ({
    reason: 'FieldValueTooMany',
    message: `Too many: ${actual}: must have at most ${max} items`,
    field,
  }),
};
