// apimachinery types with a hand-written protobuf form, between their JSON and wire shapes:
// Time/MicroTime {1: seconds int64, 2: nanos int32} ↔ RFC 3339; Duration {1: nanoseconds int64} ↔ "1h2m3s";
// Quantity {1: string}; IntOrString {1: type, 2: intVal, 3: strVal} ↔ number|string;
// RawExtension/FieldsV1 {1: raw bytes} ↔ the JSON value the bytes hold; StringList (a map value that is a named
// []string, e.g. ExtraValue) {1: repeated string} ↔ a list.
import type { SpecialType } from '@kubets/api';
import { LEN, Reader, VARINT, WireError, Writer } from './wire';

export class ShapeError extends Error {}

function time(w: Writer, num: number, v: unknown, micro: boolean): void {
  if (typeof v !== 'string') throw new ShapeError(`expected an RFC 3339 time string, got ${typeof v}`);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(v);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new ShapeError(`invalid time ${JSON.stringify(v)}`);
  const seconds = Math.floor(ms / 1000);
  const nanos = m[2] ? Number(m[2].padEnd(9, '0')) : 0;
  const mark = w.begin(num);
  if (seconds !== 0) {
    w.tag(1, VARINT);
    w.varint(seconds);
  }
  if (nanos !== 0) {
    w.tag(2, VARINT);
    w.varint(micro ? nanos - (nanos % 1000) : nanos);
  }
  w.end(mark);
}

function readTime(r: Reader, end: number, micro: boolean): string | undefined {
  let seconds = 0;
  let nanos = 0;
  const sub = r.end === end ? r : new Reader(r.buf, r.pos, end);
  while (!sub.done()) {
    const t = sub.key();
    if (t === 8) seconds = sub.varint();
    else if (t === 16) nanos = sub.varint(true);
    else sub.skip(t & 7);
  }
  r.pos = end;
  if (seconds === 0 && nanos === 0) return undefined; // Go's zero Time: JSON null
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (micro) return `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
  if (nanos === 0) return `${iso}Z`;
  return `${iso}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}Z`;
}

const durationUnits: ReadonlyArray<[string, number]> = [['h', 3600e9], ['m', 60e9], ['s', 1e9], ['ms', 1e6], ['us', 1e3], ['µs', 1e3], ['ns', 1]];

/** Go's time.ParseDuration, for metav1.Duration. */
export function parseDuration(s: string): number {
  const m = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(?:h|m|s|ms|us|µs|ns))+$/.exec(s);
  if (s === '0') return 0;
  if (!m) throw new ShapeError(`invalid duration ${JSON.stringify(s)}`);
  let total = 0;
  for (const [, n, unit] of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/g)) total += Number(n) * (durationUnits.find(([u]) => u === unit)?.[1] ?? 0);
  return Math.round(m[1] === '-' ? -total : total);
}

/** Go's Duration.String(). */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let n = Math.abs(ns);
  if (n < 1e9) {
    if (n < 1e3) return `${sign}${n}ns`;
    if (n < 1e6) return `${sign}${n / 1e3}µs`;
    return `${sign}${n / 1e6}ms`;
  }
  const h = Math.floor(n / 3600e9);
  n -= h * 3600e9;
  const m = Math.floor(n / 60e9);
  n -= m * 60e9;
  const s = `${n / 1e9}s`;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}`;
}

export function encodeSpecial(w: Writer, num: number, type: SpecialType, v: unknown): void {
  switch (type) {
    case 'Time':
    case 'MicroTime':
      return time(w, num, v, type === 'MicroTime');
    case 'Duration': {
      if (typeof v !== 'string') throw new ShapeError(`expected a duration string, got ${typeof v}`);
      const mark = w.begin(num);
      const ns = parseDuration(v);
      if (ns !== 0) {
        w.tag(1, VARINT);
        w.varint(ns);
      }
      return w.end(mark);
    }
    case 'Quantity': {
      if (typeof v !== 'string' && typeof v !== 'number') throw new ShapeError(`expected a quantity, got ${typeof v}`);
      const mark = w.begin(num);
      w.tag(1, LEN);
      w.string(String(v));
      return w.end(mark);
    }
    case 'IntOrString': {
      const mark = w.begin(num);
      if (typeof v === 'number' && Number.isInteger(v)) {
        w.tag(1, VARINT);
        w.varint(0);
        w.tag(2, VARINT);
        w.varint(v);
      } else if (typeof v === 'string') {
        w.tag(1, VARINT);
        w.varint(1);
        w.tag(3, LEN);
        w.string(v);
      } else throw new ShapeError(`expected an integer or a string, got ${JSON.stringify(v)}`);
      return w.end(mark);
    }
    case 'RawExtension':
    case 'FieldsV1': {
      const mark = w.begin(num);
      w.tag(1, LEN);
      w.string(JSON.stringify(v));
      return w.end(mark);
    }
    case 'StringList': {
      if (!Array.isArray(v) || !v.every((x): x is string => typeof x === 'string')) throw new ShapeError('expected a list of strings');
      const mark = w.begin(num);
      for (const x of v) {
        w.tag(1, LEN);
        w.string(x);
      }
      return w.end(mark);
    }
  }
}

/** Decodes the special value in [r.pos, end); undefined for Go's zero values that JSON leaves out. */
export function decodeSpecial(r: Reader, end: number, type: SpecialType): unknown {
  if (type === 'Time' || type === 'MicroTime') return readTime(r, end, type === 'MicroTime');
  const sub = r.end === end ? r : new Reader(r.buf, r.pos, end);
  switch (type) {
    case 'Duration': {
      let ns = 0;
      while (!sub.done()) {
        const [num, wire] = sub.tag();
        if (num === 1 && wire === VARINT) ns = sub.varint();
        else sub.skip(wire);
      }
      return formatDuration(ns);
    }
    case 'Quantity': {
      let s = '';
      while (!sub.done()) {
        const [num, wire] = sub.tag();
        if (num === 1 && wire === LEN) s = sub.string();
        else sub.skip(wire);
      }
      return s === '' ? undefined : s;
    }
    case 'IntOrString': {
      let kind = 0;
      let intVal = 0;
      let strVal = '';
      while (!sub.done()) {
        const [num, wire] = sub.tag();
        if (num === 1 && wire === VARINT) kind = sub.varint();
        else if (num === 2 && wire === VARINT) intVal = sub.varint(true);
        else if (num === 3 && wire === LEN) strVal = sub.string();
        else sub.skip(wire);
      }
      return kind === 1 ? strVal : intVal;
    }
    case 'RawExtension':
    case 'FieldsV1': {
      let raw: string | undefined;
      while (!sub.done()) {
        const [num, wire] = sub.tag();
        if (num === 1 && wire === LEN) raw = sub.string();
        else sub.skip(wire);
      }
      if (raw === undefined || raw === '') return undefined;
      return parseRaw(raw, type);
    }
    case 'StringList': {
      const items: string[] = [];
      while (!sub.done()) {
        const [num, wire] = sub.tag();
        if (num === 1 && wire === LEN) items.push(sub.string());
        else sub.skip(wire);
      }
      return items;
    }
  }
}

function parseRaw(raw: string, type: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new WireError(`${type} does not hold JSON`);
  }
}
