// Pieces every kind schema starts from.
import { Type, Opt, type TProperties } from '../schema/builders';
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

/** Age as kubectl prints it: 5s, 3m12s, 4h, 2d3h … */
export function age(timestamp: string | undefined, now: Date): string {
  if (!timestamp) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

export const nameColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 } as const;
export const ageColumn = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 } as const;
