// Small builders over TypeBox. A kind's schema is plain JSON Schema (so it is also its OpenAPI v3),
// its TS type is Static<typeof schema>, and the x-kubernetes-* annotations drive strategic merge patch
// and server-side apply. Keep every Kubernetes-specific schema convention here.
import { Type, type TSchema, type TObject, type TProperties, type TArray, type ObjectOptions } from '@sinclair/typebox';

export { Type };
export type { TSchema, TObject, TProperties, Static } from '@sinclair/typebox';

/** A struct. Unknown fields are rejected under fieldValidation=Strict (additionalProperties:false is checked there). */
export function Struct<P extends TProperties>(description: string, props: P, opts: ObjectOptions = {}): TObject<P> {
  return Type.Object(props, { description, additionalProperties: false, ...opts });
}

/** Optional property with a description. */
export function Opt<T extends TSchema>(schema: T, description?: string) {
  // Spread keeps TypeBox's symbol-keyed metadata, so the copy is still a typed schema.
  return Type.Optional(description ? ({ ...schema, description } as T) : schema);
}

/** A free-form string map (labels, annotations, data). */
export function StringMap(description?: string) {
  return Type.Record(Type.String(), Type.String(), description ? { description } : {});
}

/** resource.Quantity: a string like "100m" or "1Gi"; numbers are accepted and normalised to strings. */
export const Quantity = Type.Unsafe<string>({
  'x-kubernetes-int-or-string': true,
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  format: 'quantity',
  description: 'Quantity is a fixed-point representation of a number, such as 100m or 1Gi.',
});

/** intstr.IntOrString */
export const IntOrString = Type.Unsafe<number | string>({
  'x-kubernetes-int-or-string': true,
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  format: 'int-or-string',
});

export const Time = Type.String({ format: 'date-time' });

/** Opaque nested JSON (e.g. RawExtension, FieldsV1): any value, preserved. */
export const Any = Type.Unsafe<unknown>({ 'x-kubernetes-preserve-unknown-fields': true });

/**
 * A list merged by key under strategic merge patch (patchStrategy=merge, patchMergeKey=key),
 * and a map-list for server-side apply.
 */
export function MergeList<T extends TSchema>(item: T, key: string, description?: string, extraKeys: string[] = []): TArray<T> {
  return Type.Array(item, {
    ...(description ? { description } : {}),
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': [key, ...extraKeys],
  });
}

/** A list of primitives merged as a set (patchStrategy=merge, e.g. finalizers). */
export function SetList<T extends TSchema>(item: T, description?: string): TArray<T> {
  return Type.Array(item, {
    ...(description ? { description } : {}),
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-list-type': 'set',
  });
}

/** A list replaced whole (the default, atomic). */
export function AtomicList<T extends TSchema>(item: T, description?: string): TArray<T> {
  return Type.Array(item, { ...(description ? { description } : {}), 'x-kubernetes-list-type': 'atomic' });
}

/** patchStrategy "retainKeys" (e.g. volumes' source, deployment strategy). */
export function RetainKeys<T extends TObject>(schema: T): T {
  return { ...schema, 'x-kubernetes-patch-strategy': 'retainKeys' } as T;
}

/** A string enum that OpenAPI shows as enum. */
export function Enum<const V extends readonly string[]>(values: V, description?: string) {
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
}
