// Where an APIService's Service really is: the Service port matching spec.service.port, then a ready address of
// its Endpoints (or EndpointSlices) on that port's target, as kube-aggregator's endpoint resolver does. The API
// server never dials a ClusterIP: traffic goes straight to an endpoint.
import type { KubeObject } from '@kubets/api';

export type Lookup = (namespace: string, name: string) => KubeObject | undefined;

export class ResolveError extends Error {
  constructor(
    readonly reason: 'ServiceNotFound' | 'ServicePortError' | 'MissingEndpoints',
    message: string,
  ) {
    super(message);
  }
}

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
}
interface EndpointPort {
  name?: string;
  port?: number;
}
interface Subset {
  addresses?: { ip?: string }[];
  ports?: EndpointPort[];
}
interface Slice {
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean } }[];
  ports?: EndpointPort[];
}

/** host:port of one ready endpoint behind namespace/name:port. */
export function resolveService(services: Lookup, endpoints: Lookup, slices: () => Iterable<KubeObject>, namespace: string, name: string, port: number): { host: string; port: number } {
  const svc = services(namespace, name);
  if (!svc) throw new ResolveError('ServiceNotFound', `service/${name} in "${namespace}" is not present`);
  const ports = ((svc as { spec?: { ports?: ServicePort[] } }).spec?.ports ?? []);
  const sp = ports.find((p) => p.port === port);
  if (!sp) throw new ResolveError('ServicePortError', `service/${name} in "${namespace}" is not listening on port ${port}`);
  const portName = sp.name ?? '';
  const ep = endpoints(namespace, name) as { subsets?: Subset[] } | undefined;
  for (const s of ep?.subsets ?? []) {
    const p = (s.ports ?? []).find((x) => (x.name ?? '') === portName);
    const ip = s.addresses?.[0]?.ip;
    if (p?.port && ip) return { host: ip, port: p.port };
  }
  for (const o of slices()) {
    if (o.metadata.namespace !== namespace || o.metadata.labels?.['kubernetes.io/service-name'] !== name) continue;
    const sl = o as Slice;
    const p = (sl.ports ?? []).find((x) => (x.name ?? '') === portName);
    const e = (sl.endpoints ?? []).find((x) => x.conditions?.ready !== false && x.addresses?.length);
    if (p?.port && e?.addresses?.[0]) return { host: e.addresses[0], port: p.port };
  }
  throw new ResolveError('MissingEndpoints', `endpoints for service/${name} in "${namespace}" have no addresses with port name "${portName}"`);
}
