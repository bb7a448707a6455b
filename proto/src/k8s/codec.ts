// application/vnd.kubernetes.protobuf request bodies: "k8s\0" + runtime.Unknown{typeMeta, raw} where raw is the
// kind's message. Decodes into the Kubernetes JSON shape; malformed input is a 400, kinds we cannot decode a 415.
import { errors, type KubeObject } from '@kubets/api';
import { k8sType, messageForKind } from './loader';
import { objectFromJson, objectToJson } from './convert';

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const UNKNOWN = 'k8s.io.apimachinery.pkg.runtime.Unknown';

function noDecoder(apiVersion: string, kind: string) {
  return errors.unsupportedMediaType(`${PROTOBUF_CONTENT_TYPE} for ${apiVersion}, Kind=${kind}: no protobuf decoder for this kind, send application/json`);
}

export function decodeKubernetesProtobuf(body: Buffer): KubeObject {
  if (!((body as unknown) instanceof Uint8Array)) throw errors.badRequest('protobuf body must be bytes');
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (buf.length < PROTOBUF_MAGIC.length || !buf.subarray(0, 4).equals(PROTOBUF_MAGIC)) {
    throw errors.badRequest('provided object is not a Kubernetes protobuf message: missing "k8s\\0" prefix');
  }
  let apiVersion = '';
  let kind = '';
  let raw: Uint8Array;
  try {
    const env = k8sType(UNKNOWN).decode(buf.subarray(4)) as unknown as {
      typeMeta?: { apiVersion?: string; kind?: string };
      raw?: Uint8Array;
      contentEncoding?: string;
    };
    apiVersion = env.typeMeta?.apiVersion ?? '';
    kind = env.typeMeta?.kind ?? '';
    if (env.contentEncoding) throw new Error(`unsupported content encoding "${env.contentEncoding}"`);
    raw = env.raw ?? new Uint8Array();
  } catch (e) {
    throw errors.badRequest(`unable to decode protobuf body: ${(e as Error).message}`);
  }
  if (!apiVersion || !kind) throw errors.badRequest('Object \'Kind\' is missing in protobuf body');
  const type = messageForKind(apiVersion, kind);
  if (!type) throw noDecoder(apiVersion, kind);
  let obj: Record<string, unknown>;
  try {
    obj = objectToJson(type.decode(raw) as unknown as Record<string, unknown>, type);
  } catch (e) {
    throw errors.badRequest(`unable to decode ${kind} from protobuf body: ${(e as Error).message}`);
  }
  const { metadata, ...rest } = obj;
  return { apiVersion, kind, metadata: (metadata ?? {}) as KubeObject['metadata'], ...rest };
}

/** The body a typed client would send for `obj` (used to build fixtures and by tests). */
export function encodeKubernetesProtobuf(obj: KubeObject): Buffer {
  const apiVersion = obj.apiVersion ?? '';
  const kind = obj.kind ?? '';
  const type = messageForKind(apiVersion, kind);
  if (!type) throw noDecoder(apiVersion, kind);
  const plain = objectFromJson(obj as unknown as Record<string, unknown>, type);
  const raw = type.encode(type.fromObject(plain)).finish();
  const unknown = k8sType(UNKNOWN);
  const env = unknown.encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' })).finish();
  return Buffer.concat([PROTOBUF_MAGIC, env]);
}
