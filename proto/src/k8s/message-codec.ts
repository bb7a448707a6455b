// One generic codec for every Kubernetes message, driven by the field table in @kubets/api (Kubernetes' field
// numbers for our schemas' structs). JSON shape in, wire bytes out, and back. Nothing is skipped silently:
// encoding a JSON field that has no field number is an error, and decoding a non-empty field that the kind's
// schema does not have (or an unknown field number) is an error, so a body is never stored without part of it.
//
// Go's proto2 marshaller writes every non-pointer field, zero or not; JSON leaves out zero omitempty fields.
// So decoding drops a zero scalar of an omitempty non-pointer field, and keeps it for pointers (set on purpose)
// and for fields JSON always shows. Non-pointer structs are always written, and JSON shows them as {}.
import { protoMessage, schemaChild, schemaProperties, type ProtoField, type ProtoMessage, type SpecialType } from '@kubets/api';
import { decodeSpecial, encodeSpecial, ShapeError } from './special';
import { FIXED64, LEN, Reader, VARINT, WireError, Writer } from './wire';

type Rec = Record<string, unknown>;

/** A field the server cannot keep: refused rather than dropped. */
export class UnsupportedFieldError extends Error {
  constructor(
    readonly path: string[],
    message: string,
  ) {
    super(message);
  }
}

/** Prefixes the error's field path with `key` on the way up (errors only: no cost on the good path). */
function annotate(e: unknown, key: string): unknown {
  if (e instanceof ShapeError || e instanceof UnsupportedFieldError || e instanceof WireError) {
    const p = (e as { path?: string[] }).path ?? [];
    (e as { path?: string[] }).path = [key, ...p];
  }
  return e;
}

export function message(name: string): ProtoMessage {
  const m = protoMessage(name);
  if (!m) throw new ShapeError(`no protobuf message ${name}`);
  return m;
}

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- encoding ----

function encodeValue(w: Writer, num: number, f: ProtoField, v: unknown): void {
  switch (f.kind) {
    case 'special':
      return encodeSpecial(w, num, f.type as SpecialType, v);
    case 'message': {
      if (!isRec(v)) throw new ShapeError(`expected an object, got ${Array.isArray(v) ? 'a list' : typeof v}`);
      const mark = w.begin(num);
      encodeFields(w, v, message(f.type), true);
      return w.end(mark);
    }
  }
  switch (f.type) {
    case 'string':
      if (typeof v !== 'string') throw new ShapeError(`expected a string, got ${typeof v}`);
      w.tag(num, LEN);
      return w.string(v);
    case 'bytes':
      if (typeof v !== 'string') throw new ShapeError(`expected base64 data, got ${typeof v}`);
      w.tag(num, LEN);
      return w.bytes(Buffer.from(v, 'base64'));
    case 'int32':
    case 'int64':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new ShapeError(`expected an integer, got ${JSON.stringify(v)}`);
      w.tag(num, VARINT);
      return w.varint(v);
    case 'bool':
      if (typeof v !== 'boolean') throw new ShapeError(`expected a boolean, got ${typeof v}`);
      w.tag(num, VARINT);
      return w.uvarint(v ? 1 : 0);
    case 'double':
      if (typeof v !== 'number') throw new ShapeError(`expected a number, got ${typeof v}`);
      w.tag(num, FIXED64);
      return w.double(v);
  }
  throw new ShapeError(`unsupported protobuf type ${f.type}`);
}

function encodeField(w: Writer, f: ProtoField, v: unknown): void {
  if (f.rep) {
    if (!Array.isArray(v)) throw new ShapeError(`expected a list, got ${typeof v}`);
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      try {
        if (item === null) throw new ShapeError('null list item');
        encodeValue(w, f.num, f, item);
      } catch (e) {
        throw annotate(e, `[${i}]`);
      }
    }
  } else if (f.map) {
    if (!isRec(v)) throw new ShapeError(`expected a map, got ${typeof v}`);
    for (const k in v) {
      const item = v[k];
      if (item === undefined || item === null) continue;
      const mark = w.begin(f.num);
      w.tag(1, LEN);
      w.string(k);
      try {
        encodeValue(w, 2, f, item);
      } catch (e) {
        throw annotate(e, `[${k}]`);
      }
      w.end(mark);
    }
  } else encodeValue(w, f.num, f, v);
}

