// Turn kind schemas (TypeBox = JSON Schema) into OpenAPI v3 component schemas the way Kubernetes publishes them:
// every schema with a $id becomes components.schemas[$id], nested uses become {allOf:[{$ref}]} (kubectl explain
// follows these), TypeBox records (patternProperties) become additionalProperties maps, descriptions and
// x-kubernetes-* extensions are kept, and struct-closing additionalProperties:false is dropped.

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const refPrefix = '#/components/schemas/';
export const ref = (id: string): Json => ({ $ref: `${refPrefix}${id}` });
export const allOfRef = (id: string, extra: Json = {}): Json => ({ ...extra, allOf: [ref(id)] });

/** Keywords copied as-is (values converted recursively where they are schemas). */
const plainKeys = new Set([
  'type',
  'format',
  'description',
  'default',
  'enum',
  'required',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'nullable',
  'title',
  'example',
  'readOnly',
  'writeOnly',
]);

/**
 * Collects component schemas. `use(schema)` returns the OpenAPI form of `schema` to inline at the use site;
 * any schema carrying a $id is registered in `components` (once) and replaced by an allOf/$ref.
 */
export class ComponentCollector {
  readonly components: Record<string, Json> = {};
  private readonly converted = new WeakMap<object, Json>();
  /**
   * @param registry $id → source schema, to resolve {$ref: id} written with Type.Ref.
   * @param named schema objects without a $id that still get a component (ListMeta, OwnerReference, …).
   */
  constructor(
    private readonly registry: Map<string, Json> = new Map(),
    private readonly named: Map<object, string> = new Map(),
  ) {}

  /**
   * Register a schema as component `id` (default: its own $id); returns the component name. When several objects
   * share a $id (Opt(X, 'field doc') copies X with another description), the registry's canonical one is used.
   */
  addComponent(schema: Json, id?: string): string {
    const name = id ?? (typeof schema.$id === 'string' ? schema.$id : undefined);
    if (!name) throw new Error('addComponent: schema without $id');
    if (!(name in this.components)) {
      this.components[name] = {}; // placeholder breaks cycles
      const canonical = this.registry.get(name);
      const body = this.body(canonical ?? schema);
      // No canonical copy known: the description we have is some field's, not the type's; leave it to the field.
      if (!canonical && typeof schema.$id === 'string') delete body.description;
      this.components[name] = body;
    }
    return name;
  }

  /** allOf/$ref to a component, with the use site's own description/default when they add something. */
  private refTo(name: string, site: Json): Json {
    const extra: Json = {};
    // kubectl explain lists a field with the use site's description only, so it is always kept.
    if (typeof site.description === 'string') extra.description = site.description;
    if (site.default !== undefined) extra.default = site.default;
    return allOfRef(name, extra);
  }

