// The only place where resourceVersion strings and etcd revisions meet. A resourceVersion is the decimal
// string of an etcd revision (the key's mod revision for objects, the store revision for lists and bookmarks).
// Revisions are handled as JS numbers: etcd revisions are int64 but stay far below 2^53 in practice, and
// anything that is not a safe integer is rejected here rather than silently rounded.
import { errors } from '@kubets/api';

/** Parses a client-supplied resourceVersion. "" and undefined mean 0 ("unset"). Throws 400 BadRequest. */
export function parseResourceVersion(rv: string | undefined): number {
  if (rv === undefined || rv === '') return 0;
  if (!/^[0-9]+$/.test(rv)) throw errors.badRequest(`invalid resource version "${rv}": must be a non-negative integer`);
  const n = Number(rv);
  if (!Number.isSafeInteger(n)) throw errors.badRequest(`invalid resource version "${rv}": out of range`);
  return n;
}

/** Formats a revision as a resourceVersion string. */
export function formatResourceVersion(rev: number | bigint | string): string {
  if (typeof rev === 'string') return String(toRevision(rev));
  if (typeof rev === 'bigint') return rev.toString(10);
  if (!Number.isSafeInteger(rev) || rev < 0) throw errors.internal(`invalid revision ${rev}`);
  return String(rev);
}

/** Converts a revision as the etcd client reports it (a decimal string, or a number) into a number. */
export function toRevision(rev: string | number | bigint | null | undefined): number {
  if (rev === null || rev === undefined || rev === '') return 0;
  const n = typeof rev === 'number' ? rev : Number(rev);
  if (!Number.isSafeInteger(n) || n < 0) throw errors.internal(`invalid etcd revision ${String(rev)}`);
  return n;
}

/** Compares two resourceVersion strings numerically (for callers that must order them). */
export function compareResourceVersions(a: string, b: string): number {
  return parseResourceVersion(a) - parseResourceVersion(b);
}
