// validateObject: everything the apiserver checks on a write, in Kubernetes' order: metadata (names, labels,
// annotations), then the kind schema (types, required, enums, unknown fields), then the kind's own strategy.
import type { StatusCause } from '../errors/status-error';
import type { KindDef } from '../schema/kind';
import type { KubeObject } from '../meta/types';
import { validateSchema, type UnknownFieldsMode } from '../schema/validate';
import { validateObjectMeta, validateObjectMetaUpdate } from './objectmeta';
import type { NameValidation } from './names';

export interface ValidateObjectOptions {
  /** Default 'Warn': unknown fields are reported in `unknownFields`, never as causes. */
  unknownFields?: UnknownFieldsMode;
  /** Delete unknown fields from obj while validating (what Kubernetes' decoder does). Default false. */
  prune?: boolean;
  /** Override how metadata.name is checked; default from the kind (see nameValidationFor). */
  nameValidation?: NameValidation;
  /** On update: the stored object. Adds the immutable-metadata checks and def.strategy.validateUpdate. */
  old?: KubeObject;
}

/**
 * The result is the causes array itself (so `validateObject(...).length` works) with two non-enumerable extras:
 * `causes` (the same array) and `unknownFields` (".spec.foo" paths, for Strict/Warn handling).
 */
export type ObjectValidationResult = StatusCause[] & { readonly causes: StatusCause[]; readonly unknownFields: string[] };

/** Kinds whose names are not DNS-1123 subdomains, by "group/kind" (Kubernetes' per-kind name validators). */
const nameRules: Record<string, NameValidation> = {
  '/Namespace': 'label',
  '/Service': 'dns1035',
  'rbac.authorization.k8s.io/Role': 'path',
  'rbac.authorization.k8s.io/ClusterRole': 'path',
  'rbac.authorization.k8s.io/RoleBinding': 'path',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'path',
  // "v1." is the core group's APIService (validated as version.group by the kind itself)
  'apiregistration.k8s.io/APIService': 'path',
};

/** How a kind's names are validated: def.nameValidation if the kind sets one, else Kubernetes' rule for it. */
export function nameValidationFor(def: Pick<KindDef, 'group' | 'kind'>): NameValidation {
  const own = (def as { nameValidation?: unknown }).nameValidation;
  if (own === 'subdomain' || own === 'label' || own === 'dns1035' || own === 'path') return own;
  return nameRules[`${def.group}/${def.kind}`] ?? 'subdomain';
}

export function validateObject(def: KindDef, obj: KubeObject, opts: ValidateObjectOptions = {}): ObjectValidationResult {
  const nameValidation = opts.nameValidation ?? nameValidationFor(def);
  const out: StatusCause[] = opts.old
    ? validateObjectMetaUpdate(obj.metadata, opts.old.metadata, def.namespaced, 'metadata', { nameValidation })
    : validateObjectMeta(obj.metadata, def.namespaced, 'metadata', { nameValidation });
  const schemaResult = validateSchema(def.schema, obj, { unknownFields: opts.unknownFields ?? 'Warn', prune: opts.prune ?? false });
  // Metadata checks already reported a missing name/namespace; keep one cause per field.
  const seen = new Set(out.map((c) => `${c.field}\u0000${c.reason}`));
  for (const c of schemaResult.causes) if (!seen.has(`${c.field}\u0000${c.reason}`)) out.push(c);
  // Strategy checks are written against the kind's TS type: run them only when the object has that shape (no type
  // errors, no missing required fields). Value-level schema causes (enums, bounds) do not block them.
  const shaped = schemaResult.causes.every((c) => c.reason !== 'FieldValueRequired' && !/ must be of type /.test(c.message ?? ''));
  if (shaped && def.strategy) {
    try {
      if (def.strategy.validate) out.push(...def.strategy.validate(obj));
      if (opts.old && def.strategy.validateUpdate) out.push(...def.strategy.validateUpdate(obj, opts.old));
      if (!opts.old && def.strategy.validateCreate) out.push(...def.strategy.validateCreate(obj));
    } catch (e) {
      // A strategy tripping over a value the schema already rejected is not a server error.
      if (out.length === 0) throw e;
    }
  }
  Object.defineProperty(out, 'causes', { value: out, enumerable: false });
  Object.defineProperty(out, 'unknownFields', { value: schemaResult.unknownFields, enumerable: false });
  return out as ObjectValidationResult;
}
