import { applyServerSideApply, updateManagedFields } from './server-side-apply';
import { FieldSet, pathString } from './fieldpath';
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../meta/types';
import { TestDeployment as schema } from './__tests__/schemas';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';

function deployment(spec: Record<string, unknown>, labels: Record<string, string> = { app: 'web' }): KubeObject {
  // Empty maps are omitted: an applied `{}` is itself an owned (leaf) field, as in structured-merge-diff.
  const obj: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' } };
  if (Object.keys(labels).length) obj.metadata.labels = labels;
  if (Object.keys(spec).length) obj.spec = spec;
  return obj;
}
const baseSpec = () => ({
  replicas: 2,
  selector: { matchLabels: { app: 'web' } },
  template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
});

function apply(live: KubeObject | undefined, applied: KubeObject, manager = 'kubectl', force = false, now = T0): KubeObject {
  return applyServerSideApply({ live, applied, manager, force, schema, apiVersion: 'apps/v1', now });
}
function conflictOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a conflict');
}
const entry = (o: KubeObject, manager: string) => o.metadata.managedFields?.find((m) => m.manager === manager);
const owned = (o: KubeObject, manager: string) => FieldSet.fromFieldsV1(entry(o, manager)?.fieldsV1).paths().map(pathString).sort();
const spec = (o: KubeObject) => o.spec as ReturnType<typeof baseSpec> & Record<string, unknown>;