  /** The use-site form of a nested schema. */
  use(schema: Json): Json {
    const name = typeof schema.$id === 'string' ? schema.$id : this.named.get(schema);
    if (name) return this.refTo(this.addComponent(schema, name), schema);
    const known = wellKnown(schema);
    if (known) {
      if (!(known.name in this.components)) this.components[known.name] = known.body;
      return this.refTo(known.name, schema);
    }
    if (typeof schema.$ref === 'string') {
      const id = schema.$ref.replace(/^#\/(components\/schemas|definitions)\//, '');
      const target = this.registry.get(id);
      if (target) this.addComponent(target, id);
      return this.refTo(id, schema);
    }
    const hit = this.converted.get(schema);
    if (hit) return hit;
    const out = this.body(schema);
    this.converted.set(schema, out);
    return out;
  }

  /** Convert the schema's own keywords (its $id is not repeated inside the component). */
  body(s: Json): Json {
    const out: Json = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === '$id' || k === '$schema') continue;
      if (plainKeys.has(k) || k.startsWith('x-kubernetes-') || k.startsWith('x-')) {
        out[k] = v;
      } else if (k === 'properties' && isObj(v)) {
        const props: Json = {};
        for (const [pk, pv] of Object.entries(v)) if (isObj(pv)) props[pk] = this.use(pv);
        out.properties = props;
      } else if (k === 'items' && isObj(v)) {
        out.items = this.use(v);
      } else if (k === 'additionalProperties') {
        if (isObj(v)) out.additionalProperties = this.use(v);
        else if (v === true) out.additionalProperties = true;
        // false: Kubernetes' documents never say it; structs are closed by construction.
      } else if (k === 'patternProperties' && isObj(v)) {
        const entries = Object.entries(v).filter((e): e is [string, Json] => isObj(e[1]));
        const first = entries[0];
        if (first) out.additionalProperties = this.use(first[1]);
      } else if ((k === 'anyOf' || k === 'oneOf' || k === 'allOf') && Array.isArray(v)) {
        out[k] = v.filter(isObj).map((b) => this.use(b));
      } else if (k === 'const') {
        out.enum = [v];
      }
    }
    // OpenAPI 3.0 (and kube-openapi, which kubectl parses with) has boolean exclusiveMinimum/Maximum paired with
    // minimum/maximum; TypeBox writes the JSON Schema 2019 numeric form. A number there breaks kubectl's decoding.
    for (const [x, base] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (typeof out[x] === 'number') {
        out[base] = out[x];
        out[x] = true;
      }
    }
    // A union of literals (TypeBox Type.Union([Type.Literal('A'), …])) is published as a plain enum.
    const union = Array.isArray(s.anyOf) ? s.anyOf.filter(isObj) : [];
    if (union.length > 0 && union.every((b) => 'const' in b)) {
      delete out.anyOf;
      const values = union.map((b) => b.const);
      out.enum = values;
      const t = typeof values[0];
      if (values.every((x) => typeof x === t) && (t === 'string' || t === 'number' || t === 'boolean')) out.type = t;
    }
    if (Array.isArray(out.required) && out.required.length === 0) delete out.required;
    return out;
  }
}

/**
 * Types Kubernetes publishes as shared definitions (so kubectl explain shows <Quantity>, <IntOrString>, <Time>):
 * recognised by shape, whatever description the use site gives.
 */
function wellKnown(s: Json): { name: string; body: Json } | undefined {
  if (s['x-kubernetes-int-or-string'] === true) {
    if (s.format === 'quantity') {
      return {
        name: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
        body: {
          description:
            'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors. The serialization format is: <quantity> ::= <signedNumber><suffix> (e.g. 100m, 1Gi, 1.5, 2e3).',
          'x-kubernetes-int-or-string': true,
          anyOf: [{ type: 'integer' }, { type: 'string' }],
          format: 'quantity',
        },
      };
    }
    return {
      name: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      body: {
        description:
          'IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.',
        'x-kubernetes-int-or-string': true,
        anyOf: [{ type: 'integer' }, { type: 'string' }],
        format: 'int-or-string',
      },
    };
  }
  if (s.type === 'string' && s.format === 'date-time') {
    return {
      name: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
      body: {
        description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON. Wrappers are provided for many of the factory methods that the time package offers.',
        type: 'string',
        format: 'date-time',
      },
    };
  }
  return undefined;
}

/**
 * Index the $id-carrying schemas reachable from `roots`, choosing one canonical object per $id: the copy whose
 * description starts with the type's name ("PodSpec is a description of a pod."), as Kubernetes type docs do,
 * else the most frequently used one, else the first seen. The others are field-level copies (Opt(X, 'doc')).
 */
export function indexIds(roots: unknown[]): Map<string, Json> {
  const variants = new Map<string, Map<Json, number>>();
  const seen = new Set<object>();
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    if (isObj(v) && typeof v.$id === 'string') {
      const m = variants.get(v.$id) ?? new Map<Json, number>();
      m.set(v, (m.get(v) ?? 0) + 1);
      variants.set(v.$id, m);
    }
    if (seen.has(v)) return;
    seen.add(v);
    for (const x of Object.values(v)) walk(x);
  };
  for (const r of roots) walk(r);
  const out = new Map<string, Json>();
  for (const [id, m] of variants) {
    const short = id.slice(id.lastIndexOf('.') + 1);
    const list = [...m.entries()];
    const named = list.find(([s]) => typeof s.description === 'string' && s.description.startsWith(`${short} `));
    const most = list.reduce((a, b) => (b[1] > a[1] ? b : a));
    // A single-use copy is a field's Opt(X, 'doc'); only a repeatedly used object is likely the type itself.
    const best = named ?? (most[1] > 1 || list.length === 1 ? most : undefined);
    if (best) out.set(id, best[0]);
  }
  return out;
}
