// Server-side Table output (meta.k8s.io/v1 Table) for `kubectl get`, driven by def.table.
import type { KindDef, KubeObject, TableColumn } from '@kubets/api';
import { logError } from '../observability/log';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRequest {
  includeObject: IncludeObject;
}

/** Whether the Accept header asks for a Table (as=Table;g=meta.k8s.io;v=v1|v1beta1). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  for (const part of accept.split(',')) {
    const params = new Map<string, string>();
    const [, ...ps] = part.split(';');
    for (const p of ps) {
      const [k, v] = p.split('=');
      if (k && v) params.set(k.trim(), v.trim());
    }
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io' && (params.get('v') === 'v1' || params.get('v') === 'v1beta1')) return true;
  }
  return false;
}

export function includeObjectFrom(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

const defaultColumns: TableColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
  { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
];

function columns(def: KindDef): TableColumn[] {
  return def.table?.columns ?? defaultColumns;
}

function cells(def: KindDef, obj: KubeObject, now: Date): unknown[] {
  if (def.table) {
    try {
      return (def.table.cells as (o: KubeObject, n: Date) => unknown[])(obj, now);
    } catch (e) {
      logError('table cells failed', e, { kind: def.kind, name: obj.metadata.name });
      return columns(def).map((c, i) => (i === 0 ? obj.metadata.name : c.type === 'integer' ? 0 : ''));
    }
  }
  return [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? ''];
}

function rowObject(obj: KubeObject, include: IncludeObject): KubeObject | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  const { managedFields: _mf, ...metadata } = obj.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export function toTable(def: KindDef, items: KubeObject[], listMeta: { resourceVersion?: string; continue?: string; remainingItemCount?: number }, req: TableRequest, now = new Date()): KubeObject {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta as KubeObject['metadata'],
    columnDefinitions: columns(def).map((c) => ({ name: c.name, type: c.type === 'date' ? 'string' : c.type, format: c.type === 'date' ? 'date-time' : (c.format ?? ''), description: c.description, priority: c.priority })),
    rows: items.map((o) => {
      const ro = rowObject(o, req.includeObject);
      return { cells: cells(def, o, now), ...(ro ? { object: ro } : {}) };
    }),
  };
}
