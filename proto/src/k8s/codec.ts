// application/vnd.kubernetes.protobuf bodies: "k8s\0" + runtime.Unknown{1: typeMeta{1: apiVersion, 2: kind},
// 2: raw, 3: contentEncoding, 4: contentType} where raw is the kind's message. Watch streams
// (;stream=watch) are frames of a 4-byte big-endian length and a bare WatchEvent{1: type, 2: object RawExtension}
// whose object holds a whole "k8s\0" body. Errors are StatusErrors: malformed input 400, kinds we cannot
// decode 415, fields the server would have to drop 400.
import { errors, type KubeObject } from '@kubets/api';
import { decodeMessage, encodeMessage, message, UnsupportedFieldError } from './message-codec';
import { protoKind } from './kinds';
import { ShapeError } from './special';
import { LEN, Reader, WireError, Writer, utf8 } from './wire';

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_WATCH_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf;stream=watch';

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: [number, number];
  contentEncoding: string;
}

function readEnvelope(buf: Uint8Array): Envelope {
  const r = new Reader(buf, PROTOBUF_MAGIC.length);
  const env: Envelope = { apiVersion: '', kind: '', raw: [0, 0], contentEncoding: '' };
  while (!r.done()) {
    const [num, wire] = r.tag();
    if (wire !== LEN) {
      r.skip(wire);
      continue;
    }
    const [a, b] = r.span();
    if (num === 1) {
      const t = new Reader(buf, a, b);
      while (!t.done()) {
        const [n, w] = t.tag();
        if (w !== LEN) {
          t.skip(w);
          continue;
        }
        const [x, y] = t.span();
        if (n === 1) env.apiVersion = utf8(buf, x, y);
        else if (n === 2) env.kind = utf8(buf, x, y);
      }
    } else if (num === 2) env.raw = [a, b];
    else if (num === 3) env.contentEncoding = utf8(buf, a, b);
  }
  return env;
}

function pathOf(e: Error): string {
  const p = (e as { path?: string[] }).path ?? [];
  return p.reduce((acc, k) => (k.startsWith('[') ? acc + k : acc ? `${acc}.${k}` : k), '');
}

export function isKubernetesProtobuf(body: Uint8Array): boolean {
  return body.length >= 4 && body[0] === 0x6b && body[1] === 0x38 && body[2] === 0x73 && body[3] === 0x00;
}

export function decodeKubernetesProtobuf(body: Uint8Array): KubeObject {
  if (!isKubernetesProtobuf(body)) throw errors.badRequest('provided object is not a Kubernetes protobuf message: missing "k8s\\0" prefix');
  let env: Envelope;
  try {
    env = readEnvelope(body);
  } catch (e) {
    throw errors.badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
  }
  const { apiVersion, kind } = env;
  if (env.contentEncoding) throw errors.badRequest(`unable to decode protobuf body: unsupported content encoding "${env.contentEncoding}"`);
  if (!apiVersion || !kind) throw errors.badRequest("Object 'Kind' is missing in protobuf body");
  const pk = protoKind(apiVersion, kind);
  if (!pk) throw errors.unsupportedMediaType(`${PROTOBUF_CONTENT_TYPE} for ${apiVersion}, Kind=${kind}: no protobuf decoder for this kind, send application/json`);
  let obj: Record<string, unknown>;
  try {
    obj = decodeMessage(body, pk.message, pk.schema, env.raw[0], env.raw[1]);
  } catch (e) {
    if (e instanceof UnsupportedFieldError) throw errors.badRequest(`${kind} in protobuf body: ${pathOf(e)}: ${e.message}; send application/json`);
    if (e instanceof WireError || e instanceof ShapeError || e instanceof RangeError || e instanceof TypeError) {
      throw errors.badRequest(`unable to decode ${kind} from protobuf body${pathOf(e) ? ` at ${pathOf(e)}` : ''}: ${e.message}`);
    }
    throw e;
  }
  // JSON always shows a struct-typed metadata, empty or not
  const { metadata, ...rest } = obj;
  const hasMeta = metadata !== undefined || message(pk.message).byJson.has('metadata');
  return { apiVersion, kind, ...(hasMeta ? { metadata: (metadata ?? {}) as KubeObject['metadata'] } : {}), ...rest } as KubeObject;
}

