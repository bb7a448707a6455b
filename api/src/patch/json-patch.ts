// RFC 6902 JSON Patch (application/json-patch+json) with RFC 6901 pointers.
// Malformed patch documents → 400; operations that cannot apply (missing path, failed test) → 422, as kube-apiserver.
import { errors } from '../errors/status-error';
import { MAX_JSON_PATCH_OPERATIONS, badPatch, unprocessablePatch } from './errors';
import { deepClone, deepEqual, isPlainObject } from './schema-walk';

type Op = { op: string; path: string; from?: string; value?: unknown; hasValue: boolean };

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw unprocessablePatch(`JSON pointer "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parseOps(ops: unknown): Op[] {
  if (!Array.isArray(ops)) throw badPatch('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw errors.tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  return ops.map((raw, i) => {
    if (!isPlainObject(raw)) throw badPatch(`json patch operation ${i} is not an object`);
    const { op, path, from } = raw;
    if (typeof op !== 'string') throw badPatch(`json patch operation ${i}: missing "op"`);
    if (typeof path !== 'string') throw unprocessablePatch(`${op} operation: missing path`);
    if (from !== undefined && typeof from !== 'string') throw badPatch(`json patch operation ${i}: "from" must be a string`);
    return { op, path, from, value: raw.value, hasValue: Object.prototype.hasOwnProperty.call(raw, 'value') };
  });
}

function arrayIndex(token: string, length: number, forAdd: boolean): number {
  if (forAdd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw unprocessablePatch(`invalid array index "${token}"`);
  const i = Number(token);
  if (forAdd ? i > length : i >= length) throw unprocessablePatch(`array index ${i} out of bounds`);
  return i;
}

/** Resolve the container holding the last token of `tokens`. */
function parentOf(doc: unknown, tokens: string[], opName: string, path: string): unknown {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false)];
    else if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw unprocessablePatch(`${opName} operation does not apply: doc is missing path: "${path}"`);
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) {
    throw unprocessablePatch(`${opName} operation does not apply: doc is missing path: "${path}"`);
  }
  return cur;
}

function getAt(doc: unknown, path: string, opName: string): unknown {
  let cur = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false)];
    else if (isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw unprocessablePatch(`${opName} operation does not apply: doc is missing path: "${path}"`);
  }
  return cur;
}

function addAt(doc: unknown, path: string, value: unknown, opName = 'add'): unknown {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, opName, path);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true), 0, value);
  else (parent as Record<string, unknown>)[last] = value;
  return doc;
}

function removeAt(doc: unknown, path: string, opName = 'remove'): { doc: unknown; removed: unknown } {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return { doc: null, removed: doc };
  const parent = parentOf(doc, tokens, opName, path);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(last, parent.length, false);
    return { doc, removed: parent.splice(i, 1)[0] };
  }
  const obj = parent as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(obj, last)) {
    throw unprocessablePatch(`${opName} operation does not apply: doc is missing path: "${path}"`);
  }
  const removed = obj[last];
  delete obj[last];
  return { doc, removed };
}

function requireValue(o: Op): unknown {
  if (!o.hasValue) throw unprocessablePatch(`${o.op} operation: missing value`);
  return deepClone(o.value);
}

function requireFrom(o: Op): string {
  if (o.from === undefined) throw unprocessablePatch(`${o.op} operation: missing from`);
  return o.from;
}

/** Applies RFC 6902 operations to a copy of `doc` and returns it. */
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  const list = parseOps(ops);
  let cur = deepClone(doc);
  for (const o of list) {
    switch (o.op) {
      case 'add':
        cur = addAt(cur, o.path, requireValue(o));
        break;
      case 'remove':
        cur = removeAt(cur, o.path).doc;
        break;
      case 'replace': {
        const value = requireValue(o);
        const tokens = parsePointer(o.path);
        if (tokens.length === 0) {
          cur = value;
          break;
        }
        const parent = parentOf(cur, tokens, 'replace', o.path);
        const last = tokens[tokens.length - 1]!;
        if (Array.isArray(parent)) parent[arrayIndex(last, parent.length, false)] = value;
        else {
          const obj = parent as Record<string, unknown>;
          if (!Object.prototype.hasOwnProperty.call(obj, last)) {
            throw unprocessablePatch(`replace operation does not apply: doc is missing key: ${o.path}`);
          }
          obj[last] = value;
        }
        break;
      }
      case 'move': {
        const from = requireFrom(o);
        if (o.path !== from && o.path.startsWith(from + '/')) {
          throw unprocessablePatch(`move operation: cannot move "${from}" into its own child "${o.path}"`);
        }
        const r = removeAt(cur, from, 'move');
        cur = addAt(r.doc, o.path, r.removed, 'move');
        break;
      }
      case 'copy': {
        const v = deepClone(getAt(cur, requireFrom(o), 'copy'));
        cur = addAt(cur, o.path, v, 'copy');
        break;
      }
      case 'test': {
        const expected = o.hasValue ? o.value : undefined;
        let actual: unknown;
        try {
          actual = getAt(cur, o.path, 'test');
        } catch {
          actual = undefined;
        }
        // evanphx/json-patch treats a missing path as null when testing for null.
        if (!deepEqual(actual ?? null, expected ?? null)) {
          throw unprocessablePatch(`testing value ${o.path} failed: test failed`);
        }
        break;
      }
      default:
        throw unprocessablePatch(`Unexpected kind: ${o.op}`);
    }
  }
  return cur;
}
