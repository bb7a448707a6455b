// /openapi/v2: one Swagger 2.0 document for the whole API, converted from the same per-group-version OpenAPI v3
// documents /openapi/v3 serves (so both come from the kind schemas and cannot drift). Definitions keep Kubernetes'
// names (io.k8s.api.core.v1.Pod …); a definition used by several group-versions (DeleteOptions, WatchEvent)
// carries all their x-kubernetes-group-version-kind entries, as upstream's aggregated spec does.
import { buildOpenAPIV3, openAPIVersionInfo, type KindDef } from '@kubets/api';

export type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const v3Ref = '#/components/schemas/';
const v2Ref = '#/definitions/';

/** A v3 schema in its v2 form: $refs point at definitions, single-ref allOf becomes a $ref, v3-only keywords go. */
export function schemaToV2(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(schemaToV2);
  if (!isObj(s)) return s;
  const allOf = Array.isArray(s.allOf) ? s.allOf : undefined;
  if (allOf && allOf.length === 1 && isObj(allOf[0]) && typeof allOf[0].$ref === 'string') {
    // upstream v2 writes {$ref, description} where v3 has {allOf:[{$ref}], default, description}
    const out: Json = { $ref: String(allOf[0].$ref).replace(v3Ref, v2Ref) };
    if (typeof s.description === 'string') out.description = s.description;
    return out;
  }
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'nullable' || k === 'writeOnly') continue;
    // int-or-string is {type: string, format: int-or-string} in v2 (no anyOf there)
    if ((k === 'anyOf' || k === 'oneOf') && s['x-kubernetes-int-or-string'] === true) continue;
    if (k === '$ref' && typeof v === 'string') out.$ref = v.replace(v3Ref, v2Ref);
    else if (k === 'properties' && isObj(v)) out.properties = Object.fromEntries(Object.entries(v).map(([n, p]) => [n, schemaToV2(p)]));
    else if (k === 'items' || k === 'additionalProperties' || k === 'allOf' || k === 'anyOf' || k === 'oneOf') out[k] = schemaToV2(v);
    else out[k] = v;
  }
  if (s['x-kubernetes-int-or-string'] === true) {
    out.type = 'string';
    out.format = 'int-or-string';
  }
  return out;
}

function parameterToV2(p: unknown): Json | undefined {
  if (!isObj(p)) return undefined;
  const { schema, ...rest } = p;
  const out: Json = { ...rest };
  if (isObj(schema)) for (const [k, v] of Object.entries(schema)) out[k] = v;
  return out;
}

interface MediaMap {
  [media: string]: { schema?: unknown };
}
const contentOf = (v: unknown): MediaMap => (isObj(v) && isObj(v.content) ? (v.content as MediaMap) : {});

function operationToV2(op: Json): Json {
  const out: Json = {};
  const params: Json[] = [];
  const consumes: string[] = [];
  const produces = new Set<string>();
  for (const [k, v] of Object.entries(op)) {
    if (k === 'parameters' && Array.isArray(v)) {
      for (const p of v) {
        const c = parameterToV2(p);
        if (c) params.push(c);
      }
    } else if (k === 'requestBody') {
      const content = contentOf(v);
      const first = Object.values(content)[0];
      consumes.push(...Object.keys(content));
      params.unshift({ name: 'body', in: 'body', required: true, schema: schemaToV2(first?.schema ?? {}) });
    } else if (k === 'responses' && isObj(v)) {
      const responses: Json = {};
      for (const [code, r] of Object.entries(v)) {
        if (!isObj(r)) continue;
        const content = contentOf(r);
        for (const m of Object.keys(content)) produces.add(m);
        const first = Object.values(content)[0];
        responses[code] = { description: r.description ?? '', ...(first?.schema ? { schema: schemaToV2(first.schema) } : {}) };
      }
      out.responses = responses;
    } else {
      out[k] = v;
    }
  }
  if (consumes.length) out.consumes = consumes;
  if (produces.size) out.produces = [...produces];
  if (params.length) out.parameters = params;
  out.schemes = ['https'];
  return out;
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

function pathItemToV2(item: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(item)) {
    if (methods.includes(k) && isObj(v)) out[k] = operationToV2(v);
    else if (k === 'parameters' && Array.isArray(v)) out.parameters = v.map(parameterToV2).filter((p) => p !== undefined);
    else out[k] = v;
  }
  return out;
}

type Gvk = { group?: unknown; version?: unknown; kind?: unknown };
function mergeGvks(into: Json, from: Json): void {
  const key = 'x-kubernetes-group-version-kind';
  const a = Array.isArray(into[key]) ? (into[key] as Gvk[]) : [];
  const b = Array.isArray(from[key]) ? (from[key] as Gvk[]) : [];
  const merged = [...a];
  for (const g of b) if (!merged.some((m) => m.group === g.group && m.version === g.version && m.kind === g.kind)) merged.push(g);
  if (merged.length) into[key] = merged;
}

function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k] as T]));
}

/** The Swagger 2.0 document for `kinds`, from their OpenAPI v3 documents. */
export function buildOpenAPIV2(kinds: KindDef[]): Json {
  const paths: Record<string, Json> = {};
  const definitions: Record<string, Json> = {};
  for (const doc of buildOpenAPIV3(kinds).docs.values()) {
    const docPaths = isObj(doc.paths) ? doc.paths : {};
    for (const [p, item] of Object.entries(docPaths)) if (isObj(item)) paths[p] = pathItemToV2(item);
    const components = isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};
    for (const [name, schema] of Object.entries(components)) {
      const converted = schemaToV2(schema);
      if (!isObj(converted)) continue;
      const have = definitions[name];
      if (have) mergeGvks(have, converted);
      else definitions[name] = converted;
    }
  }
  return {
    swagger: '2.0',
    info: { ...openAPIVersionInfo },
    paths: sortedKeys(paths),
    definitions: sortedKeys(definitions),
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}
