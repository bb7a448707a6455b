// Every kind the API serves. Add a kind here and it appears in REST, discovery, OpenAPI and tables.
import type { KindDef } from '../schema/kind';
import { NamespaceKind } from './core/namespace';
import { ConfigMapKind } from './core/configmap';
import { PodKind } from './core/pod';
import { NodeKind } from './core/node';
import { ServiceKind } from './core/service';
import { EndpointsKind } from './core/endpoints';
import { SecretKind } from './core/secret';
import { ServiceAccountKind } from './core/serviceaccount';
import { EventKind } from './core/event';
import { ReplicationControllerKind } from './core/replicationcontroller';
import { LimitRangeKind } from './core/limitrange';
import { ResourceQuotaKind } from './core/resourcequota';
import { BindingKind } from './core/binding';
import { EndpointSliceKind } from './discovery/endpointslice';
import { DeploymentKind } from './apps/deployment';
import { ReplicaSetKind } from './apps/replicaset';
import { HorizontalPodAutoscalerKind } from './autoscaling/horizontalpodautoscaler';
import { DaemonSetKind } from './apps/daemonset';
import { StatefulSetKind } from './apps/statefulset';
import { JobKind } from './batch/job';
import { CronJobKind } from './batch/cronjob';
import { LeaseKind } from './coordination/lease';
import { MutatingWebhookConfigurationKind } from './admissionregistration/mutatingwebhookconfiguration';
import { ValidatingWebhookConfigurationKind } from './admissionregistration/validatingwebhookconfiguration';
import { RoleKind, ClusterRoleKind } from './rbac/role';
import { RoleBindingKind, ClusterRoleBindingKind } from './rbac/rolebinding';
import { PriorityClassKind } from './scheduling/priorityclass';
import { ControllerRevisionKind } from './apps/controllerrevision';
import { PodTemplateKind } from './core/podtemplate';
import { PersistentVolumeClaimKind } from './core/persistentvolumeclaim';
import { PersistentVolumeKind } from './core/persistentvolume';
import { StorageClassKind } from './storage/storageclass';
import { PodDisruptionBudgetKind } from './policy/poddisruptionbudget';
import { NetworkPolicyKind } from './networking/networkpolicy';
import { TokenReviewKind, SelfSubjectReviewKind, SelfSubjectReviewV1beta1Kind } from './authentication/reviews';
import { APIServiceKind } from './apiregistration/apiservice';
import { SubjectAccessReviewKind, LocalSubjectAccessReviewKind, SelfSubjectAccessReviewKind, SelfSubjectRulesReviewKind } from './authorization/reviews';
import { CertificateSigningRequestKind } from './certificates/csr';
import { ValidatingAdmissionPolicyKind } from './admissionregistration/validatingadmissionpolicy';
import { ValidatingAdmissionPolicyBindingKind } from './admissionregistration/validatingadmissionpolicybinding';
import { CustomResourceDefinitionKind } from './apiextensions/crd';

export { objectSchema, age, humanDuration } from './common';
export * from './core/namespace';
export * from './core/configmap';
export * from './core/pod';
export * from './core/pod-validation';
export * from './core/pod-table';
export * from './core/object-reference';
export * from './core/node';
export * from './core/service';
export * from './core/endpoints';
export * from './core/secret';
export * from './core/serviceaccount';
export * from './core/event';
export * from './core/replicationcontroller';
export * from './core/limitrange';
export * from './core/resourcequota';
export * from './core/binding';
export * from './discovery/endpointslice';
export * from './apps/deployment';
export * from './apps/replicaset';
export * from './apps/daemonset';
export * from './apps/statefulset';
export * from './batch/job';
export * from './batch/cronjob';
export * from './coordination/lease';
export * from './admissionregistration/webhook-common';
export * from './admissionregistration/mutatingwebhookconfiguration';
export * from './admissionregistration/validatingwebhookconfiguration';
export * from './rbac/common';
export * from './rbac/role';
export * from './rbac/rolebinding';
export * from './rbac/aggregate';
export * from './scheduling/priorityclass';
export * from './autoscaling/scale';
export * from './autoscaling/horizontalpodautoscaler';
export * from './apps/controllerrevision';
export * from './core/podtemplate';
export * from './core/persistentvolumeclaim';
export * from './core/persistentvolume';
export * from './storage/storageclass';
export * from './policy/poddisruptionbudget';
export * from './policy/eviction';
export * from './networking/networkpolicy';
export * from './authentication/tokenrequest';
export * from './authentication/reviews';
export * from './apiregistration/apiservice';
export * from './authorization/reviews';
export * from './certificates/csr';
export * from './certificates/csr-validation';
export * from './admissionregistration/validatingadmissionpolicy';
export * from './admissionregistration/validatingadmissionpolicybinding';
export * from './apiextensions/crd';

export const allKinds: KindDef[] = [
  NamespaceKind,
  PodKind,
  ServiceKind,
  EndpointsKind,
  NodeKind,
  ConfigMapKind,
  SecretKind,
  EventKind,
  ServiceAccountKind,
  ReplicationControllerKind,
  LimitRangeKind,
  ResourceQuotaKind,
  BindingKind,
  DeploymentKind,
  ReplicaSetKind,
  DaemonSetKind,
  StatefulSetKind,
  HorizontalPodAutoscalerKind,
  JobKind,
  CronJobKind,
  LeaseKind,
  MutatingWebhookConfigurationKind,
  ValidatingWebhookConfigurationKind,
  EndpointSliceKind,
  RoleKind,
  ClusterRoleKind,
  RoleBindingKind,
  ClusterRoleBindingKind,
  PriorityClassKind,
  ControllerRevisionKind,
  PodTemplateKind,
  PersistentVolumeClaimKind,
  PersistentVolumeKind,
  StorageClassKind,
  PodDisruptionBudgetKind,
  NetworkPolicyKind,
  CertificateSigningRequestKind,
  ValidatingAdmissionPolicyKind,
  ValidatingAdmissionPolicyBindingKind,
  CustomResourceDefinitionKind,
  TokenReviewKind,
  SelfSubjectReviewKind,
  SelfSubjectReviewV1beta1Kind,
  APIServiceKind,
  SubjectAccessReviewKind,
  LocalSubjectAccessReviewKind,
  SelfSubjectAccessReviewKind,
  SelfSubjectRulesReviewKind,
] as unknown as KindDef[];

// Defaulting runs before schema validation, so it may see malformed input (a string where a list belongs…).
// A TypeError there must not become a 500: skip the remaining defaults and let validation report the shape.
for (const k of allKinds) {
  const strategy = k.strategy;
  const fn = strategy?.default;
  if (!strategy || !fn || (fn as { guarded?: boolean }).guarded) continue;
  const guarded = (obj: Parameters<typeof fn>[0]) => {
    try {
      fn(obj);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
    }
  };
  (guarded as { guarded?: boolean }).guarded = true;
  strategy.default = guarded;
}

/**
 * Looks a kind up by group and version plus its Kind, plural, singular or a short name (case-insensitive).
 * An empty version matches any version of the group.
 */
export function findKind(group: string, version: string, kindOrPluralOrShortName: string): KindDef | undefined {
  const q = kindOrPluralOrShortName.toLowerCase();
  const candidates = allKinds.filter((k) => k.group === group && (!version || k.version === version));
  return (
    candidates.find((k) => k.kind === kindOrPluralOrShortName) ??
    candidates.find((k) => k.plural === q) ??
    candidates.find((k) => k.kind.toLowerCase() === q || k.singular === q) ??
    candidates.find((k) => k.shortNames.includes(q))
  );
}
