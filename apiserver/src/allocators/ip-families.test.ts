import type { StatusCause } from '@kubets/api';
import { initIPFamilyFields, type FamilySpec } from './ip-families';
import type { IPFamily } from './ip';

const v4: { family: IPFamily }[] = [{ family: 'IPv4' }];
const dual: { family: IPFamily }[] = [{ family: 'IPv4' }, { family: 'IPv6' }];
const sel = { app: 'x' };
const msg = (cs: StatusCause[]) => cs.map((c) => `${c.field}: ${c.message}`);

// [what, cluster, spec, old, expected causes, expected policy, expected families]
const cases: [string, typeof v4, FamilySpec, FamilySpec | undefined, string[], string?, string[]?][] = [
  ['defaults to SingleStack, primary family', v4, { selector: sel }, undefined, [], 'SingleStack', ['IPv4']],
  ['IPv6 on an IPv4 cluster', v4, { selector: sel, ipFamilies: ['IPv6'] }, undefined, ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster']],
  ['RequireDualStack on an IPv4 cluster', v4, { selector: sel, ipFamilyPolicy: 'RequireDualStack' }, undefined, ['spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services']],
  ['PreferDualStack on an IPv4 cluster', v4, { selector: sel, ipFamilyPolicy: 'PreferDualStack' }, undefined, [], 'PreferDualStack', ['IPv4']],
  ['SingleStack with two families', dual, { selector: sel, ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4', 'IPv6'] }, undefined, ["spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"]],
  ['SingleStack with two cluster IPs', dual, { selector: sel, ipFamilyPolicy: 'SingleStack', clusterIPs: ['10.96.0.5', 'fd00::5'] }, undefined, ["spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"]],
  ['an IPv6 cluster IP on an IPv4 cluster', v4, { selector: sel, clusterIPs: ['fd00::5'] }, undefined, ['spec.clusterIPs[0]: Invalid value: []string{"fd00::5"}: IPv6 is not configured on this cluster']],
  ['unsupported family', v4, { selector: sel, ipFamilies: ['IPv5'] }, undefined, ['spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"']],
  ['duplicate family', dual, { selector: sel, ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv4'] }, undefined, ['spec.ipFamilies[1]: Duplicate value: "IPv4"']],
  ['cluster IP of the other family', dual, { selector: sel, ipFamilies: ['IPv6'], clusterIPs: ['10.96.0.5'] }, undefined, ['spec.clusterIPs[0]: Invalid value: "10.96.0.5": expected an IPv6 value as indicated by `ipFamilies[0]`']],
  ['PreferDualStack on a dual-stack cluster gets both', dual, { selector: sel, ipFamilyPolicy: 'PreferDualStack' }, undefined, [], 'PreferDualStack', ['IPv4', 'IPv6']],
  ['RequireDualStack IPv6 first', dual, { selector: sel, ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6'] }, undefined, [], 'RequireDualStack', ['IPv6', 'IPv4']],
  ['families inferred from cluster IPs', dual, { selector: sel, ipFamilyPolicy: 'PreferDualStack', clusterIPs: ['fd00::5', '10.96.0.5'] }, undefined, [], 'PreferDualStack', ['IPv6', 'IPv4']],
  ['headless selectorless is RequireDualStack even on one family', v4, { clusterIP: 'None', clusterIPs: ['None'] }, undefined, [], 'RequireDualStack', ['IPv4', 'IPv6']],
  ['update keeps the old policy', dual, { selector: sel, clusterIPs: ['10.96.0.5', 'fd00::5'] }, { ipFamilyPolicy: 'PreferDualStack', clusterIPs: ['10.96.0.5', 'fd00::5'], ipFamilies: ['IPv4', 'IPv6'] }, [], 'PreferDualStack', ['IPv4', 'IPv6']],
  ['update dropping a family needs SingleStack', dual, { selector: sel, ipFamilyPolicy: 'RequireDualStack', clusterIPs: ['10.96.0.5'], ipFamilies: ['IPv4'] }, { ipFamilyPolicy: 'RequireDualStack', clusterIPs: ['10.96.0.5', 'fd00::5'], ipFamilies: ['IPv4', 'IPv6'] }, ["spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": must be 'SingleStack' to release the secondary cluster IP", "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": must be 'SingleStack' to release the secondary IP family"]],
  ['update to SingleStack drops the secondary', dual, { selector: sel, ipFamilyPolicy: 'SingleStack', clusterIPs: ['10.96.0.5', 'fd00::5'], ipFamilies: ['IPv4', 'IPv6'] }, { ipFamilyPolicy: 'RequireDualStack', clusterIPs: ['10.96.0.5', 'fd00::5'], ipFamilies: ['IPv4', 'IPv6'] }, [], 'SingleStack', ['IPv4']],
  ['ExternalName is left alone', v4, { type: 'ExternalName' }, undefined, [], undefined, undefined],
];

describe('initIPFamilyFields', () => {
  // rest parameters: jest would take a 7th named parameter for a done callback on the shorter rows
  it.each(cases)('%s', (...row) => {
    const [, cluster, spec, old, causes, policy, families] = row;
    const s = structuredClone(spec);
    expect(msg(initIPFamilyFields(s, old, { families: cluster }))).toEqual(causes);
    if (!causes.length) {
      expect(s.ipFamilyPolicy).toBe(policy);
      expect(s.ipFamilies).toEqual(families);
    }
  });
});
