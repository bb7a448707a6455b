// Admission: plugins see each create/update after defaulting and before validation (mutating `admit`), and
// may reject it. One tiny interface; each plugin is a small file; the chain runs them in order.
import type { KindDef, KubeObject } from '@kubets/api';
import type { UserInfo } from '../auth/types';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest {
  def: KindDef;
  /** DELETE: `obj` and `old` are both the object being deleted (read-only); CONNECT: `obj` is the connect options */
  operation: AdmissionOperation;
  /** '' for the main resource */
  subresource: string;
  namespace: string;
  /** the object being written; mutating plugins change it in place */
  obj: KubeObject;
  old?: KubeObject;
  dryRun: boolean;
  /** who is asking (the API server sets it for every request; unit tests may omit it) */
  userInfo?: UserInfo;
  /** the request's Warning headers, when the caller collects them (plugins append) */
  warnings?: string[];
  /** annotations for the request's audit event, when the caller records them (plugins add keys) */
  auditAnnotations?: Record<string, string>;
  /** the request's options (meta.k8s.io/v1 DeleteOptions…), as webhooks receive them */
  options?: Record<string, unknown>;
}

/** What plugins may read: other objects, by group/resource/namespace/name (undefined when absent). Results may be
 * shared with the watch cache: read them, never mutate them. */
export interface AdmissionLookup {
  get(group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  list(group: string, resource: string, namespace: string): Promise<KubeObject[]>;
  /** how many objects of a resource a namespace holds, read from storage */
  count(group: string, resource: string, namespace: string): Promise<number>;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** the operations the plugin sees (upstream's Handles); CREATE and UPDATE when absent */
  readonly operations?: readonly AdmissionOperation[];
  /** Mutate and/or reject (throw a StatusError). */
  admit(req: AdmissionRequest, lookup: AdmissionLookup): Promise<void> | void;
}

export const isPod = (req: AdmissionRequest): boolean => req.def.group === '' && req.def.plural === 'pods' && req.subresource === '';
