// The scale subresource: autoscaling/v1 Scale views of objects with def.scale paths.
import { errors, type KubeObject } from '@kubets/api';
import * as deps from './deps';
import type { RequestContext } from './context';
import type { ResourceStore } from './store';
import { applyPatch } from './patch';

function getPath(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}
function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    if (cur[p] === null || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function selectorString(sel: unknown): string {
  if (typeof sel === 'string') return sel;
  if (!sel || typeof sel !== 'object') return '';
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const parts: string[] = [];
  for (const [k, v] of Object.entries(s.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) parts.push(`${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export function toScale(store: ResourceStore, obj: KubeObject): KubeObject {
  const sc = store.def.scale!;
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: Number(getPath(obj, sc.specReplicasPath) ?? 0) },
    status: { replicas: Number(getPath(obj, sc.statusReplicasPath) ?? 0), selector: selectorString(getPath(obj, sc.labelSelectorPath)) },
  };
}

function scaleReplicas(scale: unknown): number {
  if (!scale || typeof scale !== 'object') throw errors.badRequest('the body of the request must be a Scale object');
  const s = scale as { kind?: unknown; apiVersion?: unknown; spec?: { replicas?: unknown } };
  if (s.kind !== undefined && s.kind !== 'Scale') throw errors.badRequest(`the kind in the data (${String(s.kind)}) does not match the expected kind (Scale)`);
  const r = s.spec?.replicas ?? 0;
  if (typeof r !== 'number' || !Number.isInteger(r)) throw errors.badRequest('spec.replicas must be an integer');
  if (r < 0) throw errors.invalid({ group: 'autoscaling', kind: 'Scale' }, '', [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${r}: must be greater than or equal to 0` }]);
  return r;
}

export async function getScale(store: ResourceStore, ctx: RequestContext): Promise<KubeObject> {
  return toScale(store, await store.get(ctx));
}

/** PUT (patchType undefined) or PATCH of the scale subresource. */
export async function writeScale(store: ResourceStore, ctx: RequestContext, body: unknown, patchType?: string): Promise<KubeObject> {
  const sc = store.def.scale!;
  const updated = await store.updateWith({ ...ctx, subresource: '' }, (cur) => {
    const current = toScale(store, cur);
    const desired = patchType ? applyPatch(patchType, current, body, { type: 'object' } as never) : body;
    const replicas = scaleReplicas(desired);
    const rv = (desired as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) {
      throw errors.conflict({ group: store.def.group, resource: store.def.plural }, ctx.name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    setPath(cur as Record<string, unknown>, sc.specReplicasPath, replicas);
    return cur;
  }, 'Update', { fieldsSubresource: 'scale' });
  void deps;
  return toScale(store, updated);
}
