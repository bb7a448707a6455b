// How the API server reaches a Service it must call itself (admission webhooks, aggregated API servers): the
// Service port, then the ready addresses behind that port's name in its EndpointSlices (or, without slices, its
// Endpoints). The API server never dials a ClusterIP: that address is only routed where a proxy runs.
import type { KubeObject } from '@kubets/api';

export type ResolveFailure = 'ServiceNotFound' | 'ServicePortError' | 'MissingEndpoints';

export class ResolveError extends Error {
  constructor(
    readonly reason: ResolveFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface ServiceEndpoint {
  host: string;
  port: number;
}

interface NamedPort {
  name?: string;
  port?: number;
}
interface Slice {
  endpoints?: { addresses?: string[]; conditions?: { ready?: boolean } }[];
  ports?: NamedPort[];
}
interface Subset {
  addresses?: { ip?: string }[];
  ports?: NamedPort[];
}

export interface ServiceObjects {
  service: KubeObject | undefined;
  /** the Service's EndpointSlices (filtered here by the kubernetes.io/service-name label) */
  slices: Iterable<KubeObject>;
  /** the Endpoints object, read only when no slice has an address */
  endpoints: () => KubeObject | undefined | Promise<KubeObject | undefined>;
}

/** Every ready endpoint behind namespace/name:port; throws ResolveError with upstream's condition reasons. */
export async function serviceEndpoints(o: ServiceObjects, namespace: string, name: string, port: number): Promise<ServiceEndpoint[]> {
  if (!o.service) throw new ResolveError('ServiceNotFound', `service/${name} in "${namespace}" is not present`);
  const sp = ((o.service as { spec?: { ports?: NamedPort[] } }).spec?.ports ?? []).find((p) => p.port === port);
  if (!sp) throw new ResolveError('ServicePortError', `service/${name} in "${namespace}" is not listening on port ${port}`);
  const portName = sp.name ?? '';
  const out: ServiceEndpoint[] = [];
  for (const s of o.slices) {
    if (s.metadata.namespace !== namespace || s.metadata.labels?.['kubernetes.io/service-name'] !== name) continue;
    const sl = s as Slice;
    const p = (sl.ports ?? []).find((x) => (x.name ?? '') === portName);
    if (!p?.port) continue;
    for (const e of sl.endpoints ?? []) if (e.conditions?.ready !== false) for (const host of e.addresses ?? []) out.push({ host, port: p.port });
  }
  if (!out.length) {
    const ep = (await o.endpoints()) as { subsets?: Subset[] } | undefined;
    for (const sub of ep?.subsets ?? []) {
      const p = (sub.ports ?? []).find((x) => (x.name ?? '') === portName);
      if (!p?.port) continue;
      for (const a of sub.addresses ?? []) if (a.ip) out.push({ host: a.ip, port: p.port });
    }
  }
  if (!out.length) throw new ResolveError('MissingEndpoints', `endpoints for service/${name} in "${namespace}" have no addresses with port name "${portName}"`);
  return out;
}
