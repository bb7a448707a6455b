// Field paths and field sets as server-side apply uses them (structured-merge-diff), and their FieldsV1 form:
//   {"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{}}}}}
// Path elements: `f:<field>` (struct field or map key), `k:<json of list-map keys, sorted>` (map-list item),
// `v:<json value>` (set member), `i:<index>` (list item without keys). `.` marks the node itself as a member.
import type { TSchema } from '@sinclair/typebox';
import {
  deepEqual,
  fieldSchema,
  isAtomicMap,
  isDeclaredField,
  isPlainObject,
  isScalarUnion,
  isUnknown,
  itemSchema,
  listType,
  type NodeSchema,
} from './schema-walk';

export type Path = string[];

/** A path's identity in maps and sets (path elements never contain NUL: FieldsV1 keys are JSON or field names). */
export const pathKey = (p: Path): string => p.join('\u0000');
const key = pathKey;

/** A set of paths (each an array of path elements). */
export class FieldSet {
  private readonly m = new Map<string, Path>();

  constructor(paths: Iterable<Path> = []) {
    for (const p of paths) this.add(p);
  }
  add(p: Path): this {
    this.m.set(key(p), p);
    return this;
  }
  delete(p: Path): void {
    this.m.delete(key(p));
  }
  has(p: Path): boolean {
    return this.m.has(key(p));
  }
  get size(): number {
    return this.m.size;
  }
  paths(): Path[] {
    return [...this.m.values()];
  }
  union(o: FieldSet): FieldSet {
    return new FieldSet([...this.paths(), ...o.paths()]);
  }
  difference(o: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((p) => !o.has(p)));
  }
  intersection(o: FieldSet): FieldSet {
    return new FieldSet(this.paths().filter((p) => o.has(p)));
  }
  /** True when the set holds `p` or a path below it. */
  hasPrefix(p: Path): boolean {
    return this.paths().some((q) => q.length >= p.length && p.every((e, i) => q[i] === e));
  }
  equals(o: FieldSet): boolean {
    return this.size === o.size && this.paths().every((p) => o.has(p));
  }
  filter(fn: (p: Path) => boolean): FieldSet {
    return new FieldSet(this.paths().filter(fn));
  }

  /** FieldsV1 JSON, children sorted by key (as the Go encoder writes them). */
  toFieldsV1(): Record<string, unknown> {
    type Node = { member: boolean; children: Map<string, Node> };
    const root: Node = { member: false, children: new Map() };
    for (const p of this.paths()) {
      let n = root;
      for (const e of p) {
        let c = n.children.get(e);
        if (!c) n.children.set(e, (c = { member: false, children: new Map() }));
        n = c;
      }
      n.member = true;
    }
    const render = (n: Node): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      if (n.member && n.children.size > 0) out['.'] = {};
      for (const k of [...n.children.keys()].sort()) out[k] = render(n.children.get(k)!);
      return out;
    };
    return render(root);
  }

  static fromFieldsV1(v: unknown): FieldSet {
    const set = new FieldSet();
    const walk = (node: unknown, path: Path) => {
      if (!isPlainObject(node)) return;
      const keys = Object.keys(node);
      if (path.length > 0 && (keys.length === 0 || keys.includes('.'))) set.add(path);
      for (const k of keys) if (k !== '.') walk(node[k], [...path, k]);
    };
    walk(v, []);
    return set;
  }
}

/** How a path element reads in messages: `.spec.containers[name="web"].image`. */
export function pathString(p: Path): string {
  return p
    .map((e) => {
      const body = e.slice(2);
      if (e.startsWith('f:')) return '.' + body;
      if (e.startsWith('v:')) return `[=${body}]`;
      if (e.startsWith('i:')) return `[${body}]`;
      if (e.startsWith('k:')) {
        try {
          const keys = JSON.parse(body) as Record<string, unknown>;
          return '[' + Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',') + ']';
        } catch {
          return `[${body}]`;
        }
      }
      return e;
    })
    .join('');
}

