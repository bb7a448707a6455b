// core/v1 Pod.
import { Opt, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema } from '../common';
import { PodSpecSchema, PodStatusSchema } from './pod-spec';
import { defaultPodSpec, defaultPodRequestsFromLimits, computeQOSClass, validatePodSpec, validatePodSpecUpdate, validatePodStatusIPs } from './pod-validation';
import { podColumns, podCells } from './pod-table';
import { fieldErr } from '../validators';

export * from './container';
export * from './volume';
export * from './affinity';
export * from './pod-spec';

export const PodSchema = objectSchema('io.k8s.api.core.v1.Pod', 'Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.', {
  spec: Opt(PodSpecSchema, 'Specification of the desired behavior of the pod.'),
  status: Opt(PodStatusSchema, 'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only.'),
});
export type Pod = Static<typeof PodSchema>;

export const PodKind = defineKind<Pod>({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  schema: PodSchema,
  status: true,
  extraSubresources: ['log', 'exec', 'attach', 'portforward', 'binding', 'eviction', 'ephemeralcontainers', 'proxy'],
  fieldSelectors: {
    'spec.nodeName': (o) => o.spec?.nodeName ?? '',
    'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
    'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (o) => String(o.spec?.hostNetwork ?? false),
    'status.phase': (o) => o.status?.phase ?? '',
    'status.podIP': (o) => o.status?.podIPs?.[0]?.ip ?? o.status?.podIP ?? '',
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName ?? '',
  },
  strategy: {
    default(pod) {
      defaultPodSpec(pod.spec);
      defaultPodRequestsFromLimits(pod.spec);
      pod.status = pod.status ?? {};
      if (!pod.status.phase) pod.status.phase = 'Pending';
      if (!pod.status.qosClass && pod.spec) pod.status.qosClass = computeQOSClass(pod.spec);
    },
    validate(pod) {
      return [...validatePodSpec(pod.spec, 'spec'), ...validatePodStatusIPs(pod.status)];
    },
    validateUpdate(pod, old) {
      if (!pod.spec || !old.spec) return [];
      return validatePodSpecUpdate(pod.spec, old.spec);
    },
    // ValidatePodCreate: ephemeral containers only arrive through the ephemeralcontainers subresource
    validateCreate(pod) {
      return pod.spec?.ephemeralContainers?.length ? [fieldErr.forbidden('spec.ephemeralContainers', 'cannot be set on create')] : [];
    },
    generationFromSpec: true,
  },
  table: { columns: podColumns, cells: podCells },
});
