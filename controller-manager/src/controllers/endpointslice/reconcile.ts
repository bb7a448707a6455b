// The EndpointSlice reconciler (upstream pkg/controller/endpointslice reconciler, simplified): desired endpoints are
// grouped by their resolved port set; existing slices of a port set keep the endpoints still desired (updated in
// place), free room is filled before new slices are created (at most maxEndpointsPerSlice each), slices left
// empty are deleted, and a service without any endpoints keeps one empty placeholder slice.
import type { Endpoint, EndpointSlice, Node, Pod, ReadOnly, Service } from '@kubets/api';
import { findPort, isHeadlessService, podIP, podIsReady, podTargetRef, shouldPodBeInEndpoints, shouldSetHostname, HeadlessServiceLabel } from '../endpoints/pod-endpoints';

export const ServiceNameLabel = 'kubernetes.io/service-name';
export const ManagedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const ControllerName = 'endpointslice-controller.k8s.io';
export const ZoneLabel = 'topology.kubernetes.io/zone';
export const DefaultMaxEndpointsPerSlice = 100;

type SlicePort = NonNullable<EndpointSlice['ports']>[number];

export function portsKey(ports: readonly ReadOnly<SlicePort>[] | undefined): string {
  return (ports ?? [])
    .map((p) => `${p.name ?? ''}/${p.port ?? ''}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`)
    .sort()
    .join(',');
}

function endpointKey(e: ReadOnly<Endpoint>): string {
  return e.targetRef?.uid ? `uid:${e.targetRef.uid}` : `ip:${e.addresses[0] ?? ''}`;
}

export interface DesiredGroup {
  ports: SlicePort[];
  endpoints: Map<string, Endpoint>;
}

/** Desired endpoints by port-set key. */
export function desiredEndpoints(svc: ReadOnly<Service>, pods: readonly ReadOnly<Pod>[], nodeByName: (n: string) => ReadOnly<Node> | undefined): Map<string, DesiredGroup> {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const out = new Map<string, DesiredGroup>();
  for (const p of pods) {
    if (!shouldPodBeInEndpoints(p, true)) continue;
    const ip = podIP(p);
    if (!ip.includes('.') || ip.includes(':')) continue; // IPv4 slices only
    const ports: SlicePort[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const port = findPort(p, sp);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    // (as upstream: a pod none of whose target ports resolve still gets an endpoint, in a slice without ports)
    ports.sort((a, b) => (a.name! < b.name! ? -1 : a.name! > b.name! ? 1 : 0));
    const terminating = !!p.metadata.deletionTimestamp;
    const ready = podIsReady(p);
    const nodeName = p.spec?.nodeName;
    const zone = nodeName ? nodeByName(nodeName)?.metadata.labels?.[ZoneLabel] : undefined;
    const ep: Endpoint = {
      addresses: [ip],
      conditions: { ready: publishNotReady || (ready && !terminating), serving: publishNotReady || ready, terminating },
      ...(shouldSetHostname(p, svc) ? { hostname: p.spec?.hostname ?? '' } : {}),
      targetRef: podTargetRef(p),
      ...(nodeName ? { nodeName } : {}),
      ...(zone ? { zone } : {}),
    };
    const k = portsKey(ports);
    let g = out.get(k);
    if (!g) out.set(k, (g = { ports, endpoints: new Map() }));
    g.endpoints.set(endpointKey(ep), ep);
  }
  return out;
}

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: ReadOnly<EndpointSlice>[];
}

function sortEndpoints(eps: Endpoint[]): Endpoint[] {
  return eps.sort((a, b) => (endpointKey(a) < endpointKey(b) ? -1 : 1));
}

/** The labels every managed slice of this service carries. */
export function sliceLabels(svc: ReadOnly<Service>): Record<string, string> {
  const l: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  l[ServiceNameLabel] = svc.metadata.name ?? '';
  l[ManagedByLabel] = ControllerName;
  if (isHeadlessService(svc)) l[HeadlessServiceLabel] = '';
  else delete l[HeadlessServiceLabel];
  return l;
}

function newSlice(svc: ReadOnly<Service>, ports: SlicePort[], endpoints: Endpoint[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata.name ?? ''}-`,
      namespace: svc.metadata.namespace,
      labels: sliceLabels(svc),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name ?? '', uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => a?.[k] === b[k]);
}

/** Plans creates/updates/deletes turning `existing` (this service's managed slices) into `desired`. */
export function planSlices(svc: ReadOnly<Service>, existing: readonly ReadOnly<EndpointSlice>[], desired: Map<string, DesiredGroup>, maxPerSlice = DefaultMaxEndpointsPerSlice): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const labels = sliceLabels(svc);
  const byKey = new Map<string, ReadOnly<EndpointSlice>[]>();
  for (const s of [...existing].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1))) {
    const k = portsKey(s.ports);
    const l = byKey.get(k) ?? [];
    l.push(s);
    byKey.set(k, l);
  }
  const leftovers: ReadOnly<EndpointSlice>[] = [];
  for (const [k, slices] of byKey) if (!desired.has(k)) leftovers.push(...slices);

  for (const [k, group] of desired) {
    const remaining = new Map(group.endpoints);
    const kept: Array<{ slice: ReadOnly<EndpointSlice>; eps: Endpoint[] }> = [];
    for (const s of byKey.get(k) ?? []) {
      const eps: Endpoint[] = [];
      for (const e of s.endpoints ?? []) {
        const ek = endpointKey(e);
        const want = remaining.get(ek);
        if (want && eps.length < maxPerSlice) {
          eps.push(want);
          remaining.delete(ek);
        }
      }
      kept.push({ slice: s, eps });
    }
    // fill free room in existing slices, then new slices
    const rest = [...remaining.values()];
    for (const ks of kept) while (rest.length && ks.eps.length < maxPerSlice && ks.eps.length > 0) ks.eps.push(rest.shift()!);
    for (const ks of kept) while (rest.length && ks.eps.length < maxPerSlice) ks.eps.push(rest.shift()!);
    for (const ks of kept) {
      if (ks.eps.length === 0) {
        plan.delete.push(ks.slice);
        continue;
      }
      const eps = sortEndpoints(ks.eps);
      if (JSON.stringify(eps) === JSON.stringify(ks.slice.endpoints ?? []) && sameLabels(ks.slice.metadata.labels, labels) && ks.slice.addressType === 'IPv4') continue;
      const next = structuredClone(ks.slice) as EndpointSlice;
      next.endpoints = eps;
      next.metadata.labels = labels;
      plan.update.push(next);
    }
    while (rest.length) plan.create.push(newSlice(svc, structuredClone(group.ports), sortEndpoints(rest.splice(0, maxPerSlice))));
  }

  const total = [...desired.values()].reduce((n, g) => n + g.endpoints.size, 0);
  if (total === 0) {
    // placeholder: one empty slice without ports stays (reuse an existing one when possible)
    const all = [...leftovers];
    const keep = all.shift();
    if (keep) {
      if ((keep.endpoints ?? []).length || (keep.ports ?? []).length || !sameLabels(keep.metadata.labels, labels)) {
        const next = structuredClone(keep) as EndpointSlice;
        next.endpoints = [];
        next.ports = [];
        next.metadata.labels = labels;
        plan.update.push(next);
      }
    } else plan.create.push(newSlice(svc, [], []));
    plan.delete.push(...all);
  } else {
    plan.delete.push(...leftovers);
  }
  return plan;
}
