// Synthetic watch events shared by the etcd store and the watch cache.
import { errors, type KubeObject, type StatusError } from '@kubets/api';
import type { StorageEvent } from './interface';
import { formatResourceVersion } from './resource-version';

/** A BOOKMARK carries only metadata.resourceVersion; the REST layer adds kind/apiVersion. */
export function bookmarkEvent(rev: number): StorageEvent {
  return { type: 'BOOKMARK', object: { metadata: { resourceVersion: formatResourceVersion(rev) } } };
}

/** An ERROR event carries the failure's Status (e.g. 410 Expired) as its object. */
export function errorEvent(err: StatusError): StorageEvent {
  return { type: 'ERROR', object: err.status as unknown as KubeObject };
}

/** 504 "Too large resource version", as Kubernetes answers reads ahead of the store (retry after 1s). */
export function tooLargeResourceVersion(requested: number, current: number): StatusError {
  const e = errors.timeout(`Too large resource version: ${requested}, current: ${current}`);
  e.status.details = { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 };
  return e;
}