/**
 * Writes the fields of `obj` as message `msg`; `check` refuses JSON fields that have no field number.
 * apiVersion/kind without a field number are TypeMeta, which no message carries: the envelope does at the top,
 * and objects nested in others (a StatefulSet's volumeClaimTemplates, an Eviction's deleteOptions) lose them, as
 * in Kubernetes.
 */
export function encodeFields(w: Writer, obj: Rec, msg: ProtoMessage, check: boolean): void {
  if (check) {
    for (const k in obj) {
      if (msg.covers.has(k) || obj[k] === undefined || obj[k] === null) continue;
      if (k === 'apiVersion' || k === 'kind') continue;
      throw new UnsupportedFieldError([k], `field ${k} has no protobuf field number in ${msg.name}`);
    }
  }
  for (const f of msg.fields) {
    if (f.inline) {
      const sub = message(f.type);
      let any = false;
      for (const k of sub.covers) if (obj[k] !== undefined && obj[k] !== null) any = true;
      if (!any) continue;
      const mark = w.begin(f.num);
      encodeFields(w, obj, sub, false);
      w.end(mark);
      continue;
    }
    const v = obj[f.json];
    if (v === undefined || v === null) continue;
    try {
      encodeField(w, f, v);
    } catch (e) {
      throw annotate(e, f.json);
    }
  }
}

// ---- decoding ----

function wireOf(f: ProtoField): number {
  if (f.kind !== 'scalar') return LEN;
  if (f.type === 'string' || f.type === 'bytes') return LEN;
  return f.type === 'double' ? FIXED64 : VARINT;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isRec(v) && Object.keys(v).length === 0;
}

function decodeScalar(r: Reader, type: string): unknown {
  switch (type) {
    case 'string':
      return r.string();
    case 'bytes':
      r.skipSpan();
      return r.buf.toString('base64', r.a, r.b);
    case 'int32':
      return r.varint(true);
    case 'int64':
      return r.varint();
    case 'bool':
      return r.varint() !== 0;
    case 'double':
      return r.double();
  }
  throw new WireError(`unsupported protobuf type ${type}`);
}

/** Runs fn over the length-delimited value at r.pos, with r bounded to it. */
function within<T>(r: Reader, fn: (end: number) => T): T {
  r.skipSpan();
  const { a, b } = r;
  const outer = r.end;
  r.pos = a;
  r.end = b;
  try {
    return fn(b);
  } finally {
    r.end = outer;
    r.pos = b;
  }
}

/** One value of field `f` at r.pos (wire type already checked). `schema` is the value's own schema. */
function decodeValue(r: Reader, f: ProtoField, schema: unknown): unknown {
  if (f.kind === 'scalar') return decodeScalar(r, f.type);
  if (f.kind === 'special') return within(r, (end) => decodeSpecial(r, end, f.type as SpecialType));
  const out: Rec = {};
  within(r, () => decodeFields(r, message(f.type), out, schema));
  return out;
}

function zeroOf(f: ProtoField): unknown {
  if (f.kind === 'message') return {};
  if (f.type === 'string' || f.type === 'bytes') return '';
  if (f.type === 'bool') return false;
  return f.kind === 'scalar' ? 0 : undefined;
}

function decodeMapEntry(r: Reader, f: ProtoField, schema: unknown): [string, unknown] {
  const expected = wireOf(f);
  return within(r, () => {
    let key = '';
    let value: unknown;
    while (!r.done()) {
      const t = r.key();
      if (t === 10) key = r.string(); // field 1, LEN
      else if (t === 16 + expected) value = decodeValue(r, f, schema);
      else r.skip(t & 7);
    }
    return [key, value === undefined ? zeroOf(f) : value];
  });
}

const childCache = new WeakMap<object, Map<string, unknown>>();

