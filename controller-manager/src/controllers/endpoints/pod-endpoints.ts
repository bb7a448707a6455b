// What Endpoints and EndpointSlices share about pods behind a Service (upstream pkg/controller/util/endpoint):
// which pods belong in endpoints, named targetPort resolution, hostnames, the services selecting a pod,
// and the last-change-trigger-time annotation.
import { rfc3339 } from '@kubets/client';
import type { Pod, ReadOnly, Service, ServicePort } from '@kubets/api';
import type { Lister } from '@kubets/client';

export const LastChangeTriggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';
export const HeadlessServiceLabel = 'service.kubernetes.io/headless';

type RP = ReadOnly<Pod>;
type RS = ReadOnly<Service>;

export function podIsReady(p: RP): boolean {
  return p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

/** The pod's primary IP ("" when it has none yet). */
export function podIP(p: RP): string {
  return p.status?.podIP ?? p.status?.podIPs?.[0]?.ip ?? '';
}

/**
 * ShouldPodBeInEndpoints: the pod has an IP, is not terminating (unless includeTerminating), and has not finished
 * for good (RestartPolicy Never: not Succeeded/Failed; OnFailure: not Succeeded).
 */
export function shouldPodBeInEndpoints(p: RP, includeTerminating: boolean): boolean {
  if (!podIP(p)) return false;
  if (!includeTerminating && p.metadata.deletionTimestamp) return false;
  const phase = p.status?.phase;
  const rp = p.spec?.restartPolicy ?? 'Always';
  if (rp === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (rp === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

/** ShouldSetHostname: pod.spec.hostname is set and pod.spec.subdomain names this service (same namespace). */
export function shouldSetHostname(p: RP, svc: RS): boolean {
  return !!p.spec?.hostname && p.spec?.subdomain === svc.metadata.name && p.metadata.namespace === svc.metadata.namespace;
}

export function isHeadlessService(svc: RS): boolean {
  return svc.spec?.clusterIP === 'None';
}

/** The service selects pods (has a non-empty selector and is not ExternalName). */
export function serviceHasSelector(svc: RS): boolean {
  if (svc.spec?.type === 'ExternalName') return false;
  const sel = svc.spec?.selector;
  return !!sel && Object.keys(sel).length > 0;
}

export function selectorMatches(sel: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!sel || Object.keys(sel).length === 0) return false;
  for (const [k, v] of Object.entries(sel)) if (labels?.[k] !== v) return false;
  return true;
}

/**
 * FindPort: the container port a service port targets on this pod. A number (or no targetPort: the service port)
 * is used as is; a name is looked up among the pod's container ports with the same protocol. undefined if absent.
 */
export function findPort(p: RP, sp: ReadOnly<ServicePort>): number | undefined {
  const tp = sp.targetPort;
  if (tp === undefined || tp === null || tp === '' || tp === 0) return sp.port;
  if (typeof tp === 'number') return tp;
  const proto = sp.protocol ?? 'TCP';
  for (const c of p.spec?.containers ?? []) {
    for (const cp of c.ports ?? []) {
      if (cp.name === tp && (cp.protocol ?? 'TCP') === proto) return cp.containerPort;
    }
  }
  return undefined;
}

/** Services in the pod's namespace whose selector matches the pod's labels. */
export function servicesForPod(services: Lister<Service>, p: RP): RS[] {
  return services
    .namespace(p.metadata.namespace ?? '')
    .list()
    .filter((s) => serviceHasSelector(s) && selectorMatches(s.spec?.selector, p.metadata.labels));
}

/** Keys of services selecting the old or the new pod (labels may have changed). */
export function serviceKeysForPodChange(services: Lister<Service>, oldPod: RP | undefined, newPod: RP): Set<string> {
  const keys = new Set<string>();
  for (const p of oldPod ? [oldPod, newPod] : [newPod]) {
    for (const s of servicesForPod(services, p)) keys.add(`${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`);
  }
  return keys;
}

/** Did anything endpoints are built from change? (Resyncs and status-only noise are filtered out.) */
export function podEndpointsChanged(a: RP, b: RP): boolean {
  if (a.metadata.resourceVersion === b.metadata.resourceVersion) return false;
  if (podIP(a) !== podIP(b)) return true;
  if (podIsReady(a) !== podIsReady(b)) return true;
  if (!!a.metadata.deletionTimestamp !== !!b.metadata.deletionTimestamp) return true;
  if (a.spec?.nodeName !== b.spec?.nodeName || a.spec?.hostname !== b.spec?.hostname || a.spec?.subdomain !== b.spec?.subdomain) return true;
  if (a.status?.phase !== b.status?.phase) return true;
  if (JSON.stringify(a.metadata.labels ?? {}) !== JSON.stringify(b.metadata.labels ?? {})) return true;
  return false;
}

function ts(s: string | null | undefined): number {
  if (!s) return NaN;
  return Date.parse(s);
}

/**
 * The time of the newest change that can have triggered this endpoints update: the service's creation, a pod's
 * creation or its Ready condition's last transition. undefined when nothing is known.
 */
export function lastChangeTriggerTime(svc: RS, pods: readonly RP[]): string | undefined {
  let best = ts(svc.metadata.creationTimestamp);
  for (const p of pods) {
    for (const t of [ts(p.metadata.creationTimestamp), ts(p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime)]) {
      if (!Number.isNaN(t) && (Number.isNaN(best) || t > best)) best = t;
    }
  }
  return Number.isNaN(best) ? undefined : rfc3339(best);
}

export function podTargetRef(p: RP): { kind: string; namespace: string; name: string; uid: string } {
  return { kind: 'Pod', namespace: p.metadata.namespace ?? '', name: p.metadata.name ?? '', uid: p.metadata.uid ?? '' };
}
