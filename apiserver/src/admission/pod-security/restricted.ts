// The restricted level's own checks, at upstream's latest version (k8s.io/pod-security-admission/policy).
// The restricted level also runs every baseline check these do not override.
import { allContainers, type PodView } from './pod-view';
import { allowed, containersPhrase, forbidden, inUserNamespace, joinQuote, pluralize, sortedSet, type Check, type CheckResult } from './check';
import { procMountDefaultOnly, validSeccompType } from './baseline';

const isWindows = (pod: PodView): boolean => pod.os === 'windows';

function allowPrivilegeEscalation(pod: PodView): CheckResult {
  if (isWindows(pod)) return allowed;
  const bad = allContainers(pod)
    .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
    .map((c) => c.name);
  return bad.length ? forbidden('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`) : allowed;
}

function capabilitiesRestricted(pod: PodView): CheckResult {
  if (isWindows(pod)) return allowed;
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const caps: string[] = [];
  for (const c of allContainers(pod)) {
    const cc = c.securityContext?.capabilities;
    if (!cc) {
      missingDropAll.push(c.name);
      continue;
    }
    if (!cc.drop.includes('ALL')) missingDropAll.push(c.name);
    const extra = cc.add.filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length) {
      addingForbidden.push(c.name);
      caps.push(...extra);
    }
  }
  const details: string[] = [];
  if (missingDropAll.length) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (addingForbidden.length) details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
  return details.length ? forbidden('unrestricted capabilities', details.join('; ')) : allowed;
}

/** Volume sources the restricted level allows: none reaches the node's filesystem or network storage directly. */
const restrictedVolumeSources = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

function restrictedVolumes(pod: PodView): CheckResult {
  const bad = pod.volumes.filter((v) => v.source === undefined || !restrictedVolumeSources.has(v.source));
  if (!bad.length) return allowed;
  const names = bad.map((v) => v.name);
  const types = sortedSet(bad.map((v) => v.source ?? 'unknown'));
  return forbidden(
    'restricted volume types',
    `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', types.length)} ${joinQuote(types)}`,
  );
}

function runAsNonRoot(pod: PodView): CheckResult {
  if (inUserNamespace(pod)) return allowed;
  const setters: string[] = [];
  let podNonRoot = false;
  const podValue = pod.securityContext?.runAsNonRoot;
  if (podValue === false) setters.push('pod');
  else if (podValue === true) podNonRoot = true;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of allContainers(pod)) {
    const v = c.securityContext?.runAsNonRoot;
    if (v === false) explicit.push(c.name);
    else if (v === undefined && !podNonRoot) implicit.push(c.name);
  }
  if (explicit.length) setters.push(containersPhrase(explicit));
  if (setters.length) return forbidden('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`);
  if (implicit.length) return forbidden('runAsNonRoot != true', `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`);
  return allowed;
}

function runAsUser(pod: PodView): CheckResult {
  if (inUserNamespace(pod)) return allowed;
  const setters: string[] = [];
  if (pod.securityContext?.runAsUser === 0) setters.push('pod');
  const bad = allContainers(pod)
    .filter((c) => c.securityContext?.runAsUser === 0)
    .map((c) => c.name);
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length ? forbidden('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`) : allowed;
}

function seccompProfileRestricted(pod: PodView): CheckResult {
  if (isWindows(pod)) return allowed;
  const setters: string[] = [];
  const values: string[] = [];
  let podSet = false;
  const podType = pod.securityContext?.seccompProfile?.type;
  if (podType !== undefined) {
    if (validSeccompType(podType)) podSet = true;
    else {
      setters.push('pod');
      values.push(podType);
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of allContainers(pod)) {
    const t = c.securityContext?.seccompProfile?.type;
    if (t !== undefined) {
      if (!validSeccompType(t)) {
        explicit.push(c.name);
        values.push(t);
      }
    } else if (!podSet) implicit.push(c.name);
  }
  if (explicit.length) setters.push(containersPhrase(explicit));
  if (setters.length) return forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`);
  if (implicit.length) return forbidden('seccompProfile', `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  return allowed;
}

export const restrictedChecks: Check[] = [
  { id: 'allowPrivilegeEscalation', level: 'restricted', check: allowPrivilegeEscalation },
  { id: 'capabilities_restricted', level: 'restricted', overrides: ['capabilities_baseline'], check: capabilitiesRestricted },
  // no user-namespace relaxation at restricted
  { id: 'procMount_restricted', level: 'restricted', overrides: ['procMount'], check: procMountDefaultOnly },
  { id: 'restrictedVolumes', level: 'restricted', overrides: ['hostPathVolumes'], check: restrictedVolumes },
  { id: 'runAsNonRoot', level: 'restricted', check: runAsNonRoot },
  { id: 'runAsUser', level: 'restricted', check: runAsUser },
  { id: 'seccompProfile_restricted', level: 'restricted', overrides: ['seccompProfile_baseline'], check: seccompProfileRestricted },
];
