// CRD status: the NamesAccepted / Established / Terminating conditions and acceptedNames, as upstream's naming
// and establishing controllers compute them (one API server: established as soon as the names are accepted).
import type { CustomResourceDefinition, CustomResourceDefinitionNames } from '@kubets/api';

export interface CRDCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

type Status = NonNullable<CustomResourceDefinition['status']>;

export function conditionOf(crd: CustomResourceDefinition, type: string): CRDCondition | undefined {
  return (crd.status?.conditions ?? []).find((c) => c.type === type);
}

export function isTrue(crd: CustomResourceDefinition, type: string): boolean {
  return conditionOf(crd, type)?.status === 'True';
}

/** Sets a condition, keeping lastTransitionTime when the status did not change. */
export function setCondition(status: Status, c: CRDCondition, now: string): void {
  const list = status.conditions ?? [];
  const i = list.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? list[i] : undefined;
  const next = { ...c, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now };
  if (i >= 0) list[i] = next;
  else list.push(next);
  status.conditions = list;
}

/**
 * Names of `crd` already taken by another CRD of the same group (plural, singular, short names, kind, list kind).
 * Returns the conflict (upstream's reason and message), or undefined when the names are free.
 */
export function namesConflict(crd: CustomResourceDefinition, others: CustomResourceDefinition[]): { reason: string; message: string } | undefined {
  const n = crd.spec.names;
  const taken = { resources: new Set<string>(), kinds: new Set<string>() };
  for (const o of others) {
    if (o.metadata.name === crd.metadata.name || o.spec.group !== crd.spec.group) continue;
    const a: CustomResourceDefinitionNames | undefined = o.status?.acceptedNames;
    if (!a?.plural) continue;
    for (const r of [a.plural, a.singular, ...(a.shortNames ?? [])]) if (r) taken.resources.add(r);
    for (const k of [a.kind, a.listKind]) if (k) taken.kinds.add(k);
  }
  const inUse = (reason: string, name: string) => ({ reason, message: `"${name}" is already in use` });
  if (taken.resources.has(n.plural)) return inUse('PluralConflict', n.plural);
  if (n.singular && taken.resources.has(n.singular)) return inUse('SingularConflict', n.singular);
  for (const s of n.shortNames ?? []) if (taken.resources.has(s)) return inUse('ShortNamesConflict', s);
  if (taken.kinds.has(n.kind)) return inUse('KindConflict', n.kind);
  if (n.listKind && taken.kinds.has(n.listKind)) return inUse('ListKindConflict', n.listKind);
  return undefined;
}

/** The status the controllers want for `crd` (a copy), given the other CRDs. */
export function desiredStatus(crd: CustomResourceDefinition, others: CustomResourceDefinition[], now: string): Status {
  const status: Status = structuredClone(crd.status ?? {});
  const conflict = namesConflict(crd, others);
  if (conflict) {
    setCondition(status, { type: 'NamesAccepted', status: 'False', ...conflict }, now);
    if (!isTrue(crd, 'Established')) setCondition(status, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }, now);
  } else {
    status.acceptedNames = structuredClone(crd.spec.names);
    setCondition(status, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }, now);
    setCondition(status, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now);
  }
  if (!status.acceptedNames) status.acceptedNames = { plural: '', kind: '' };
  return status;
}
