// Kubernetes version ordering (v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > other) and grouping of kinds.
import type { KindDef } from '@kubets/api';

function rank(v: string): [number, number, number] {
  const m = v.match(/^v(\d+)(?:(alpha|beta)(\d+))?$/);
  if (!m) return [0, 0, 0];
  const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  return [stage, Number(m[1]), Number(m[3] ?? 0)];
}

/** Negative when a should come first (is preferred). */
export function compareVersions(a: string, b: string): number {
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface GroupInfo {
  name: string;
  /** preferred first */
  versions: { version: string; kinds: KindDef[] }[];
}

/** Groups in first-seen order (core first), versions preferred-first. */
export function groupKinds(kinds: KindDef[]): GroupInfo[] {
  const groups: GroupInfo[] = [];
  const core = kinds.filter((k) => k.group === '');
  const ordered = [...core, ...kinds.filter((k) => k.group !== '')];
  for (const k of ordered) {
    let g = groups.find((x) => x.name === k.group);
    if (!g) groups.push((g = { name: k.group, versions: [] }));
    let v = g.versions.find((x) => x.version === k.version);
    if (!v) g.versions.push((v = { version: k.version, kinds: [] }));
    v.kinds.push(k);
  }
  for (const g of groups) g.versions.sort((a, b) => compareVersions(a.version, b.version));
  return groups;
}
