// Turning a decoded request body into an object fit to store: type checks, unknown fields, defaults,
// system fields and validation. Shared by create, update and patch.
import { errors, apiVersionOf, type KindDef, type KubeObject, type StatusCause } from '@kubets/api';
import { isDeepStrictEqual } from 'node:util';
import * as deps from './deps';
import type { RequestContext } from './context';
import { kindMismatchMessage } from '../encoding/decode-errors';

export function gr(def: KindDef): { group: string; resource: string } {
  return { group: def.group, resource: def.plural };
}
export function gk(def: KindDef): { group: string; kind: string } {
  return { group: def.group, kind: def.kind };
}

/** Checks the body is an object of this kind and fills apiVersion/kind when absent. */
export function asObjectOfKind(def: KindDef, body: unknown, expectKind = def.kind, expectApiVersion = apiVersionOf(def.group, def.version)): KubeObject {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw errors.badRequest(`the body of the request must be a JSON object of kind ${expectKind}`);
  }
  const o = body as Record<string, unknown>;
  // the kind is checked first: upstream's decoder fails converting a foreign kind before the version check
  if (o.kind !== undefined && o.kind !== '' && o.kind !== expectKind) {
    throw errors.badRequest(kindMismatchMessage(typeof o.apiVersion === 'string' && o.apiVersion ? o.apiVersion : expectApiVersion, String(o.kind), { group: def.group, kind: expectKind }));
  }
  if (o.apiVersion !== undefined && o.apiVersion !== '' && o.apiVersion !== expectApiVersion) {
    throw errors.badRequest(`the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${expectApiVersion})`);
  }
  if (o.metadata === undefined || o.metadata === null) o.metadata = {};
  if (typeof o.metadata !== 'object' || Array.isArray(o.metadata)) throw errors.badRequest(`${expectKind}.metadata must be an object`);
  o.apiVersion = expectApiVersion;
  o.kind = expectKind;
  return o as KubeObject;
}

/** fieldValidation handling: Strict fails, Warn warns and drops, Ignore drops (as Kubernetes' decoder does). */
export function handleUnknownFields(def: KindDef, obj: KubeObject, ctx: RequestContext): void {
  if (ctx.fieldValidation === 'Strict') {
    const unknown = deps.unknownFields(def.schema, obj, false);
    if (unknown.length) throw errors.badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
    return;
  }
  const unknown = deps.unknownFields(def.schema, obj, true);
  if (ctx.fieldValidation === 'Warn') for (const f of unknown) ctx.warnings.push(`unknown field "${f}"`);
}

export function applyAllDefaults(def: KindDef, obj: KubeObject): void {
  deps.applyDefaults(def.schema, obj);
  (def.strategy?.default as ((o: KubeObject) => void) | undefined)?.(obj);
  deps.normalizeQuantities(def.schema, obj);
}

export function validateCreate(def: KindDef, obj: KubeObject): void {
  const causes = deps.validateObject(def, obj);
  if (causes.length) throw errors.invalid(gk(def), obj.metadata.name ?? '', causes);
}

export function validateUpdate(def: KindDef, obj: KubeObject, old: KubeObject): void {
  const causes: StatusCause[] = deps.validateObject(def, obj, old);
  if (causes.length) throw errors.invalid(gk(def), obj.metadata.name ?? '', causes);
}

export function tracksGeneration(def: KindDef): boolean {
  if (def.strategy?.generationFromSpec !== undefined) return def.strategy.generationFromSpec;
  return Object.prototype.hasOwnProperty.call(def.schema.properties ?? {}, 'spec');
}

/** Everything except metadata and status: a change here bumps generation. */
export function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

const generateAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
export function generateSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += generateAlphabet[Math.floor(Math.random() * generateAlphabet.length)];
  return s;
}

/** On update, carry the fields clients may not change from the stored object. */
export function carrySystemFields(def: KindDef, obj: KubeObject, old: KubeObject, keepStatus: boolean): void {
  const m = obj.metadata;
  const om = old.metadata;
  m.uid = om.uid;
  m.creationTimestamp = om.creationTimestamp;
  m.name = om.name;
  if (def.namespaced) m.namespace = om.namespace;
  else delete m.namespace;
  if (om.deletionTimestamp) m.deletionTimestamp = om.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (om.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  if (om.generation !== undefined) m.generation = om.generation;
  else delete m.generation;
  delete m.selfLink;
  if (keepStatus && def.status) {
    if (old.status !== undefined) obj.status = old.status;
    else delete obj.status;
  }
}

export function bumpGeneration(def: KindDef, obj: KubeObject, old: KubeObject): void {
  if (!tracksGeneration(def)) return;
  if (!isDeepStrictEqual(specPart(obj), specPart(old))) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  // a new deletionTimestamp also bumps generation in Kubernetes
  else if (obj.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
}

export function finalizersOf(def: KindDef, obj: KubeObject): string[] {
  const fs = [...(obj.metadata.finalizers ?? [])];
  if (def.group === '' && def.plural === 'namespaces') {
    const spec = obj.spec as { finalizers?: string[] } | undefined;
    fs.push(...(spec?.finalizers ?? []));
  }
  return fs;
}
