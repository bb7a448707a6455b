// -o yaml / json / name: objects with sorted keys (as kubectl's unstructured printers), lists wrapped in a List.
import { stringify } from 'yaml';
import { qualifiedKind } from './discovery';
import { customColumns, renderJsonPath } from './jsonpath';
import { renderAligned } from './table';

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
  // YAML 1.1 quoting (timestamps, yes/no, octal-looking strings) matches Go's yaml encoder used by kubectl.
  return stringify(sortKeys(v), { version: '1.1', indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false });
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

export function printObjects(format: string, objs: J[], single: boolean, noHeaders = false): string {
  if (format === 'name') return objs.map((o) => `${nameOf(o)}\n`).join('');
  const doc = single && objs.length === 1 ? objs[0] : asList(objs);
  const eq = format.indexOf('=');
  const kind = eq < 0 ? format : format.slice(0, eq);
  const arg = eq < 0 ? '' : format.slice(eq + 1);
  if (kind === 'jsonpath' || kind === 'jsonpath-as-json') {
    if (!arg) throw new Error('template format specified but no template given');
    if (kind === 'jsonpath') return renderJsonPath(arg, doc);
    return toJson(objs.length === 1 && single ? [renderJsonPath(arg, doc)] : renderJsonPath(arg, doc).split(' '));
  }
  if (kind === 'custom-columns') {
    if (!arg) throw new Error('custom-columns format specified but no custom columns given');
    const [header, ...rows] = customColumns(arg, objs);
    return renderAligned(noHeaders ? rows : [header!, ...rows]);
  }
  if (format === 'json') return toJson(doc);
  if (format === 'yaml') return toYaml(doc);
  throw new Error(`unable to match a printer suitable for the output format "${format}", allowed formats are: custom-columns,json,jsonpath,jsonpath-as-json,name,wide,yaml`);
}

/** kubectl hides metadata.managedFields unless --show-managed-fields. */
export function withoutManagedFields(obj: J): J {
  const meta = obj.metadata as J | undefined;
  if (!meta || !('managedFields' in meta)) return obj;
  const { managedFields: _mf, ...rest } = meta;
  void _mf;
  return { ...obj, metadata: rest };
}