/**
 * The `k:` element of a map-list item (keys sorted by name, JSON-encoded), falling back to `i:<index>` when it has
 * none. A missing key field takes its schema `default` (e.g. ports' protocol "TCP"), as structured-merge-diff does.
 */
export function itemElement(item: unknown, index: number, keys: string[], itemSchema?: NodeSchema): string {
  if (isPlainObject(item)) {
    const o: Record<string, unknown> = {};
    for (const k of [...keys].sort()) {
      let v = item[k];
      if (v === undefined && itemSchema) v = (fieldSchema(itemSchema, k) as { default?: unknown } | undefined)?.default;
      if (v !== undefined) o[k] = v;
    }
    if (Object.keys(o).length > 0) return 'k:' + JSON.stringify(o);
  }
  return `i:${index}`;
}

export type NodeKind = 'field' | 'mapkey' | 'item';

export interface NodeInfo {
  path: Path;
  value: unknown;
  /** no children are tracked below it (scalar, atomic list/map, empty map, null) */
  leaf: boolean;
  kind: NodeKind;
}

/** Every node of `obj` below the root, keyed by path, with what server-side apply needs to know of it. */
export function enumerate(obj: unknown, schema: TSchema): Map<string, NodeInfo> {
  const out = new Map<string, NodeInfo>();
  const visit = (value: unknown, s: NodeSchema, path: Path, kind: NodeKind) => {
    const leaf = isLeaf(value, s);
    if (path.length > 0) out.set(key(path), { path, value, leaf, kind });
    if (leaf) return;
    if (Array.isArray(value)) {
      const lt = listType(s);
      const is = itemSchema(s);
      value.forEach((item, i) => {
        const e = lt.type === 'set' ? 'v:' + JSON.stringify(item) : itemElement(item, i, lt.keys, is);
        visit(item, is, [...path, e], 'item');
      });
      return;
    }
    if (isPlainObject(value)) {
      const unknown = isUnknown(s);
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        const declared = !unknown && isDeclaredField(s, k);
        visit(v, unknown ? undefined : fieldSchema(s, k), [...path, 'f:' + k], declared ? 'field' : 'mapkey');
      }
    }
  };
  visit(obj, schema, [], 'field');
  return out;
}

function isLeaf(value: unknown, s: NodeSchema): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (isScalarUnion(s)) return true;
  if (Array.isArray(value)) return isUnknown(s) || listType(s).type === 'atomic';
  if (isAtomicMap(s)) return true;
  return Object.keys(value).length === 0;
}

/** The field set of an applied configuration (structured-merge-diff's ToFieldSet). */
export function appliedFieldSet(obj: unknown, schema: TSchema): FieldSet {
  const set = new FieldSet();
  for (const n of enumerate(obj, schema).values()) {
    if (n.leaf || n.kind !== 'field') set.add(n.path);
  }
  return set;
}

export interface Comparison {
  added: FieldSet;
  removed: FieldSet;
  modified: FieldSet;
  /** enumerate(after), kept so callers need not walk the object again */
  afterNodes?: Map<string, NodeInfo>;
}

/** Paths added, removed and changed (leaves whose value differs) between two objects. */
export function compareObjects(before: unknown, after: unknown, schema: TSchema): Comparison {
  const a = enumerate(before, schema);
  const b = enumerate(after, schema);
  const added = new FieldSet();
  const removed = new FieldSet();
  const modified = new FieldSet();
  for (const [k, n] of b) {
    const o = a.get(k);
    if (!o) added.add(n.path);
    else if ((n.leaf || o.leaf) && !deepEqual(n.value, o.value)) modified.add(n.path);
  }
  for (const [k, n] of a) if (!b.has(k)) removed.add(n.path);
  return { added, removed, modified, afterNodes: b };
}
