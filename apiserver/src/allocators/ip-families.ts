// Service IP-family fields as kube-apiserver's service REST initIPFamilyFields sets and checks them before it
// allocates: ipFamilyPolicy defaults (SingleStack; RequireDualStack for headless selectorless services),
// ipFamilies inferred from clusterIPs or the cluster's primary family, the second family added for
// PreferDualStack/RequireDualStack on a dual-stack cluster, and the errors for families this cluster lacks.
import type { StatusCause } from '@kubets/api';
import { familyOf, type IPFamily } from './ip';

export interface FamilySpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  selector?: Record<string, string>;
}

/** The families this cluster serves, primary first (--service-cluster-ip-range order). */
export interface ClusterFamilies {
  families: { family: IPFamily }[];
}

const supportedFamilies = ['IPv4', 'IPv6'];
const supportedPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

// Go's %#v of the values upstream puts in these errors
const goStr = (s: string) => JSON.stringify(s);
const goSlice = (type: string, v: string[]) => `[]${type}{${v.map(goStr).join(', ')}}`;
const invalid = (field: string, value: string, detail: string): StatusCause => ({ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${detail}`, field });

const same = (a: string[] | undefined, b: string[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
const isHeadless = (s: FamilySpec) => s.clusterIP === 'None' || s.clusterIPs?.[0] === 'None';
const hasSelector = (s: FamilySpec) => Object.keys(s.selector ?? {}).length > 0;

/** validation.ValidateServiceClusterIPsRelatedFields (the part about families and their IPs). */
export function validateClusterIPsRelatedFields(spec: FamilySpec): StatusCause[] {
  const out: StatusCause[] = [];
  const families = spec.ipFamilies ?? [];
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (!supportedFamilies.includes(f)) {
      out.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${goStr(f)}: supported values: ${supportedFamilies.map(goStr).join(', ')}`, field: `spec.ipFamilies[${i}]` });
    }
    if (seen.has(f)) out.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${goStr(f)}`, field: `spec.ipFamilies[${i}]` });
    seen.add(f);
  });
  if (families.length > 2) out.push(invalid('spec.ipFamilies', goSlice('core.IPFamily', families), 'may contain at most two entries (dual-stack)'));
  if (spec.ipFamilyPolicy && !supportedPolicies.includes(spec.ipFamilyPolicy)) {
    out.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${goStr(spec.ipFamilyPolicy)}: supported values: ${supportedPolicies.map(goStr).join(', ')}`, field: 'spec.ipFamilyPolicy' });
  }
  const ips = spec.clusterIPs ?? [];
  if (ips.length > 2) out.push(invalid('spec.clusterIPs', goSlice('string', ips), 'may only hold up to 2 values'));
  if (out.length) return out;
  if (ips.length === 2 && !isHeadless(spec) && familyOf(ips[0]!) === familyOf(ips[1]!)) {
    out.push(invalid('spec.clusterIPs', goSlice('string', ips), 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      const want = families[i];
      if (want === undefined || ip === '') return;
      if (familyOf(ip) !== want && familyOf(ip)) out.push(invalid(`spec.clusterIPs[${i}]`, goStr(ip), `expected an ${want} value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return out;
}

/** Fills ipFamilyPolicy/ipFamilies in place; returns upstream's causes when the request cannot be served. */
export function initIPFamilyFields(spec: FamilySpec, old: FamilySpec | undefined, cluster: ClusterFamilies): StatusCause[] {
  if (spec.type === 'ExternalName') return [];
  const configured = (f: string) => cluster.families.some((x) => x.family === f);
  const dualStackCluster = cluster.families.length > 1;
  // a PreferDualStack service is never up- or downgraded implicitly by a cluster change
  if (old && spec.ipFamilyPolicy === 'PreferDualStack' && old.ipFamilyPolicy === 'PreferDualStack' && same(spec.clusterIPs, old.clusterIPs) && same(spec.ipFamilies, old.ipFamilies)) return [];
  if (!spec.ipFamilyPolicy) {
    if (old?.ipFamilyPolicy) spec.ipFamilyPolicy = old.ipFamilyPolicy;
    else spec.ipFamilyPolicy = isHeadless(spec) && !hasSelector(spec) ? 'RequireDualStack' : 'SingleStack';
  }
  const pre = validateClusterIPsRelatedFields(spec);
  if (pre.length) return pre;
  const policy = spec.ipFamilyPolicy;
  const out: StatusCause[] = [];
  if (old) {
    if (policy === 'SingleStack') {
      // ClusterIPs[0] is immutable, so dropping the secondary is safe
      if (same(spec.clusterIPs, old.clusterIPs) && (spec.clusterIPs?.length ?? 0) > 1) spec.clusterIPs = spec.clusterIPs!.slice(0, 1);
      if (same(spec.ipFamilies, old.ipFamilies) && (spec.ipFamilies?.length ?? 0) > 1) spec.ipFamilies = spec.ipFamilies!.slice(0, 1);
    } else {
      if ((spec.clusterIPs?.length ?? 0) < (old.clusterIPs?.length ?? 0) && (spec.clusterIPs?.length ?? 0) > 0) {
        out.push(invalid('spec.ipFamilyPolicy', goStr(policy), "must be 'SingleStack' to release the secondary cluster IP"));
      }
      if ((spec.ipFamilies?.length ?? 0) < (old.ipFamilies?.length ?? 0) && (spec.ipFamilies?.length ?? 0) > 0) {
        out.push(invalid('spec.ipFamilyPolicy', goStr(policy), "must be 'SingleStack' to release the secondary IP family"));
      }
    }
  }
  if (policy === 'SingleStack') {
    if (spec.clusterIPs?.length === 2) out.push(invalid('spec.ipFamilyPolicy', goStr(policy), "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    if (spec.ipFamilies?.length === 2) out.push(invalid('spec.ipFamilyPolicy', goStr(policy), "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  // infer families from the IPs the client chose
  const families = (spec.ipFamilies = [...(spec.ipFamilies ?? [])]);
  for (const [i, ip] of (spec.clusterIPs ?? []).entries()) {
    if (ip === 'None') break;
    const fam = familyOf(ip);
    if (!fam || i < families.length) continue;
    if (!configured(fam)) out.push(invalid(`spec.clusterIPs[${i}]`, goSlice('string', spec.clusterIPs!), `${fam} is not configured on this cluster`));
    else families.push(fam);
  }
  if (out.length) return out;
  const primary = cluster.families[0]!.family;
  const other = (f: string): IPFamily => (f === 'IPv4' ? 'IPv6' : 'IPv4');
  // headless + selectorless: any families go, even ones this cluster lacks
  if (isHeadless(spec) && !hasSelector(spec)) {
    if (!families.length) families.push(primary);
    if (families.length < 2 && policy !== 'SingleStack') families.push(other(families[0]!));
    return [];
  }
  if (policy === 'RequireDualStack' && !dualStackCluster) out.push(invalid('spec.ipFamilyPolicy', goStr(policy), 'this cluster is not configured for dual-stack services'));
  families.forEach((f, i) => {
    if (!configured(f)) out.push(invalid(`spec.ipFamilies[${i}]`, goStr(f), 'not configured on this cluster'));
  });
  if (out.length) return out;
  if (!families.length) families.push(primary);
  if (policy !== 'SingleStack' && families.length === 1 && dualStackCluster) families.push(other(families[0]!));
  return [];
}
