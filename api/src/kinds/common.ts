// Pieces every kind schema starts from.
import { Type, Opt, type TProperties, type TSchema } from '../schema/builders';
import { ObjectMetaSchema } from '../meta/schemas';

/** apiVersion/kind/metadata plus the kind's own top-level fields; $id names its OpenAPI definition. */
export function objectSchema<P extends TProperties>(defName: string, description: string, props: P) {
  const base = {
    apiVersion: Opt(Type.String(), 'APIVersion defines the versioned schema of this representation of an object.'),
    kind: Opt(Type.String(), 'Kind is a string value representing the REST resource this object represents.'),
    metadata: ObjectMetaSchema,
  };
  return Type.Object({ ...base, ...props }, { $id: defName, description, additionalProperties: false });
}

/** The same schema with a JSON-schema `default` (applied by applyDefaults when the field is absent). */
export function Def<T extends TSchema>(schema: T, value: unknown): T {
  return { ...schema, default: value } as T;
}

/** The same schema with extra keywords (x-kubernetes-*, $id…). */
export function With<T extends TSchema>(schema: T, extra: Record<string, unknown>): T {
  return { ...schema, ...extra } as T;
}

export const Int32 = () => Type.Integer({ format: 'int32' });
export const Int64 = () => Type.Integer({ format: 'int64' });
export const Str = () => Type.String();
export const Bool = () => Type.Boolean();

/** duration.HumanDuration from apimachinery, as kubectl prints ages and durations. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** Age as kubectl prints it (translateTimestampSince): 5s, 3m12s, 4h, 2d3h … ; "<unknown>" when unset. */
export function age(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** metav1.Time rendered as RFC3339 in UTC (the "Created At" column). */
export function rfc3339(timestamp: string | undefined): string {
  if (!timestamp) return '0001-01-01T00:00:00Z';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return timestamp;
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const nameColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 } as const;
export const ageColumn = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata', priority: 0 } as const;
export const createdAtColumn = { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 } as const;

/** Container names and images of a pod template, comma-separated (layoutContainerCells). */
export function containerCells(containers: { name: string; image?: string }[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(',')];
}

export const containersColumn = { name: 'Containers', type: 'string', description: 'Names of each container in the template.', priority: 1 } as const;
export const imagesColumn = { name: 'Images', type: 'string', description: 'Images referenced by each container in the template.', priority: 1 } as const;
export const selectorColumn = { name: 'Selector', type: 'string', description: 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', priority: 1 } as const;
