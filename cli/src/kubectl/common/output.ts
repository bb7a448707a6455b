// -o yaml / json / name: objects with sorted keys (as kubectl's unstructured printers), lists wrapped in a List.
import { stringify } from 'yaml';
import { qualifiedKind } from './discovery';

type J = Record<string, unknown>;

export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o: J = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys((v as J)[k]);
    return o;
  }
  return v;
}

export function toYaml(v: unknown): string {
  return stringify(sortKeys(v), { indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false });
}

export function toJson(v: unknown): string {
  return `${JSON.stringify(sortKeys(v), null, 4)}\n`;
}

export function asList(items: unknown[]): J {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

/** "pod/web-1", "deployment.apps/web". */
export function nameOf(obj: J): string {
  const apiVersion = String(obj.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
  return `${qualifiedKind({ kind: String(obj.kind ?? ''), group })}/${String((obj.metadata as J | undefined)?.name ?? '')}`;
}

export function printObjects(format: string, objs: J[], single: boolean): string {
  if (format === 'name') return objs.map((o) => `${nameOf(o)}\n`).join('');
  const doc = single && objs.length === 1 ? objs[0] : asList(objs);
  if (format === 'json') return toJson(doc);
  if (format === 'yaml') return toYaml(doc);
  throw new Error(`unable to match a printer suitable for the output format "${format}", allowed formats are: json,name,wide,yaml`);
}
