// buildOpenAPIV3: the /openapi/v3 index and one OpenAPI 3.0 document per group-version, generated from the kinds.
// Served as GET /openapi/v3 (index) and GET /openapi/v3/<api/v1 | apis/<group>/<version>>?hash=… (docs).
import { createHash } from 'node:crypto';
import type { KindDef } from '../schema/kind';
import {
  ConditionSchema,
  LabelSelectorRequirementSchema,
  LabelSelectorSchema,
  ListMetaSchema,
  ManagedFieldsEntrySchema,
  ObjectMetaSchema,
  OwnerReferenceSchema,
} from '../meta/schemas';
import { ComponentCollector, allOfRef, indexIds } from './convert';
import { deleteOptionsDef, kindPaths, patchDef, scaleDef, statusDef, watchEventDef } from './paths';

type Json = Record<string, unknown>;

export const objectMetaDef = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
export const listMetaDef = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
export const openAPIVersionInfo = { title: 'Kubernetes', version: 'v1.32.0' };

export interface OpenAPIV3 {
  /** GET /openapi/v3 body: { paths: { "api/v1": { serverRelativeURL: "/openapi/v3/api/v1?hash=…" }, … } } */
  index: { paths: Record<string, { serverRelativeURL: string }> };
  /** per group-version path ("api/v1", "apis/apps/v1") → the OpenAPI document */
  docs: Map<string, Json>;
  /** the same documents serialised (what the hash covers), to serve byte-for-byte */
  json: Map<string, string>;
  /** per group-version path → upper-case hex sha512 of its JSON */
  hashes: Map<string, string>;
}

/** "api/v1" for the core group, "apis/<group>/<version>" otherwise. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** Definition name for a kind: its schema's $id, else io.k8s.api.<group-first-label>.<version>.<Kind>. */
export function definitionName(def: KindDef): string {
  const id = (def.schema as { $id?: unknown }).$id;
  if (typeof id === 'string' && id) return id;
  const g = def.group ? (def.group.split('.')[0] ?? def.group) : 'core';
  return `io.k8s.api.${g}.${def.version}.${def.kind}`;
}

const str = (description?: string): Json => ({ type: 'string', ...(description ? { description } : {}) });
const int = (format: 'int32' | 'int64', description?: string): Json => ({ type: 'integer', format, ...(description ? { description } : {}) });

function statusSchema(): Json {
  return {
    description: 'Status is a return value for calls that don\'t return other objects.',
    type: 'object',
    properties: {
      apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
      code: int('int32', 'Suggested HTTP return code for this status, 0 if not set.'),
      details: {
        description: 'Extended data associated with the reason.',
        type: 'object',
        properties: {
          causes: {
            description: 'The Causes array includes more details associated with the StatusReason failure.',
            type: 'array',
            items: {
              description: 'StatusCause provides more information about an api.Status failure.',
              type: 'object',
              properties: { field: str('The field of the resource that has caused this error.'), message: str(), reason: str() },
            },
            'x-kubernetes-list-type': 'atomic',
          },
          group: str(),
          kind: str(),
          name: str(),
          retryAfterSeconds: int('int32'),
          uid: str(),
        },
      },
      kind: str('Kind is a string value representing the REST resource this object represents.'),
      message: str('A human-readable description of the status of this operation.'),
      metadata: allOfRef(listMetaDef, { default: {}, description: 'Standard list metadata.' }),
      reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
      status: str('Status of the operation. One of: "Success" or "Failure".'),
    },
    'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
  };
}

function deleteOptionsSchema(gvks: Json[]): Json {
  return {
    description: 'DeleteOptions may be provided when deleting an API object.',
    type: 'object',
    properties: {
      apiVersion: str(),
      dryRun: { description: 'When present, indicates that modifications should not be persisted.', type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'atomic' },
      gracePeriodSeconds: int('int64', 'The duration in seconds before the object should be deleted.'),
      kind: str(),
      orphanDependents: { type: 'boolean', description: 'Deprecated: please use the PropagationPolicy.' },
      preconditions: {
        description: 'Must be fulfilled before a deletion is carried out.',
        type: 'object',
        properties: { resourceVersion: str('Specifies the target ResourceVersion'), uid: str('Specifies the target UID.') },
      },
      propagationPolicy: str("Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
    },
    'x-kubernetes-group-version-kind': gvks,
  };
}

function scaleSchema(): Json {
  return {
    description: 'Scale represents a scaling request for a resource.',
    type: 'object',
    properties: {
      apiVersion: str(),
      kind: str(),
      metadata: allOfRef(objectMetaDef, { default: {}, description: 'Standard object metadata.' }),
      spec: {
        description: 'ScaleSpec describes the attributes of a scale subresource.',
        type: 'object',
        properties: { replicas: int('int32', 'replicas is the desired number of instances for the scaled object.') },
      },
      status: {
        description: 'ScaleStatus represents the current status of a scale subresource.',
        type: 'object',
        required: ['replicas'],
        properties: {
          replicas: int('int32', 'replicas is the actual number of observed instances of the scaled object.'),
          selector: str('selector is the label query over pods that should match the replicas count.'),
        },
      },
    },
    'x-kubernetes-group-version-kind': [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }],
  };
}

