// Between decoded protobuf messages and the Kubernetes JSON shape.
// Go's proto2 encoding writes every non-pointer field, so decoding drops what JSON would omit: empty strings,
// empty lists and maps, zero Times, and 0/false unless the Go field is a pointer (then 0/false were set on purpose).
// Special types: Time {seconds,nanos} ↔ RFC 3339, Quantity {string} ↔ string, IntOrString ↔ number|string,
// bytes ↔ base64, FieldsV1 {Raw} ↔ JSON; embedded structs (LocalObjectReference, VolumeSource, ProbeHandler)
// are inline in JSON.
import * as protobuf from 'protobufjs';

type Rec = Record<string, unknown>;

const TIME = '.k8s.io.apimachinery.pkg.apis.meta.v1.Time';
const FIELDS_V1 = '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1';
const QUANTITY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';

/** Fields whose message is embedded (inline) in the Go struct, so JSON shows its fields on the parent. */
const INLINE = new Set(['localObjectReference', 'volumeSource', 'handler', 'ingressRuleValue']);

/** Proto field names whose JSON name differs (Message.field → json). */
const JSON_NAMES: Readonly<Record<string, string>> = { 'BoundObjectReference.uID': 'uid' };
const jsonName = (type: protobuf.Type, field: string) => JSON_NAMES[`${type.name}.${field}`] ?? field;

/** Go pointer fields (and non-omitempty ones) of integer/bool type: a decoded 0/false is kept. */
const KEEP_ZERO = new Set(
  [
    'ObjectMeta.deletionGracePeriodSeconds',
    'OwnerReference.controller',
    'OwnerReference.blockOwnerDeletion',
    'ConfigMap.immutable',
    'Secret.immutable',
    'ServiceAccount.automountServiceAccountToken',
    'ServiceSpec.allocateLoadBalancerNodePorts',
    'ServicePort.port',
    'ClientIPConfig.timeoutSeconds',
    'PodSpec.terminationGracePeriodSeconds',
    'PodSpec.activeDeadlineSeconds',
    'PodSpec.automountServiceAccountToken',
    'PodSpec.priority',
    'PodSpec.shareProcessNamespace',
    'PodSpec.enableServiceLinks',
    'PodSpec.setHostnameAsFQDN',
    'PodSpec.hostUsers',
    'ContainerPort.containerPort',
    'ConfigMapKeySelector.optional',
    'SecretKeySelector.optional',
    'ConfigMapEnvSource.optional',
    'SecretEnvSource.optional',
    'SecretVolumeSource.defaultMode',
    'SecretVolumeSource.optional',
    'ConfigMapVolumeSource.defaultMode',
    'ConfigMapVolumeSource.optional',
    'KeyToPath.mode',
    'Toleration.tolerationSeconds',
    'Probe.terminationGracePeriodSeconds',
    'SecurityContext.privileged',
    'SecurityContext.runAsUser',
    'SecurityContext.runAsNonRoot',
    'SecurityContext.readOnlyRootFilesystem',
    'SecurityContext.allowPrivilegeEscalation',
    'SecurityContext.runAsGroup',
    'PodSecurityContext.runAsUser',
    'PodSecurityContext.runAsNonRoot',
    'PodSecurityContext.fsGroup',
    'PodSecurityContext.runAsGroup',
    'DeploymentSpec.replicas',
    'DeploymentSpec.revisionHistoryLimit',
    'DeploymentSpec.progressDeadlineSeconds',
    'DeploymentStatus.collisionCount',
    'JobSpec.parallelism',
    'JobSpec.completions',
    'JobSpec.activeDeadlineSeconds',
    'JobSpec.manualSelector',
    'JobSpec.backoffLimit',
    'JobSpec.ttlSecondsAfterFinished',
    'JobSpec.suspend',
    'JobSpec.backoffLimitPerIndex',
    'JobSpec.maxFailedIndexes',
    'JobStatus.ready',
    'JobStatus.terminating',
    'CronJobSpec.startingDeadlineSeconds',
    'CronJobSpec.suspend',
    'CronJobSpec.successfulJobsHistoryLimit',
    'CronJobSpec.failedJobsHistoryLimit',
    'PriorityClass.value',
    'TokenRequestSpec.expirationSeconds',
    'PodDisruptionBudgetStatus.disruptionsAllowed',
    'PodDisruptionBudgetStatus.currentHealthy',
    'PodDisruptionBudgetStatus.desiredHealthy',
    'PodDisruptionBudgetStatus.expectedPods',
  ],
);

function own(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'low' in v && 'high' in v) {
    const l = v as { low: number; high: number; unsigned?: boolean };
    return new protobuf.util.LongBits(l.low >>> 0, l.high >>> 0).toNumber(!!l.unsigned);
  }
  return Number(v);
}

function toBase64(v: unknown): string {
  return v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : '';
}

export function formatTime(seconds: number, nanos: number): string {
  const iso = new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
  return nanos ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}

function messageName(t: protobuf.Type): string {
  return t.fullName;
}

