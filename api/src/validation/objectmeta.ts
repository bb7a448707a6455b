// ObjectMeta validation (k8s.io/apimachinery/pkg/api/validation/objectmeta.go): name/generateName, namespace,
// labels, annotations (256 KiB total), finalizers, owner references, and the immutable fields on update.
import type { StatusCause } from '../errors/status-error';
import { fieldCauses as causes } from './field';
import { checkDNS1123Label, checkLabelValue, checkName, checkQualifiedName, type NameValidation } from './names';

/** Total size of all annotation keys and values (apimachinery TotalAnnotationSizeLimitB). */
export const TotalAnnotationSizeLimitB = 256 * 1024;

/** The shape checked here: ObjectMeta as it arrives over the wire (nothing trusted). */
export interface ObjectMetaLike {
  name?: unknown;
  generateName?: unknown;
  namespace?: unknown;
  generation?: unknown;
  labels?: unknown;
  annotations?: unknown;
  finalizers?: unknown;
  ownerReferences?: unknown;
  uid?: unknown;
  creationTimestamp?: unknown;
  [k: string]: unknown;
}

export interface ObjectMetaOptions {
  /** How metadata.name is checked: 'subdomain' (default), 'label' (namespaces), 'dns1035' (services), 'path'. */
  nameValidation?: NameValidation;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ValidateLabels: key messages and value messages, both reported on the labels field itself. */
export function validateLabels(labels: unknown, path = 'metadata.labels'): StatusCause[] {
  const out: StatusCause[] = [];
  if (labels === undefined || labels === null) return out;
  if (!isRecord(labels)) return [causes.invalid(path, labels, 'must be a map of string keys to string values')];
  for (const [k, v] of Object.entries(labels)) {
    for (const m of checkQualifiedName(k)) out.push(causes.invalid(path, k, m));
    if (typeof v !== 'string') out.push(causes.invalid(path, v, 'label values must be strings'));
    else for (const m of checkLabelValue(v)) out.push(causes.invalid(path, v, m));
  }
  return out;
}

/** ValidateAnnotations: keys are qualified names (checked lower-cased), total size at most 256 KiB. */
export function validateAnnotations(annotations: unknown, path = 'metadata.annotations'): StatusCause[] {
  const out: StatusCause[] = [];
  if (annotations === undefined || annotations === null) return out;
  if (!isRecord(annotations)) return [causes.invalid(path, annotations, 'must be a map of string keys to string values')];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of checkQualifiedName(k.toLowerCase())) out.push(causes.invalid(path, k, m));
    total += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  }
  if (total > TotalAnnotationSizeLimitB) out.push(causes.tooLong(path, TotalAnnotationSizeLimitB));
  return out;
}

function validateOwnerReferences(refs: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!Array.isArray(refs)) return out;
  let controllers = 0;
  for (const r of refs) {
    if (!isRecord(r)) continue;
    if (!str(r.apiVersion)) out.push(causes.invalid(`${path}.apiVersion`, r.apiVersion ?? '', 'version must not be empty'));
    if (!str(r.kind)) out.push(causes.invalid(`${path}.kind`, r.kind ?? '', 'kind must not be empty'));
    if (!str(r.name)) out.push(causes.invalid(`${path}.name`, r.name ?? '', 'name must not be empty'));
    if (!str(r.uid)) out.push(causes.invalid(`${path}.uid`, r.uid ?? '', 'uid must not be empty'));
    if (r.controller === true) controllers++;
  }
  if (controllers > 1) out.push(causes.invalid(path, refs, 'Only one reference can have Controller set to true'));
  return out;
}

/**
 * ValidateObjectMeta. `namespaced` says whether the kind lives in a namespace (then namespace is required and a
 * DNS-1123 label; otherwise it must be empty). Causes use paths under `path` ("metadata.name", …).
 */
export function validateObjectMeta(meta: unknown, namespaced: boolean, path = 'metadata', opts: ObjectMetaOptions = {}): StatusCause[] {
  const out: StatusCause[] = [];
  if (!isRecord(meta)) return [causes.required(path)];
  const m = meta as ObjectMetaLike;
  const nameKind = opts.nameValidation ?? 'subdomain';
  const name = str(m.name) ?? '';
  const generateName = str(m.generateName) ?? '';

  if (generateName) for (const msg of checkName(nameKind, generateName, true)) out.push(causes.invalid(`${path}.generateName`, generateName, msg));
  if (!name) {
    if (!generateName) out.push(causes.required(`${path}.name`, 'name or generateName is required'));
  } else {
    for (const msg of checkName(nameKind, name, false)) out.push(causes.invalid(`${path}.name`, name, msg));
  }

  const ns = str(m.namespace) ?? '';
  if (namespaced) {
    if (!ns) out.push(causes.required(`${path}.namespace`));
    else for (const msg of checkDNS1123Label(ns)) out.push(causes.invalid(`${path}.namespace`, ns, msg));
  } else if (ns) {
    out.push(causes.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }

  if (typeof m.generation === 'number' && m.generation < 0) {
    out.push(causes.invalid(`${path}.generation`, m.generation, 'must be greater than or equal to 0'));
  }
  out.push(...validateLabels(m.labels, `${path}.labels`));
  out.push(...validateAnnotations(m.annotations, `${path}.annotations`));
  out.push(...validateOwnerReferences(m.ownerReferences, `${path}.ownerReferences`));
  if (Array.isArray(m.finalizers)) {
    m.finalizers.forEach((f, i) => {
      if (typeof f !== 'string') return;
      for (const msg of checkQualifiedName(f)) out.push(causes.invalid(`${path}.finalizers[${i}]`, f, msg));
    });
  }
  return out;
}

/** ValidateObjectMetaUpdate: name, namespace, uid and creationTimestamp cannot change; then the create checks. */
export function validateObjectMetaUpdate(
  meta: unknown,
  old: unknown,
  namespaced: boolean,
  path = 'metadata',
  opts: ObjectMetaOptions = {},
): StatusCause[] {
  const out: StatusCause[] = [];
  if (isRecord(meta) && isRecord(old)) {
    for (const f of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
      const a = meta[f] ?? '';
      const b = old[f] ?? '';
      // Kubernetes fills uid/creationTimestamp from the old object when omitted; only a real change is an error.
      if ((f === 'uid' || f === 'creationTimestamp') && a === '') continue;
      if (a !== b) out.push(causes.invalid(`${path}.${f}`, a, 'field is immutable'));
    }
  }
  return out.concat(validateObjectMeta(meta, namespaced, path, opts));
}