function listSchema(def: KindDef, itemDef: string): Json {
  return {
    description: `${def.kind}List is a list of ${def.kind} objects.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
      items: { description: `List of ${def.plural}.`, type: 'array', items: allOfRef(itemDef, { default: {} }) },
      kind: str('Kind is a string value representing the REST resource this object represents.'),
      metadata: allOfRef(listMetaDef, { default: {}, description: 'Standard list metadata.' }),
    },
    'x-kubernetes-group-version-kind': [{ group: def.group, kind: `${def.kind}List`, version: def.version }],
  };
}

function addGvk(schema: Json, gvk: Json): void {
  const list = Array.isArray(schema['x-kubernetes-group-version-kind']) ? (schema['x-kubernetes-group-version-kind'] as Json[]) : [];
  if (!list.some((g) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind)) list.push(gvk);
  schema['x-kubernetes-group-version-kind'] = list;
}

/** Sort object keys recursively so documents (and hashes) do not depend on kind order. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (typeof v !== 'object' || v === null) return v;
  const out: Json = {};
  for (const k of Object.keys(v).sort()) out[k] = sorted((v as Json)[k]);
  return out;
}

const metaV1 = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
/** metav1 schemas that have no $id but are shared definitions in Kubernetes' documents. */
function metaNames(): Map<object, string> {
  return new Map<object, string>([
    [ListMetaSchema, `${metaV1}ListMeta`],
    [OwnerReferenceSchema, `${metaV1}OwnerReference`],
    [ManagedFieldsEntrySchema, `${metaV1}ManagedFieldsEntry`],
    [LabelSelectorSchema, `${metaV1}LabelSelector`],
    [LabelSelectorRequirementSchema, `${metaV1}LabelSelectorRequirement`],
    [ConditionSchema, `${metaV1}Condition`],
  ]);
}

/** Build the index and per-group-version documents for `kinds` (typically allKinds). */
export function buildOpenAPIV3(kinds: KindDef[]): OpenAPIV3 {
  const registry = indexIds([ObjectMetaSchema, ...kinds.map((k) => k.schema)]);

  const byGV = new Map<string, KindDef[]>();
  for (const k of kinds) {
    const p = groupVersionPath(k.group, k.version);
    const list = byGV.get(p) ?? [];
    list.push(k);
    byGV.set(p, list);
  }

  const docs = new Map<string, Json>();
  const json = new Map<string, string>();
  const hashes = new Map<string, string>();
  const index: OpenAPIV3['index'] = { paths: {} };

  for (const [gvPath, defs] of [...byGV.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const c = new ComponentCollector(registry, metaNames());
    const paths: Record<string, Json> = {};
    c.addComponent(ObjectMetaSchema as unknown as Json, objectMetaDef);
    c.addComponent(ListMetaSchema as unknown as Json, listMetaDef);
    c.components[statusDef] = statusSchema();
    const first = defs[0];
    const deleteGvks: Json[] = [{ group: '', kind: 'DeleteOptions', version: 'v1' }];
    if (first && first.group) deleteGvks.push({ group: first.group, kind: 'DeleteOptions', version: first.version });
    c.components[deleteOptionsDef] = deleteOptionsSchema(deleteGvks);
    c.components[patchDef] = {
      description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
      type: 'object',
    };
    c.components[watchEventDef] = {
      description: 'Event represents a single event to a watched resource.',
      type: 'object',
      required: ['type', 'object'],
      properties: {
        object: { description: 'Object is the object of the event (the full object for ADDED/MODIFIED/DELETED, a Status for ERROR).', type: 'object' },
        type: { type: 'string', default: '' },
      },
      'x-kubernetes-group-version-kind': deleteGvks.map((g) => ({ ...g, kind: 'WatchEvent' })),
    };

    for (const def of [...defs].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0))) {
      const kindDef = definitionName(def);
      c.addComponent(def.schema as unknown as Json, kindDef);
      const comp = c.components[kindDef];
      if (comp) addGvk(comp, { group: def.group, kind: def.kind, version: def.version });
      const listDef = `${kindDef}List`;
      c.components[listDef] = listSchema(def, kindDef);
      if (def.scale && !c.components[scaleDef]) c.components[scaleDef] = scaleSchema();
      Object.assign(paths, kindPaths({ def, kindDef, listDef }));
    }

    const doc = sorted({ openapi: '3.0.0', info: openAPIVersionInfo, paths, components: { schemas: c.components } }) as Json;
    const body = JSON.stringify(doc);
    const hash = createHash('sha512').update(body).digest('hex').toUpperCase();
    docs.set(gvPath, doc);
    json.set(gvPath, body);
    hashes.set(gvPath, hash);
    index.paths[gvPath] = { serverRelativeURL: `/openapi/v3/${gvPath}?hash=${hash}` };
  }
  return { index, docs, json, hashes };
}
