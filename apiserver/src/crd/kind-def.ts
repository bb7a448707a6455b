// A KindDef built at runtime from one served version of a CustomResourceDefinition, so custom resources go
// through the same ResourceStore, discovery, OpenAPI and Table code as built-in kinds.
import { age, type CustomResourceDefinition, type CustomResourceDefinitionVersion, type KindDef, type KubeObject, type StatusCause, type TableColumn } from '@kubets/api';
import { JSONPath } from 'jsonpath-plus';
import { customResourceSchema, extraCauses, pruneNulls } from './schema';
import { compileRuleTree, ruleCauses } from './validation-rules';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAPI definition name of a custom resource: reversed group, version, kind (com.example.stable.v1.CronTab). */
export function definitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

/** ".spec.replicas" → ["spec", "replicas"] (scale subresource paths are simple field paths). */
function simplePath(p: string | undefined): string[] {
  return (p ?? '').split('.').filter(Boolean);
}

/** The first result of a printer column's JSONPath (as upstream's table convertor, which takes results[0][0]). */
function columnValue(obj: KubeObject, jsonPath: string): unknown {
  const path = jsonPath.startsWith('.') || jsonPath.startsWith('[') ? `$${jsonPath}` : `$.${jsonPath}`;
  try {
    const r: unknown = JSONPath({ path, json: obj, wrap: true });
    return Array.isArray(r) ? r[0] : undefined;
  } catch {
    return undefined;
  }
}

const columnTypes = new Set(['string', 'integer', 'number', 'boolean', 'date']);
const creationTimestampDoc = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** Cell as upstream's cellForJSONValue: typed values pass, dates become ages, anything else is empty (nil). */
function cell(type: string, v: unknown, now: Date): unknown {
  if (v === undefined || v === null) return null;
  switch (type) {
    case 'date':
      return typeof v === 'string' ? age(v, now) : null;
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    default:
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}

function tableOf(v: CustomResourceDefinitionVersion): KindDef['table'] {
  const given = v.additionalPrinterColumns ?? [];
  // serveDefaultColumnsIfEmpty: without printer columns kubectl shows NAME and AGE
  const cols = given.length ? given : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: creationTimestampDoc, priority: 0 }];
  const columns: TableColumn[] = [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 },
    ...cols.map((c): TableColumn => {
      const type = columnTypes.has(c.type) ? (c.type as TableColumn['type']) : 'string';
      return { name: c.name, type, ...(c.format ? { format: c.format } : {}), description: c.description ?? '', priority: c.priority ?? 0 };
    }),
  ];
  return {
    columns,
    cells: (obj: KubeObject, now: Date) => [obj.metadata.name ?? '', ...cols.map((c) => cell(c.type, columnValue(obj, c.jsonPath), now))],
  };
}

/** One KindDef per served version (all share the storage version's etcd keys: conversion is None). */
export function kindDefsOf(crd: CustomResourceDefinition): KindDef[] {
  const spec = crd.spec;
  const names = crd.status?.acceptedNames?.plural ? crd.status.acceptedNames : spec.names;
  const out: KindDef[] = [];
  for (const v of spec.versions) {
    if (!v.served) continue;
    const raw = v.schema?.openAPIV3Schema;
    const crSchema: Json = isObj(raw) ? raw : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    const scale = v.subresources?.scale;
    const rules = compileRuleTree(crSchema, '');
    const def: KindDef = {
      group: spec.group,
      version: v.name,
      kind: names.kind,
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      namespaced: spec.scope === 'Namespaced',
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      schema: customResourceSchema(definitionName(spec.group, v.name, names.kind), crSchema),
      status: !!v.subresources?.status,
      ...(scale
        ? { scale: { specReplicasPath: simplePath(scale.specReplicasPath), statusReplicasPath: simplePath(scale.statusReplicasPath), labelSelectorPath: simplePath(scale.labelSelectorPath) } }
        : {}),
      table: tableOf(v),
      strategy: {
        default: (obj: KubeObject) => pruneNulls(crSchema, obj),
        validate: (obj: KubeObject): StatusCause[] => extraCauses(crSchema, obj),
        // x-kubernetes-validations run after the schema's own checks (validateObject skips them on type errors)
        validateCreate: (obj: KubeObject): StatusCause[] => (rules ? ruleCauses(rules, obj, undefined) : []),
        validateUpdate: (obj: KubeObject, old: KubeObject): StatusCause[] => (rules ? ruleCauses(rules, obj, old) : []),
        // every change outside metadata (and status, with the status subresource) bumps generation
        generationFromSpec: true,
      },
    };
    out.push(def);
  }
  return out;
}
