// Resource arithmetic: cpu in millicores, memory/ephemeral-storage in bytes, pods as a count, and any other
// (extended/hugepages) resource as a scalar. Pod requests follow upstream's rules: sum of containers,
// init containers by the max rule (restartable "sidecar" init containers add up), plus pod overhead.
import type { Pod, ResourceList, ContainerView } from '../types';
import { resourceAmount } from '../util/quantity';

export const DEFAULT_MILLI_CPU_REQUEST = 100; // 0.1 core, for scoring pods that request nothing
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  allowedPodNumber = 0;
  scalar: Map<string, number> | undefined;

  static fromList(list: ResourceList | undefined): Resource {
    const r = new Resource();
    if (list) for (const [k, v] of Object.entries(list)) r.set(k, resourceAmount(k, v));
    return r;
  }

  get(name: string): number {
    switch (name) {
      case 'cpu':
        return this.milliCPU;
      case 'memory':
        return this.memory;
      case 'ephemeral-storage':
        return this.ephemeralStorage;
      case 'pods':
        return this.allowedPodNumber;
      default:
        return this.scalar?.get(name) ?? 0;
    }
  }
  set(name: string, v: number): void {
    switch (name) {
      case 'cpu':
        this.milliCPU = v;
        break;
      case 'memory':
        this.memory = v;
        break;
      case 'ephemeral-storage':
        this.ephemeralStorage = v;
        break;
      case 'pods':
        this.allowedPodNumber = v;
        break;
      default:
        (this.scalar ??= new Map()).set(name, v);
    }
  }
  add(o: Resource, sign = 1): void {
    this.milliCPU += sign * o.milliCPU;
    this.memory += sign * o.memory;
    this.ephemeralStorage += sign * o.ephemeralStorage;
    this.allowedPodNumber += sign * o.allowedPodNumber;
    if (o.scalar) for (const [k, v] of o.scalar) this.set(k, this.get(k) + sign * v);
  }
  max(o: Resource): void {
    this.milliCPU = Math.max(this.milliCPU, o.milliCPU);
    this.memory = Math.max(this.memory, o.memory);
    this.ephemeralStorage = Math.max(this.ephemeralStorage, o.ephemeralStorage);
    this.allowedPodNumber = Math.max(this.allowedPodNumber, o.allowedPodNumber);
    if (o.scalar) for (const [k, v] of o.scalar) this.set(k, Math.max(this.get(k), v));
  }
  clone(): Resource {
    const r = new Resource();
    r.milliCPU = this.milliCPU;
    r.memory = this.memory;
    r.ephemeralStorage = this.ephemeralStorage;
    r.allowedPodNumber = this.allowedPodNumber;
    if (this.scalar) r.scalar = new Map(this.scalar);
    return r;
  }
  isZero(): boolean {
    return this.milliCPU === 0 && this.memory === 0 && this.ephemeralStorage === 0 && (!this.scalar || [...this.scalar.values()].every((v) => v === 0));
  }
  names(): string[] {
    return ['cpu', 'memory', 'ephemeral-storage', ...(this.scalar ? this.scalar.keys() : [])];
  }
}

function containerRequests(c: ContainerView, nonZero: boolean): Resource {
  const r = Resource.fromList(c.resources?.requests);
  if (nonZero) {
    if (!c.resources?.requests || c.resources.requests.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (!c.resources?.requests || c.resources.requests.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective request. With nonZero, containers that request no cpu/memory count as 100m/200Mi
 * (used by scoring so empty pods still spread).
 */
export function computePodRequest(pod: Pod, nonZero = false): Resource {
  const reqs = new Resource();
  for (const c of pod.spec?.containers ?? []) reqs.add(containerRequests(c, nonZero));
  const initMax = new Resource();
  const sidecars = new Resource();
  for (const c of pod.spec?.initContainers ?? []) {
    const cr = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      reqs.add(cr);
      sidecars.add(cr);
      initMax.max(sidecars);
    } else {
      const tmp = cr.clone();
      tmp.add(sidecars);
      initMax.max(tmp);
    }
  }
  reqs.max(initMax);
  if (pod.spec?.overhead) reqs.add(Resource.fromList(pod.spec.overhead));
  return reqs;
}