/** A decoded value of a message type → its JSON, or undefined when JSON would omit it. */
function messageToJson(msg: Rec, type: protobuf.Type): unknown {
  switch (messageName(type)) {
    case TIME: {
      const s = own(msg, 'seconds') ? toNumber(msg.seconds) : 0;
      const n = own(msg, 'nanos') ? toNumber(msg.nanos) : 0;
      return s === 0 && n === 0 ? undefined : formatTime(s, n);
    }
    case QUANTITY:
      return typeof msg.string === 'string' && msg.string !== '' ? msg.string : undefined;
    case INT_OR_STRING:
      return toNumber(own(msg, 'type') ? msg.type : 0) === 1 ? String(msg.strVal ?? '') : toNumber(own(msg, 'intVal') ? msg.intVal : 0);
    case FIELDS_V1: {
      const raw = msg.Raw;
      if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
      try {
        return JSON.parse(Buffer.from(raw).toString('utf8'));
      } catch {
        return undefined;
      }
    }
    default:
      return objectToJson(msg, type);
  }
}

function scalarToJson(v: unknown, field: protobuf.Field, keepZero: boolean): unknown {
  switch (field.type) {
    case 'string':
      return v === '' && !keepZero ? undefined : v;
    case 'bytes':
      return toBase64(v);
    case 'bool':
      return v === false && !keepZero ? undefined : v;
    default: {
      const n = toNumber(v);
      return n === 0 && !keepZero ? undefined : n;
    }
  }
}

function valueToJson(v: unknown, field: protobuf.Field, keepZero: boolean): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return v && typeof v === 'object' ? messageToJson(v as Rec, rt) : undefined;
  return scalarToJson(v, field, keepZero);
}

/** A decoded message → Kubernetes JSON. */
export function objectToJson(msg: Rec, type: protobuf.Type): Rec {
  const out: Rec = {};
  for (const field of type.fieldsArray) {
    const name = field.name;
    if (!own(msg, name)) continue;
    const v = msg[name];
    if (field.map) {
      const m: Rec = {};
      for (const [k, mv] of Object.entries((v ?? {}) as Rec)) {
        const j = valueToJson(mv, field, true);
        m[k] = j === undefined ? (field.type === 'string' ? '' : j) : j;
      }
      if (Object.keys(m).length > 0) out[jsonName(type, name)] = m;
    } else if (field.repeated) {
      const arr = Array.isArray(v) ? v.map((x) => valueToJson(x, field, true) ?? (field.resolvedType ? {} : x)) : [];
      if (arr.length > 0) out[jsonName(type, name)] = arr;
    } else {
      const keepZero = KEEP_ZERO.has(`${type.name}.${name}`);
      const j = valueToJson(v, field, keepZero);
      if (j === undefined) continue;
      if (INLINE.has(name) && j && typeof j === 'object' && !Array.isArray(j)) Object.assign(out, j);
      else out[jsonName(type, name)] = j;
    }
  }
  return out;
}

// ---- JSON → message object (for encoding)

function parseTime(v: unknown): Rec | undefined {
  if (typeof v !== 'string') return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return undefined;
  const frac = /\.(\d+)/.exec(v)?.[1];
  const nanos = frac ? Number((frac + '000000000').slice(0, 9)) : 0;
  return { seconds: Math.floor(ms / 1000), nanos };
}

function messageFromJson(v: unknown, type: protobuf.Type): Rec | undefined {
  switch (messageName(type)) {
    case TIME:
      return parseTime(v);
    case QUANTITY:
      return v === undefined || v === null ? undefined : { string: String(v) };
    case INT_OR_STRING:
      return typeof v === 'number' ? { type: 0, intVal: v } : typeof v === 'string' ? { type: 1, strVal: v } : undefined;
    case FIELDS_V1:
      return v === undefined ? undefined : { Raw: Buffer.from(JSON.stringify(v)) };
    default:
      return v && typeof v === 'object' && !Array.isArray(v) ? objectFromJson(v as Rec, type) : undefined;
  }
}

function valueFromJson(v: unknown, field: protobuf.Field): unknown {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return messageFromJson(v, rt);
  if (field.type === 'bytes') return typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
  return v;
}

/** Kubernetes JSON → a plain object protobufjs can encode with `type`. */
export function objectFromJson(obj: Rec, type: protobuf.Type): Rec {
  const out: Rec = {};
  for (const field of type.fieldsArray) {
    const name = field.name;
    if (INLINE.has(name) && field.resolvedType instanceof protobuf.Type) {
      const sub = objectFromJson(obj, field.resolvedType);
      if (Object.keys(sub).length > 0) out[name] = sub;
      continue;
    }
    const v = obj[jsonName(type, name)];
    if (v === undefined || v === null) continue;
    if (field.map) {
      const m: Rec = {};
      for (const [k, mv] of Object.entries(v as Rec)) {
        const c = valueFromJson(mv, field);
        if (c !== undefined) m[k] = c;
      }
      out[name] = m;
    } else if (field.repeated) {
      if (Array.isArray(v)) out[name] = v.map((x) => valueFromJson(x, field) ?? {});
    } else {
      const c = valueFromJson(v, field);
      if (c !== undefined) out[name] = c;
    }
  }
  return out;
}