describe('applyServerSideApply', () => {
  it('creates (upsert) and records the applied field set in FieldsV1', () => {
    const out = apply(undefined, deployment(baseSpec()));
    expect(out.spec).toEqual(baseSpec());
    expect(out.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('re-applying the same config changes nothing but the time', () => {
    const a = apply(undefined, deployment(baseSpec()));
    const b = apply(a, deployment(baseSpec()), 'kubectl', false, T1);
    expect(b.spec).toEqual(a.spec);
    expect(entry(b, 'kubectl')?.fieldsV1).toEqual(entry(a, 'kubectl')?.fieldsV1);
    expect(entry(b, 'kubectl')?.time).toBe(T1);
  });

  it('conflicts when another applier changes an owned field', () => {
    const a = apply(undefined, deployment(baseSpec()));
    const err = conflictOf(() => apply(a, deployment({ ...baseSpec(), replicas: 5 }), 'other'));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect(err.status.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }]);
  });

  it('names Update managers with their apiVersion', () => {
    const created = updateManagedFields(undefined, deployment(baseSpec()), 'kubectl-client-side-apply', 'Update', schema, 'apps/v1', T0);
    const err = conflictOf(() => apply(created, deployment({ ...baseSpec(), replicas: 1 })));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    expect(err.status.details?.causes?.[0]).toEqual({
      reason: 'FieldManagerConflict',
      message: 'conflict with "kubectl-client-side-apply" using apps/v1',
      field: '.spec.replicas',
    });
  });

  it('reports several conflicts grouped by manager', () => {
    const a = apply(undefined, deployment(baseSpec()));
    const next = deployment({ ...baseSpec(), replicas: 5, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } });
    const err = conflictOf(() => apply(a, next, 'other'));
    expect(err.message).toBe('Apply failed with 2 conflicts: conflicts with "kubectl":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image');
    expect(err.status.details?.causes?.map((c) => c.field)).toEqual(['.spec.replicas', '.spec.template.spec.containers[name="web"].image']);
  });

  it('force takes ownership away from the other manager', () => {
    const a = apply(undefined, deployment(baseSpec()));
    const b = apply(a, deployment({ replicas: 5 }, {}), 'hpa', true, T1);
    expect(spec(b).replicas).toBe(5);
    expect(owned(b, 'hpa')).toEqual(['.spec.replicas']);
    expect(owned(b, 'kubectl')).not.toContain('.spec.replicas');
    // The old owner now conflicts if it re-applies its value.
    const err = conflictOf(() => apply(b, deployment(baseSpec())));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "hpa": .spec.replicas');
  });

  it('equal values are shared, not conflicts', () => {
    const a = apply(undefined, deployment(baseSpec()));
    const b = apply(a, deployment({ replicas: 2 }, {}), 'other');
    expect(owned(b, 'other')).toEqual(['.spec.replicas']);
    expect(owned(b, 'kubectl')).toContain('.spec.replicas');
  });

  it('removes fields the applier dropped from its config', () => {
    const a = apply(undefined, deployment(baseSpec(), { app: 'web', tier: 'fe' }));
    const b = apply(a, deployment({ ...baseSpec(), replicas: undefined }, { app: 'web' }));
    expect(b.metadata.labels).toEqual({ app: 'web' });
    expect(spec(b).replicas).toBeUndefined();
    expect(owned(b, 'kubectl')).not.toContain('.metadata.labels.tier');
  });

  it('keeps dropped fields another manager also owns', () => {
    const a = apply(undefined, deployment(baseSpec(), { app: 'web', tier: 'fe' }));
    const b = apply(a, deployment({}, { tier: 'fe' }), 'other');
    const c = apply(b, deployment(baseSpec(), { app: 'web' }));
    expect(c.metadata.labels).toEqual({ app: 'web', tier: 'fe' });
    expect(owned(c, 'other')).toEqual(['.metadata.labels.tier']);
  });

  it('merges map-lists by key across managers and prunes only own items', () => {
    const a = apply(undefined, deployment(baseSpec()));
    const sidecar = deployment({ template: { spec: { containers: [{ name: 'side', image: 'busybox' }] } } }, {});
    const b = apply(a, sidecar, 'injector');
    expect(spec(b).template.spec.containers.map((c) => c.name)).toEqual(['web', 'side']);
    expect(owned(b, 'injector')).toEqual([
      '.spec.template.spec.containers[name="side"]',
      '.spec.template.spec.containers[name="side"].image',
      '.spec.template.spec.containers[name="side"].name',
    ]);
    // kubectl re-applies its own config: the sidecar stays.
    const c = apply(b, deployment(baseSpec()));
    expect(spec(c).template.spec.containers.map((x) => x.name)).toEqual(['web', 'side']);
    // kubectl renames its container: web is pruned, side stays.
    const renamed = baseSpec();
    renamed.template.spec.containers = [{ name: 'app', image: 'nginx' }];
    const d = apply(c, deployment(renamed));
    expect(spec(d).template.spec.containers.map((x) => x.name)).toEqual(['side', 'app']);
  });

  it('keeps fields set by others (defaults) inside an applied item, then removes the item when dropped', () => {
    const a = apply(undefined, deployment(baseSpec()));
    const withDefault = structuredClone(a);
    (spec(withDefault).template.spec.containers[0] as Record<string, unknown>).imagePullPolicy = 'Always';
    const b = apply(withDefault, deployment(baseSpec()));
    expect(spec(b).template.spec.containers[0]).toEqual({ name: 'web', image: 'nginx', imagePullPolicy: 'Always' });
  });

  it('treats an object without managedFields as owned by before-first-apply', () => {
    const live = deployment(baseSpec());
    const err = conflictOf(() => apply(live, deployment({ replicas: 7 }, {})));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  });

  it('ignores managedFields and untracked metadata in the applied config', () => {
    const applied = deployment(baseSpec());
    applied.metadata.managedFields = [{ manager: 'evil', operation: 'Apply', fieldsV1: {} }];
    applied.metadata.resourceVersion = '5';
    const out = apply(undefined, applied);
    expect(out.metadata.managedFields?.map((m) => m.manager)).toEqual(['kubectl']);
    const fv = entry(out, 'kubectl')?.fieldsV1 as Record<string, Record<string, unknown>>;
    expect(Object.keys(fv['f:metadata'] ?? {})).toEqual(['f:labels']);
  });

  it('sets are unioned and tracked as v: members', () => {
    const a = apply(undefined, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', finalizers: ['a'] } });
    const b = apply(a, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', finalizers: ['b'] } }, 'other');
    expect(b.metadata.finalizers).toEqual(['a', 'b']);
    expect(entry(b, 'other')?.fieldsV1).toEqual({ 'f:metadata': { 'f:finalizers': { 'v:"b"': {} } } });
  });

  it('ignoredFields (status on the main endpoint) are neither written nor tracked', () => {
    const applied = { ...deployment(baseSpec()), status: { replicas: 9 } };
    const out = applyServerSideApply({ live: undefined, applied, manager: 'kubectl', force: false, schema, apiVersion: 'apps/v1', now: T0, ignoredFields: ['status'] });
    expect(out.status).toBeUndefined();
    expect(owned(out, 'kubectl').some((p) => p.startsWith('.status'))).toBe(false);
  });
});

describe('updateManagedFields', () => {
  it('records a create as an Update entry, with "." on maps that appeared', () => {
    const out = updateManagedFields(undefined, deployment(baseSpec()), 'kubectl-create', 'Update', schema, 'apps/v1', T0);
    expect(out.metadata.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              '.': {},
              'f:metadata': { '.': {}, 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': { '.': {}, 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('moves changed fields to the writer and drops removed ones from everyone', () => {
    const a = apply(undefined, deployment(baseSpec(), { app: 'web', tier: 'fe' }));
    const changed = structuredClone(a);
    spec(changed).replicas = 4;
    delete changed.metadata.labels!.tier;
    const b = updateManagedFields(a, changed, 'kubectl-scale', 'Update', schema, 'apps/v1', T1, 'scale');
    expect(owned(b, 'kubectl-scale')).toEqual(['.spec.replicas']);
    expect(entry(b, 'kubectl-scale')?.subresource).toBe('scale');
    expect(owned(b, 'kubectl')).not.toContain('.spec.replicas');
    expect(owned(b, 'kubectl')).not.toContain('.metadata.labels.tier');
    expect(owned(b, 'kubectl')).toContain('.metadata.labels.app');
  });

  it('a no-op update keeps entries and adds none', () => {
    const a = apply(undefined, deployment(baseSpec()));
    const b = updateManagedFields(a, structuredClone(a), 'noop', 'Update', schema, 'apps/v1', T1);
    expect(b.metadata.managedFields).toEqual(a.metadata.managedFields);
  });

  it('honours managedFields the write replaced (the CSA→SSA migration JSON patch)', () => {
    const a = updateManagedFields(undefined, deployment(baseSpec()), 'kubectl-client-side-apply', 'Update', schema, 'apps/v1', T0);
    const migrated = structuredClone(a);
    migrated.metadata.managedFields = [{ ...a.metadata.managedFields![0]!, manager: 'kubectl', operation: 'Apply' }];
    const b = updateManagedFields(a, migrated, 'kubectl', 'Update', schema, 'apps/v1', T1);
    expect(b.metadata.managedFields?.map((m) => `${m.manager}/${m.operation}`)).toEqual(['kubectl/Apply']);
  });

  it('re-applying after the CSA→SSA migration keeps objects the old set marked with "." (kubectl apply --server-side)', () => {
    // kubectl's migration moves the client-side-apply Update set, which marks spec.template etc. with ".",
    // onto the "kubectl" Apply entry; the next apply must not drop those objects.
    const a = updateManagedFields(undefined, deployment(baseSpec()), 'kubectl-client-side-apply', 'Update', schema, 'apps/v1', T0);
    expect(owned(a, 'kubectl-client-side-apply')).toContain('.spec.template');
    const migrated = structuredClone(a);
    migrated.metadata.managedFields = [{ ...a.metadata.managedFields![0]!, manager: 'kubectl', operation: 'Apply' }];
    const b = updateManagedFields(a, migrated, 'kubectl', 'Update', schema, 'apps/v1', T1);
    const c = apply(b, deployment(baseSpec()));
    expect(spec(c).template).toEqual(baseSpec().template);
    expect(spec(c).selector).toEqual(baseSpec().selector);
    // a changed manifest after the migration: only the dropped leaf goes away
    const changed = baseSpec();
    changed.template.spec.containers[0]!.image = 'nginx:2';
    const d = apply(c, deployment({ selector: changed.selector, template: changed.template }));
    expect(spec(d).replicas).toBeUndefined();
    expect(spec(d).template.spec.containers[0]!.image).toBe('nginx:2');
    // dropping a whole object removes the fields this manager owned below it
    const e = apply(d, deployment({ selector: changed.selector }));
    expect(spec(e).template?.spec?.containers ?? []).toEqual([]);
  });
});
