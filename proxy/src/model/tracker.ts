// Tracks Services, EndpointSlices and Endpoints from informer events and tells, per event, which service
// changed; servicePorts() is the flattened proxy model. Pure bookkeeping: no I/O, unit-testable.
import type { Service, EndpointSlice, Endpoints, ReadOnly } from '@kubets/api';
import { servicePortsOf, serviceNameLabel } from './from-api';
import type { ServicePort } from './service-port';

type Key = string; // "ns/name" of the service

export class ServiceTracker {
  private readonly services = new Map<Key, ReadOnly<Service>>();
  private readonly slices = new Map<Key, Map<string, ReadOnly<EndpointSlice>>>();
  private readonly endpoints = new Map<Key, ReadOnly<Endpoints>>();
  private readonly ports = new Map<Key, ServicePort[]>();

  constructor(private readonly nodeName: string) {}

  private recompute(key: Key): void {
    const svc = this.services.get(key);
    if (!svc) {
      this.ports.delete(key);
      return;
    }
    const slices = [...(this.slices.get(key)?.values() ?? [])];
    this.ports.set(key, servicePortsOf(svc, { slices, endpoints: this.endpoints.get(key) }, this.nodeName));
  }

  setService(svc: ReadOnly<Service>): Key {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    this.services.set(key, svc);
    this.recompute(key);
    return key;
  }

  deleteService(svc: ReadOnly<Service>): Key {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    this.services.delete(key);
    this.recompute(key);
    return key;
  }

  /** Returns the owning service's key, or undefined for a slice that names no service. */
  setSlice(slice: ReadOnly<EndpointSlice>): Key | undefined {
    const svc = slice.metadata.labels?.[serviceNameLabel];
    if (!svc) return undefined;
    const key = `${slice.metadata.namespace}/${svc}`;
    const m = this.slices.get(key) ?? new Map<string, ReadOnly<EndpointSlice>>();
    m.set(slice.metadata.name ?? '', slice);
    this.slices.set(key, m);
    this.recompute(key);
    return key;
  }

  deleteSlice(slice: ReadOnly<EndpointSlice>): Key | undefined {
    const svc = slice.metadata.labels?.[serviceNameLabel];
    if (!svc) return undefined;
    const key = `${slice.metadata.namespace}/${svc}`;
    const m = this.slices.get(key);
    m?.delete(slice.metadata.name ?? '');
    if (m && m.size === 0) this.slices.delete(key);
    this.recompute(key);
    return key;
  }

  setEndpoints(ep: ReadOnly<Endpoints>): Key {
    const key = `${ep.metadata.namespace}/${ep.metadata.name}`;
    this.endpoints.set(key, ep);
    this.recompute(key);
    return key;
  }

  deleteEndpoints(ep: ReadOnly<Endpoints>): Key {
    const key = `${ep.metadata.namespace}/${ep.metadata.name}`;
    this.endpoints.delete(key);
    this.recompute(key);
    return key;
  }

  servicePorts(): ServicePort[] {
    const out: ServicePort[] = [];
    for (const ps of this.ports.values()) out.push(...ps);
    return out;
  }

  service(key: Key): ReadOnly<Service> | undefined {
    return this.services.get(key);
  }

  slicesOf(key: Key): ReadOnly<EndpointSlice>[] {
    return [...(this.slices.get(key)?.values() ?? [])];
  }
}
