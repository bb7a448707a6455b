// Start-up reconciliation of the bootstrap policy (pkg/registry/rbac/reconciliation, in union mode as
// kube-apiserver runs it): create what is missing; for objects not marked autoupdate=false add missing labels,
// annotations, rules, aggregation selectors and subjects, keeping everything users added.
import type { ClusterRole, ClusterRoleBinding, LabelSelector, Role, RoleBinding, Subject } from '@kubets/api';
import { AutoUpdateAnnotation } from './policy-builders';
import { covers } from './covers';

export type ReconcileOperation = 'none' | 'create' | 'update' | 'recreate';

export interface ReconcileResult<T> {
  operation: ReconcileOperation;
  /** The object to write; undefined when nothing is to be done (operation 'none', or protected). */
  object: T | undefined;
  /** autoupdate=false: the existing object is left alone even though it differs. */
  protected: boolean;
}

type RoleLike = Role | ClusterRole;
type BindingLike = RoleBinding | ClusterRoleBinding;

const isProtected = (o: { metadata: { annotations?: Record<string, string> } }) => o.metadata.annotations?.[AutoUpdateAnnotation] === 'false';

/** Expected keys added, existing values kept (upstream's merge with the existing map taking precedence). */
function mergeMaps(expected: Record<string, string> | undefined, existing: Record<string, string> | undefined): { merged: Record<string, string> | undefined; changed: boolean } {
  const out = { ...(existing ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(expected ?? {})) {
    if (!(k in out)) {
      out[k] = v;
      changed = true;
    }
  }
  return { merged: Object.keys(out).length || existing ? out : undefined, changed };
}

function finish<T extends { metadata: { annotations?: Record<string, string> } }>(existing: T, object: T, operation: ReconcileOperation): ReconcileResult<T> {
  const prot = isProtected(existing);
  if (operation === 'none' || prot) return { operation: prot ? operation : 'none', object: undefined, protected: prot };
  return { operation, object, protected: false };
}

/** ReconcileRole / ReconcileClusterRole: `existing` undefined → create `expected`. */
export function reconcileRole<T extends RoleLike>(expected: T, existing: T | undefined): ReconcileResult<T> {
  if (!existing) return { operation: 'create', object: structuredClone(expected), protected: false };
  const out = structuredClone(existing);
  let op: ReconcileOperation = 'none';
  const ann = mergeMaps(expected.metadata.annotations, existing.metadata.annotations);
  const lab = mergeMaps(expected.metadata.labels, existing.metadata.labels);
  if (ann.changed && ann.merged) out.metadata.annotations = ann.merged;
  if (lab.changed && lab.merged) out.metadata.labels = lab.merged;
  if (ann.changed || lab.changed) op = 'update';

  const { missing } = covers(existing.rules ?? [], expected.rules ?? []);
  if (missing.length) {
    out.rules = [...(existing.rules ?? []), ...missing];
    op = 'update';
  }

  const expAgg = aggregationRuleOf(expected);
  const curAgg = aggregationRuleOf(existing);
  if (!expAgg && curAgg) {
    // not expected to aggregate at all: drop the existing aggregation
    delete (out as ClusterRole).aggregationRule;
    op = 'update';
  } else if (expAgg) {
    const have = curAgg?.clusterRoleSelectors ?? [];
    const add = (expAgg.clusterRoleSelectors ?? []).filter((s) => !have.some((h) => sameJson(h, s)));
    if (add.length) {
      (out as ClusterRole).aggregationRule = { clusterRoleSelectors: [...have, ...add].map((s) => structuredClone(s)) };
      op = 'update';
    }
  }
  return finish(existing, out, op);
}

/** ReconcileRoleBinding / ReconcileClusterRoleBinding: a changed roleRef means delete and create ('recreate'). */
export function reconcileBinding<T extends BindingLike>(expected: T, existing: T | undefined): ReconcileResult<T> {
  if (!existing) return { operation: 'create', object: structuredClone(expected), protected: false };
  const out = structuredClone(existing);
  let op: ReconcileOperation = 'none';
  const ann = mergeMaps(expected.metadata.annotations, existing.metadata.annotations);
  const lab = mergeMaps(expected.metadata.labels, existing.metadata.labels);
  if (ann.changed && ann.merged) out.metadata.annotations = ann.merged;
  if (lab.changed && lab.merged) out.metadata.labels = lab.merged;
  if (ann.changed || lab.changed) op = 'update';
  if (!sameJson(existing.roleRef, expected.roleRef)) {
    out.roleRef = structuredClone(expected.roleRef);
    op = 'recreate';
  }
  const have = existing.subjects ?? [];
  const add = (expected.subjects ?? []).filter((s) => !have.some((h) => sameSubject(h, s)));
  if (add.length) {
    out.subjects = [...have, ...add].map((s) => structuredClone(s));
    if (op === 'none') op = 'update';
  }
  return finish(existing, out, op);
}

function aggregationRuleOf(r: RoleLike): { clusterRoleSelectors?: LabelSelector[] } | undefined {
  return 'aggregationRule' in r ? r.aggregationRule : undefined;
}

/** Subjects are equal when kind, apiGroup (defaulted), name and namespace are. */
function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '') && (a.apiGroup ?? '') === (b.apiGroup ?? '');
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

