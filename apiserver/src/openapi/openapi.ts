// /openapi/v3 (index with content hashes) and /openapi/v3/<gv> documents built once from the kinds.
// When the full builder (buildOpenAPIV3 in @kubets/api) is not available, a minimal per-GV document is
// served: PATCH operations tagged with their GVK and a fieldValidation parameter, which is what kubectl's
// field-validation capability check needs.
import { createHash } from 'node:crypto';
import { apiVersionOf, type KindDef } from '@kubets/api';
import * as deps from '../registry/deps';

export interface OpenAPIDoc {
  body: string;
  hash: string;
}

export class OpenAPIService {
  private builtinDocs?: Map<string, OpenAPIDoc>;
  private docs?: Map<string, OpenAPIDoc>;
  private indexBody?: string;
  private customKinds: KindDef[] = [];
  constructor(private readonly kinds: KindDef[]) {}

  /** Custom resources' group-versions, rebuilt on next use; the built-in documents are built once. */
  setCustomKinds(kinds: KindDef[]): void {
    this.customKinds = kinds;
    this.docs = undefined;
  }

  private build(): void {
    if (this.docs) return;
    this.builtinDocs ??= toDocs(this.kinds);
    const docs = new Map(this.builtinDocs);
    if (this.customKinds.length) for (const [path, d] of toDocs(this.customKinds)) if (!docs.has(path)) docs.set(path, d);
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [path, d] of docs) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${d.hash}` };
    this.docs = docs;
    this.indexBody = JSON.stringify({ paths });
  }

  index(): string {
    this.build();
    return this.indexBody!;
  }

  doc(path: string): OpenAPIDoc | undefined {
    this.build();
    return this.docs!.get(path);
  }
}

function toDocs(kinds: KindDef[]): Map<string, OpenAPIDoc> {
  const built = deps.buildOpenAPIV3(kinds);
  const raw = built.docs.size ? built.docs : minimalDocs(kinds);
  const docs = new Map<string, OpenAPIDoc>();
  for (const [path, doc] of raw) {
    const body = JSON.stringify(doc);
    docs.set(path, { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() });
  }
  return docs;
}

function gvPath(def: KindDef): string {
  return def.group ? `apis/${def.group}/${def.version}` : `api/${def.version}`;
}

function minimalDocs(kinds: KindDef[]): Map<string, object> {
  const out = new Map<string, { openapi: string; info: object; paths: Record<string, object>; components: { schemas: Record<string, object> } }>();
  for (const def of kinds) {
    const p = gvPath(def);
    let doc = out.get(p);
    if (!doc) out.set(p, (doc = { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, components: { schemas: {} } }));
    const gvk = { group: def.group, version: def.version, kind: def.kind };
    const defName = String(def.schema.$id ?? `${def.group || 'core'}.${def.version}.${def.kind}`);
    const base = def.namespaced ? `/${p}/namespaces/{namespace}/${def.plural}/{name}` : `/${p}/${def.plural}/{name}`;
    const params = [
      { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
      { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
      { name: 'dryRun', in: 'query', schema: { type: 'string' } },
    ];
    const ref = { $ref: `#/components/schemas/${defName}` };
    doc.paths[base] = {
      get: { operationId: `read${def.kind}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk, responses: { '200': { content: { 'application/json': { schema: ref } } } } },
      put: { operationId: `replace${def.kind}`, 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': gvk, parameters: params, responses: {} },
      patch: { operationId: `patch${def.kind}`, 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': gvk, parameters: [...params, { name: 'force', in: 'query', schema: { type: 'boolean' } }], responses: {} },
    };
    const collection = base.replace(/\/\{name\}$/, '');
    doc.paths[collection] = {
      post: { operationId: `create${def.kind}`, 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk, parameters: params, responses: {} },
    };
    doc.components.schemas[defName] = {
      ...(JSON.parse(JSON.stringify(def.schema)) as object),
      'x-kubernetes-group-version-kind': [gvk],
    };
    void apiVersionOf;
  }
  return out as unknown as Map<string, object>;
}