/** schemaChild, memoised per schema object (decoding asks the same questions for every object). */
function child(schema: unknown, json: string, el: 'rep' | 'map' | 'one'): unknown {
  if (typeof schema !== 'object' || schema === null) return undefined;
  let m = childCache.get(schema);
  if (!m) childCache.set(schema, (m = new Map()));
  const k = el === 'one' ? json : `${el}:${json}`;
  if (m.has(k)) return m.get(k);
  const c = schemaChild(schema, json, el);
  m.set(k, c);
  return c;
}

const propsCache = new WeakMap<object, Readonly<Record<string, unknown>> | null>();

function propsOf(schema: unknown): Readonly<Record<string, unknown>> | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  let p = propsCache.get(schema);
  if (p === undefined) propsCache.set(schema, (p = schemaProperties(schema) ?? null));
  return p ?? undefined;
}

function notServed(msg: ProtoMessage, f: ProtoField): UnsupportedFieldError {
  return new UnsupportedFieldError([], `field ${f.json} of ${msg.name} is not supported by this server`);
}

function decodeField(r: Reader, msg: ProtoMessage, f: ProtoField, wire: number, out: Rec, schema: unknown, known: boolean): void {
  const expected = wireOf(f);
  if (f.rep) {
    const items: unknown[] = [];
    if (wire === LEN && expected === VARINT) {
      within(r, () => {
        while (!r.done()) items.push(decodeScalar(r, f.type)); // packed
      });
    } else {
      if (wire !== expected) throw new WireError(`wrong wire type ${wire}`);
      items.push(decodeValue(r, f, known ? child(schema, f.json, 'rep') : undefined));
    }
    if (!known) {
      if (items.every(isEmpty)) return;
      throw notServed(msg, f);
    }
    const list = out[f.json] as unknown[] | undefined;
    if (list) list.push(...items);
    else out[f.json] = items;
    return;
  }
  if (wire !== expected) throw new WireError(`wrong wire type ${wire}`);
  if (f.map) {
    const [k, v] = decodeMapEntry(r, f, known ? child(schema, f.json, 'map') : undefined);
    if (!known) throw notServed(msg, f);
    const map = (out[f.json] as Rec | undefined) ?? (out[f.json] = {});
    (map as Rec)[k] = v;
    return;
  }
  const v = decodeValue(r, f, known ? child(schema, f.json, 'one') : undefined);
  if (!known) {
    if (isEmpty(v)) return;
    throw notServed(msg, f);
  }
  if (v === undefined) return;
  // JSON leaves out zero omitempty scalars; pointers and non-omitempty fields keep them
  if (f.kind === 'scalar' && f.omit && !f.ptr && (v === '' || v === 0 || v === false)) return;
  out[f.json] = v;
}

/**
 * Reads message `msg` from r (up to r.end) into `out`. `schema` is the struct's JSON schema: a non-empty field
 * it lacks is refused. Undefined schema (opaque parts, lists) trusts the field table.
 */
export function decodeFields(r: Reader, msg: ProtoMessage, out: Rec, schema: unknown): void {
  const props = propsOf(schema);
  while (!r.done()) {
    const t = r.key();
    const wire = t & 7;
    const f = msg.byNum.get(Math.floor(t / 8));
    if (!f) {
      if (!r.skip(wire)) throw new UnsupportedFieldError([`#${Math.floor(t / 8)}`], `unknown field number ${Math.floor(t / 8)} in ${msg.name}`);
      continue;
    }
    try {
      if (f.inline) {
        if (wire !== LEN) throw new WireError(`wrong wire type ${wire}`);
        within(r, () => decodeFields(r, message(f.type), out, schema));
      } else decodeField(r, msg, f, wire, out, schema, !props || f.json in props);
    } catch (e) {
      throw annotate(e, f.json);
    }
  }
}

export function encodeMessage(obj: Rec, name: string): Buffer {
  const w = new Writer();
  encodeFields(w, obj, message(name), true);
  return w.finish();
}

export function decodeMessage(buf: Uint8Array, name: string, schema: unknown, start = 0, end = buf.length): Rec {
  const out: Rec = {};
  decodeFields(new Reader(buf, start, end), message(name), out, schema);
  return out;
}
