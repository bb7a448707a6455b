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
import { FIXED64, LEN, Reader, VARINT, WireError, Writer, utf8 } from './wire';

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

function withPath<T>(key: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ShapeError || e instanceof UnsupportedFieldError || e instanceof WireError) {
      const p = (e as { path?: string[] }).path ?? [];
      (e as { path?: string[] }).path = [key, ...p];
    }
    throw e;
  }
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
      if (item === null) throw new ShapeError(`[${i}]: null list item`);
      withPath(`[${i}]`, () => encodeValue(w, f.num, f, item));
    }
  } else if (f.map) {
    if (!isRec(v)) throw new ShapeError(`expected a map, got ${typeof v}`);
    for (const k in v) {
      const item = v[k];
      if (item === undefined || item === null) continue;
      const mark = w.begin(f.num);
      w.tag(1, LEN);
      w.string(k);
      withPath(`[${k}]`, () => encodeValue(w, 2, f, item));
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
    withPath(f.json, () => encodeField(w, f, v));
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
    case 'string': {
      const [a, b] = r.span();
      return utf8(r.buf, a, b);
    }
    case 'bytes': {
      const [a, b] = r.span();
      return Buffer.from(r.buf.buffer, r.buf.byteOffset + a, b - a).toString('base64');
    }
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

/** One value of field `f` at r.pos (wire type already checked). `schema` is the value's own schema. */
function decodeValue(r: Reader, f: ProtoField, schema: unknown): unknown {
  if (f.kind === 'scalar') return decodeScalar(r, f.type);
  const [a, b] = r.span();
  if (f.kind === 'special') {
    r.pos = a;
    return decodeSpecial(r, b, f.type as SpecialType);
  }
  const out: Rec = {};
  decodeFields(new Reader(r.buf, a, b), message(f.type), out, schema);
  return out;
}

function decodeMapEntry(r: Reader, f: ProtoField, schema: unknown): [string, unknown] {
  const [a, b] = r.span();
  const e = new Reader(r.buf, a, b);
  let key = '';
  let value: unknown;
  while (!e.done()) {
    const [num, wire] = e.tag();
    if (num === 1 && wire === LEN) key = decodeScalar(e, 'string') as string;
    else if (num === 2 && wire === wireOf(f)) value = decodeValue(e, f, schema);
    else e.skip(wire);
  }
  if (value === undefined) value = f.kind === 'message' ? {} : f.type === 'string' || f.type === 'bytes' ? '' : f.type === 'bool' ? false : f.kind === 'scalar' ? 0 : undefined;
  return [key, value];
}

/**
 * Reads message `msg` from r into `out`. `schema` is the struct's JSON schema: a non-empty field it lacks is refused.
 * Undefined schema (opaque parts, lists) trusts the field table.
 */
export function decodeFields(r: Reader, msg: ProtoMessage, out: Rec, schema: unknown): void {
  const props = schemaProperties(schema);
  while (!r.done()) {
    const [num, wire] = r.tag();
    const f = msg.byNum.get(num);
    if (!f) {
      if (!r.skip(wire)) throw new UnsupportedFieldError([`#${num}`], `unknown field number ${num} in ${msg.name}`);
      continue;
    }
    if (f.inline) {
      if (wire !== LEN) throw new WireError(`${f.json}: wrong wire type ${wire}`);
      const [a, b] = r.span();
      withPath(f.json, () => decodeFields(new Reader(r.buf, a, b), message(f.type), out, schema));
      continue;
    }
    const known = !props || f.json in props;
    withPath(f.json, () => {
      const expected = wireOf(f);
      if (f.rep) {
        const child = known ? schemaChild(schema, f.json, 'rep') : undefined;
        let list = out[f.json] as unknown[] | undefined;
        const items: unknown[] = [];
        if (wire === LEN && expected === VARINT) {
          const [a, b] = r.span(); // packed
          const p = new Reader(r.buf, a, b);
          while (!p.done()) items.push(decodeScalar(p, f.type));
        } else {
          if (wire !== expected) throw new WireError(`wrong wire type ${wire}`);
          items.push(decodeValue(r, f, child));
        }
        if (!known && items.every(isEmpty)) return;
        if (!known) throw new UnsupportedFieldError([], `field ${f.json} of ${msg.name} is not supported by this server`);
        if (!list) out[f.json] = list = [];
        list.push(...items);
        return;
      }
      if (wire !== expected) throw new WireError(`wrong wire type ${wire}`);
      if (f.map) {
        const [k, v] = decodeMapEntry(r, f, known ? schemaChild(schema, f.json, 'map') : undefined);
        if (!known) throw new UnsupportedFieldError([`[${k}]`], `field ${f.json} of ${msg.name} is not supported by this server`);
        const map = (out[f.json] as Rec | undefined) ?? (out[f.json] = {});
        (map as Rec)[k] = v;
        return;
      }
      const v = decodeValue(r, f, known ? schemaChild(schema, f.json, 'one') : undefined);
      if (!known) {
        if (isEmpty(v)) return;
        throw new UnsupportedFieldError([], `field ${f.json} of ${msg.name} is not supported by this server`);
      }
      if (v === undefined) return;
      // JSON leaves out zero omitempty scalars; pointers and non-omitempty fields keep them
      if (f.kind === 'scalar' && f.omit && !f.ptr && (v === '' || v === 0 || v === false)) return;
      out[f.json] = v;
    });
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