function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  const w = new Writer(raw.length + 64);
  w.buf.set(PROTOBUF_MAGIC, 0);
  w.pos = PROTOBUF_MAGIC.length;
  const tm = w.begin(1);
  w.tag(1, LEN);
  w.string(apiVersion);
  w.tag(2, LEN);
  w.string(kind);
  w.end(tm);
  w.tag(2, LEN);
  w.bytes(raw);
  w.tag(3, LEN);
  w.string('');
  w.tag(4, LEN);
  w.string('');
  return Buffer.from(w.finish());
}

/** Whether obj's kind has a protobuf form (responses fall back to JSON when not). */
export function hasProtobuf(obj: unknown): obj is object {
  if (typeof obj !== 'object' || obj === null) return false;
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  return typeof apiVersion === 'string' && typeof kind === 'string' && protoKind(apiVersion, kind) !== undefined;
}

/** The "k8s\0" body for `obj`. Throws when its kind has no protobuf form or a field has no field number. */
export function encodeKubernetesProtobuf(obj: object): Buffer {
  const o = obj as { apiVersion?: unknown; kind?: unknown };
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const kind = typeof o.kind === 'string' ? o.kind : '';
  const pk = protoKind(apiVersion, kind);
  if (!pk) throw errors.notAcceptable(`no protobuf form for ${apiVersion}, Kind=${kind}`);
  try {
    return envelope(apiVersion, kind, encodeMessage(obj as Record<string, unknown>, pk.message));
  } catch (e) {
    if (e instanceof ShapeError || e instanceof UnsupportedFieldError) throw new Error(`cannot encode ${kind} as protobuf at ${pathOf(e)}: ${e.message}`);
    throw e;
  }
}

/** One frame of a protobuf watch stream. */
export function encodeWatchEventFrame(type: string, obj: object): Buffer {
  const inner = encodeKubernetesProtobuf(obj);
  const w = new Writer(inner.length + 32);
  w.pos = 4;
  w.tag(1, LEN);
  w.string(type);
  const o = w.begin(2);
  w.tag(1, LEN);
  w.bytes(inner);
  w.end(o);
  const out = Buffer.from(w.finish());
  out.writeUInt32BE(out.length - 4, 0);
  return out;
}

/** Splits a protobuf watch stream into events (for clients and tests); `rest` is an incomplete trailing frame. */
export function decodeWatchEventFrames(buf: Buffer): { events: Array<{ type: string; object: KubeObject }>; rest: Buffer } {
  const events: Array<{ type: string; object: KubeObject }> = [];
  let pos = 0;
  while (buf.length - pos >= 4) {
    const len = buf.readUInt32BE(pos);
    if (buf.length - pos - 4 < len) break;
    const r = new Reader(buf, pos + 4, pos + 4 + len);
    let type = '';
    let object: KubeObject | undefined;
    while (!r.done()) {
      const [num, wire] = r.tag();
      if (wire !== LEN) {
        r.skip(wire);
        continue;
      }
      const [a, b] = r.span();
      if (num === 1) type = utf8(buf, a, b);
      else if (num === 2) {
        const x = new Reader(buf, a, b);
        while (!x.done()) {
          const [n, w] = x.tag();
          if (n === 1 && w === LEN) {
            const [c, d] = x.span();
            object = decodeKubernetesProtobuf(buf.subarray(c, d));
          } else x.skip(w);
        }
      }
    }
    if (!object) throw errors.badRequest('watch event without an object');
    events.push({ type, object });
    pos += 4 + len;
  }
  return { events, rest: buf.subarray(pos) };
}
