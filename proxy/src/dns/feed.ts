// Keeps a ClusterZone in step with Services and EndpointSlices.
import type { Service, EndpointSlice, ReadOnly } from '@kubets/api';
import type { ClusterZone, DnsEndpoint } from './zone';
import { serviceNameLabel } from '../model/from-api';

export function zoneSetService(zone: ClusterZone, svc: ReadOnly<Service>): void {
  zone.setService({
    namespace: svc.metadata.namespace ?? 'default',
    name: svc.metadata.name ?? '',
    clusterIP: svc.spec?.clusterIP,
    externalName: svc.spec?.type === 'ExternalName' ? svc.spec.externalName : undefined,
    ports: (svc.spec?.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  });
}

export function zoneDeleteService(zone: ClusterZone, svc: ReadOnly<Service>): void {
  zone.deleteService(svc.metadata.namespace ?? 'default', svc.metadata.name ?? '');
}

export function zoneSetSlice(zone: ClusterZone, slice: ReadOnly<EndpointSlice>): void {
  const svc = slice.metadata.labels?.[serviceNameLabel];
  if (!svc || slice.addressType !== 'IPv4') return;
  const ports = (slice.ports ?? []).filter((p) => p.port !== undefined).map((p) => ({ name: p.name ?? '', port: p.port!, protocol: p.protocol ?? 'TCP' }));
  const eps: DnsEndpoint[] = (slice.endpoints ?? []).flatMap((e) =>
    e.addresses.slice(0, 1).map((ip) => ({ ip, ready: e.conditions?.ready ?? true, hostname: e.hostname, ports })),
  );
  zone.setEndpoints(slice.metadata.namespace ?? 'default', svc, slice.metadata.name ?? '', eps);
}

export function zoneDeleteSlice(zone: ClusterZone, slice: ReadOnly<EndpointSlice>): void {
  const svc = slice.metadata.labels?.[serviceNameLabel];
  if (svc) zone.deleteEndpoints(slice.metadata.namespace ?? 'default', svc, slice.metadata.name ?? '');
}
