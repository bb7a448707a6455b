// Turns Services and EndpointSlices (or, where a service has no slices, its Endpoints) into the proxy model.
import type { Service, EndpointSlice, Endpoints, ReadOnly } from '@kubets/api';
import type { ServicePort, Endpoint, Protocol } from './service-port';

export const serviceNameLabel = 'kubernetes.io/service-name';

export interface EndpointSources {
  /** slices for this service (label kubernetes.io/service-name) */
  slices: ReadOnly<EndpointSlice>[];
  /** legacy Endpoints object, used only when there are no slices */
  endpoints?: ReadOnly<Endpoints>;
}

function hasClusterIP(svc: ReadOnly<Service>): string | undefined {
  const ip = svc.spec?.clusterIP;
  return ip && ip !== 'None' ? ip : undefined;
}

/** Endpoints of one service port, found by the port's name in the slices (or Endpoints subsets). */
function endpointsFor(portName: string, protocol: Protocol, src: EndpointSources, nodeName: string): Endpoint[] {
  const out: Endpoint[] = [];
  const seen = new Set<string>();
  if (src.slices.length > 0) {
    for (const slice of src.slices) {
      if (slice.addressType !== 'IPv4') continue;
      const port = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
      if (!port || port.port === undefined) continue;
      for (const e of slice.endpoints ?? []) {
        const ip = e.addresses[0];
        if (!ip || seen.has(`${ip}:${port.port}`)) continue;
        seen.add(`${ip}:${port.port}`);
        const ready = e.conditions?.ready ?? true;
        out.push({
          ip,
          port: port.port,
          ready,
          serving: e.conditions?.serving ?? ready,
          terminating: e.conditions?.terminating ?? false,
          nodeName: e.nodeName,
          isLocal: !!nodeName && e.nodeName === nodeName,
        });
      }
    }
    return out;
  }
  for (const subset of src.endpoints?.subsets ?? []) {
    const port = (subset.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (!port) continue;
    const add = (a: { ip: string; nodeName?: string }, ready: boolean) =>
      out.push({ ip: a.ip, port: port.port, ready, serving: ready, terminating: false, nodeName: a.nodeName, isLocal: !!nodeName && a.nodeName === nodeName });
    for (const a of subset.addresses ?? []) add(a, true);
    for (const a of subset.notReadyAddresses ?? []) add(a, false);
  }
  return out;
}

export function servicePortsOf(svc: ReadOnly<Service>, src: EndpointSources, nodeName: string): ServicePort[] {
  const spec = svc.spec;
  if (!spec || spec.type === 'ExternalName') return [];
  const clusterIP = hasClusterIP(svc);
  const out: ServicePort[] = [];
  for (const p of spec.ports ?? []) {
    const protocol = (p.protocol ?? 'TCP') as Protocol;
    const portName = p.name ?? '';
    out.push({
      namespace: svc.metadata.namespace ?? 'default',
      name: svc.metadata.name ?? '',
      portName,
      protocol,
      clusterIP,
      port: p.port,
      nodePort: spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? p.nodePort : undefined,
      externalIPs: [...(spec.externalIPs ?? [])],
      loadBalancerIPs: (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((x): x is string => !!x),
      affinityTimeoutSeconds: spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : undefined,
      externalPolicyLocal: spec.externalTrafficPolicy === 'Local',
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      endpoints: clusterIP || spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? endpointsFor(portName, protocol, src, nodeName) : [],
    });
  }
  // Headless services get no proxy rules (DNS answers with pod IPs instead).
  return clusterIP ? out : [];
}
