// Patch application for the fake client: @kubets/api's patch functions when present, local RFC 7386/6902 otherwise.
import * as api from '@kubets/api';
import type { KindDef, KubeObject } from '@kubets/api';
import type { PatchType } from '../interface';

type ApiPatch = {
  applyJsonPatch?: (doc: unknown, ops: unknown) => unknown;
  applyMergePatch?: (doc: unknown, patch: unknown) => unknown;
  applyStrategicMergePatch?: (doc: unknown, patch: unknown, schema: unknown) => unknown;
};

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObj(doc) ? { ...doc } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function unescape(tok: string): string {
  return tok.replace(/~1/g, '/').replace(/~0/g, '~');
}

function badPatch(msg: string): Error {
  return api.errors.badRequest(msg);
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw badPatch(`invalid JSON pointer: ${p}`);
  return p.slice(1).split('/').map(unescape);
}

function getAt(doc: unknown, path: string[]): unknown {
  let cur = doc;
  for (const t of path) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badPatch('json patch must be an array');
  let root = structuredClone(doc);
  for (const raw of ops) {
    if (!isObj(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') throw badPatch('invalid json patch operation');
    const path = parsePointer(raw.path);
    const op = raw.op;
    if (op === 'test') {
      if (JSON.stringify(getAt(root, path)) !== JSON.stringify(raw.value)) throw badPatch(`testing value ${raw.path} failed`);
      continue;
    }
    let value: unknown = raw.value;
    if (op === 'copy' || op === 'move') {
      if (typeof raw.from !== 'string') throw badPatch('missing from');
      const from = parsePointer(raw.from);
      value = structuredClone(getAt(root, from));
      if (value === undefined) throw badPatch(`missing path ${raw.from}`);
      if (op === 'move') root = removeAt(root, from);
    }
    if (op === 'remove') root = removeAt(root, path);
    else if (op === 'add' || op === 'copy' || op === 'move') root = setAt(root, path, structuredClone(value), true);
    else if (op === 'replace') {
      if (getAt(root, path) === undefined) throw badPatch(`replace operation does not apply: doc is missing key: ${raw.path}`);
      root = setAt(root, path, structuredClone(value), false);
    } else throw badPatch(`unexpected op ${op}`);
  }
  return root;
}

function parentOf(root: unknown, path: string[]): { parent: unknown; last: string } {
  if (path.length === 0) throw badPatch('cannot operate on the document root');
  const parent = getAt(root, path.slice(0, -1));
  if (!isObj(parent) && !Array.isArray(parent)) throw badPatch(`missing path /${path.slice(0, -1).join('/')}`);
  return { parent, last: path[path.length - 1]! };
}

function setAt(root: unknown, path: string[], value: unknown, insert: boolean): unknown {
  if (path.length === 0) return value;
  const { parent, last } = parentOf(root, path);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw badPatch(`index out of range: ${last}`);
    if (insert) parent.splice(i, 0, value);
    else parent[i] = value;
  } else (parent as Record<string, unknown>)[last] = value;
  return root;
}

function removeAt(root: unknown, path: string[]): unknown {
  const { parent, last } = parentOf(root, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw badPatch(`index out of range: ${last}`);
    parent.splice(i, 1);
  } else {
    if (!(last in (parent as object))) throw badPatch(`remove operation does not apply: doc is missing path: /${path.join('/')}`);
    delete (parent as Record<string, unknown>)[last];
  }
  return root;
}

/** Applies a patch of the given type to a live object (apply patches are treated as merge patches here). */
export function applyPatch(def: KindDef, live: KubeObject, patchType: PatchType, body: unknown): KubeObject {
  const a = api as unknown as ApiPatch;
  const b = typeof body === 'string' ? (JSON.parse(body) as unknown) : body;
  switch (patchType) {
    case 'json':
      return (a.applyJsonPatch ? a.applyJsonPatch(structuredClone(live), b) : jsonPatch(live, b)) as KubeObject;
    case 'merge':
      return (a.applyMergePatch ? a.applyMergePatch(structuredClone(live), b) : mergePatch(live, b)) as KubeObject;
    case 'strategic':
      if (a.applyStrategicMergePatch) return a.applyStrategicMergePatch(structuredClone(live), b, def.schema) as KubeObject;
      return mergePatch(live, b) as KubeObject;
    case 'apply':
      return mergePatch(live, b) as KubeObject;
  }
}
