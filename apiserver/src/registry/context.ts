// What a registry call needs to know about the request that is not in the body.
import { rfc3339 as rfc3339Ms } from '@kubets/client';
import type { KindDef, KubeObject } from '@kubets/api';
import { errors } from '@kubets/api';
import type { Storage } from '../storage/interface';
import type { UserInfo } from '../auth/types';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface RequestContext {
  namespace: string;
  name: string;
  subresource: string;
  query: URLSearchParams;
  /** manager for managedFields: fieldManager or derived from User-Agent */
  manager: string;
  fieldValidation: FieldValidation;
  dryRun: boolean;
  /** Warning headers to send back (299 - "...") */
  warnings: string[];
  /** the authenticated caller (absent only in unit tests that build contexts by hand) */
  user?: UserInfo;
  /** audit annotations admission adds (shared with the request's audit event) */
  auditAnnotations?: Record<string, string>;
}

/** Per-kind behaviour beyond the generic store (allocations, graceful deletion...). */
export interface KindHooks {
  /** Runs after defaults, before validation, on create (not for dry runs' side effects: check ctx.dryRun). */
  beforeCreate?(obj: KubeObject, ctx: RequestContext): Promise<void>;
  /** Undo beforeCreate's side effects when the write failed. */
  createFailed?(obj: KubeObject): Promise<void>;
  beforeUpdate?(obj: KubeObject, old: KubeObject, ctx: RequestContext): Promise<void>;
  updateFailed?(obj: KubeObject, old: KubeObject): Promise<void>;
  afterUpdate?(obj: KubeObject, old: KubeObject): Promise<void>;
  afterDelete?(obj: KubeObject): Promise<void>;
  /** Before a (non-dry-run) delete request is carried out, whether or not it succeeds. */
  beforeDelete?(namespace: string, name: string): Promise<void>;
  /** After a successful (non-dry-run) create. Errors are logged, not returned. */
  afterCreate?(obj: KubeObject): Promise<void>;
}

/** The admission chain as the store sees it (apiserver/src/admission). */
export interface Admitter {
  admit(req: { def: KindDef; operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT'; subresource: string; namespace: string; obj: KubeObject; old?: KubeObject; dryRun: boolean; userInfo?: UserInfo; warnings?: string[]; auditAnnotations?: Record<string, string>; options?: Record<string, unknown> }): Promise<void>;
}

export interface RegistryDeps {
  storage: Storage;
  /** watch cache for this kind (lists with RV=0 and watches), if any */
  cached?: (def: KindDef) => Storage | undefined;
  /** key prefix, default /registry */
  prefix: string;
  hooks: (def: KindDef) => KindHooks | undefined;
  now: () => Date;
  /** admission plugins; without it only the namespace lifecycle check runs */
  admission?: Admitter;
}

export function fieldManagerFrom(query: URLSearchParams, userAgent: string | undefined): string {
  const fm = query.get('fieldManager');
  if (fm !== null && fm !== '') {
    if (fm.length > 128) throw errors.badRequest(`fieldManager: Too long: may not be more than 128 bytes`);
    return fm;
  }
  const ua = userAgent ?? '';
  const prefix = ua.split('/')[0]!.trim();
  return prefix ? prefix.slice(0, 128) : 'unknown';
}

export function fieldValidationFrom(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`);
}

export function dryRunFrom(values: string[]): boolean {
  for (const v of values) {
    if (v === 'All') return true;
    if (v !== '') throw errors.badRequest(`Invalid dry run value: unsupported dry run value "${v}"; supported values are "All"`);
  }
  return false;
}

/** RFC3339 with seconds precision, as metav1.Time serialises. */
export function rfc3339(d: Date): string {
  return rfc3339Ms(d.getTime());
}
