// The controller registry: name → start function. To add a controller, export a ControllerDescriptor from its
// folder and add one line to `controllerDescriptors` below. Names are upstream's (names.*Controller) with the
// short aliases --controllers also accepts.
import type { ControllerContext } from './controller/context';
import { deploymentControllerDescriptor } from './controllers/deployment';
import { replicaSetControllerDescriptor, replicationControllerDescriptor } from './controllers/replicaset';
import { daemonSetControllerDescriptor } from './controllers/daemonset';
import { statefulSetControllerDescriptor } from './controllers/statefulset';
import { persistentVolumeBinderControllerDescriptor } from './controllers/persistentvolume';
import { jobControllerDescriptor } from './controllers/job';
import { ttlAfterFinishedControllerDescriptor } from './controllers/ttlafterfinished';
import { cronJobControllerDescriptor } from './controllers/cronjob';
import { endpointsControllerDescriptor } from './controllers/endpoints';
import { endpointSliceControllerDescriptor } from './controllers/endpointslice';
import { namespaceControllerDescriptor } from './controllers/namespace';
import { garbageCollectorControllerDescriptor } from './controllers/garbagecollector';
import { nodeLifecycleControllerDescriptor } from './controllers/nodelifecycle';
import { nodeIpamControllerDescriptor } from './controllers/nodeipam';
import { serviceAccountControllerDescriptor } from './controllers/serviceaccount';
import { podGCControllerDescriptor } from './controllers/podgc';
import { clusterRoleAggregationControllerDescriptor } from './controllers/clusterroleaggregation';
import { csrSigningControllerDescriptor, csrApprovingControllerDescriptor } from './controllers/certificates';
import { horizontalPodAutoscalerControllerDescriptor } from './controllers/podautoscaler';

export interface ControllerDescriptor {
  /** Canonical name, e.g. "deployment-controller". */
  name: string;
  /** Other names accepted by --controllers, e.g. "deployment". */
  aliases?: string[];
  /** Off unless named explicitly (upstream: bootstrapsigner, tokencleaner). */
  disabledByDefault?: boolean;
  /** Builds and runs the controller; resolves once it has stopped after the signal aborted. */
  start(ctx: ControllerContext, signal: AbortSignal): Promise<void>;
}

export const controllerDescriptors: ControllerDescriptor[] = [
  deploymentControllerDescriptor,
  replicaSetControllerDescriptor,
  replicationControllerDescriptor,
  daemonSetControllerDescriptor,
  statefulSetControllerDescriptor,
  persistentVolumeBinderControllerDescriptor,
  jobControllerDescriptor,
  ttlAfterFinishedControllerDescriptor,
  cronJobControllerDescriptor,
  endpointsControllerDescriptor,
  endpointSliceControllerDescriptor,
  namespaceControllerDescriptor,
  garbageCollectorControllerDescriptor,
  nodeLifecycleControllerDescriptor,
  nodeIpamControllerDescriptor,
  serviceAccountControllerDescriptor,
  podGCControllerDescriptor,
  clusterRoleAggregationControllerDescriptor,
  csrSigningControllerDescriptor,
  csrApprovingControllerDescriptor,
  horizontalPodAutoscalerControllerDescriptor,
];

/** Adds (or replaces, by name) a descriptor at runtime. */
export function registerController(d: ControllerDescriptor, into: ControllerDescriptor[] = controllerDescriptors): void {
  const i = into.findIndex((x) => x.name === d.name);
  if (i >= 0) into[i] = d;
  else into.push(d);
}

/**
 * Upstream's IsControllerEnabled: the first explicit "name"/"-name" (any alias) wins; otherwise '*' enables every
 * controller that is not disabled by default; without '*' nothing is on.
 */
export function isControllerEnabled(d: Pick<ControllerDescriptor, 'name' | 'aliases' | 'disabledByDefault'>, controllers: readonly string[]): boolean {
  const names = new Set([d.name, ...(d.aliases ?? [])]);
  let star = false;
  for (const c of controllers) {
    if (names.has(c)) return true;
    if (c.startsWith('-') && names.has(c.slice(1))) return false;
    if (c === '*') star = true;
  }
  return star && !d.disabledByDefault;
}

/** Errors for --controllers entries that name no known controller (upstream rejects them too). */
export function unknownControllers(controllers: readonly string[], descriptors: readonly ControllerDescriptor[] = controllerDescriptors): string[] {
  const known = new Set(descriptors.flatMap((d) => [d.name, ...(d.aliases ?? [])]));
  return controllers.filter((c) => c !== '*' && !known.has(c.replace(/^-/, '')));
}
