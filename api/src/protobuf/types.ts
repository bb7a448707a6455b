// The shape of api/src/protobuf/k8s-messages.ts: Kubernetes' protobuf field numbers for our kinds' structs.

/** Scalars and the apimachinery types with a hand-written protobuf form. Anything else is a message's OpenAPI name. */
export const scalarTypes = ['string', 'bool', 'int32', 'int64', 'double', 'bytes'] as const;
export const specialTypes = ['Time', 'MicroTime', 'Duration', 'FieldsV1', 'Quantity', 'IntOrString', 'RawExtension', 'StringList'] as const;
export type ScalarType = (typeof scalarTypes)[number];
export type SpecialType = (typeof specialTypes)[number];

/**
 * [field number, type, flags]. Flags (space-separated) give the Go shape: rep (slice), map (map[string]T; the
 * entry is {1: key, 2: value}), ptr (pointer: a zero value was set on purpose), omit (omitempty), inline (an
 * embedded struct whose fields JSON shows on the parent; keyed by its proto name).
 */
export type FieldEntry = readonly [number, string] | readonly [number, string, string];
export type MessageTable = Readonly<Record<string, Readonly<Record<string, FieldEntry>>>>;

export interface ProtoField {
  /** JSON name (for inline fields, the proto name of the embedded struct) */
  readonly json: string;
  readonly num: number;
  readonly kind: 'scalar' | 'special' | 'message';
  readonly type: string;
  readonly rep: boolean;
  readonly map: boolean;
  readonly ptr: boolean;
  readonly omit: boolean;
  readonly inline: boolean;
}

export interface ProtoMessage {
  readonly name: string;
  readonly fields: readonly ProtoField[];
  readonly byJson: ReadonlyMap<string, ProtoField>;
  readonly byNum: ReadonlyMap<number, ProtoField>;
  /** JSON names this message writes, its inline structs' included */
  readonly covers: ReadonlySet<string>;
}
