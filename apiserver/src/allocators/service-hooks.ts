// Service create/update/delete hooks: ClusterIP and NodePort allocation and release.
import { errors, type KubeObject, type StatusCause } from '@kubets/api';
import type { KindHooks, RequestContext } from '../registry/context';
import type { RangeAllocator, ServiceIPs } from './range';
import { initIPFamilyFields } from './ip-families';
import { familyOf } from './ip';

interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
  nodePort?: number;
}
interface ServiceSpec {
  type?: string;
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  allocateLoadBalancerNodePorts?: boolean;
  loadBalancerClass?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  selector?: Record<string, string>;
  ports?: ServicePort[];
}

interface Allocated {
  ips: string[];
  ports: number[];
}

const invalidService = (name: string, causes: StatusCause[]) => errors.invalid({ group: '', kind: 'Service' }, name, causes);

function needsNodePorts(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

// Go's %#v of a []string, as 1.32's field errors print it
const goStrings = (v: string[]) => `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;

export function serviceHooks(ips: ServiceIPs, ports: RangeAllocator & { range: { min: number; max: number } }): KindHooks {
  const allocated = new WeakMap<KubeObject, Allocated>();
  const track = (obj: KubeObject): Allocated => {
    let a = allocated.get(obj);
    if (!a) allocated.set(obj, (a = { ips: [], ports: [] }));
    return a;
  };
  const owner = (obj: KubeObject) => `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;

  /** initIPFamilyFields, then one cluster IP per family (the client's, or the next free one). */
  async function allocateIP(obj: KubeObject, spec: ServiceSpec, ctx: RequestContext, old?: ServiceSpec): Promise<void> {
    if (spec.type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
      return;
    }
    const name = obj.metadata.name ?? '';
    if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
    const causes = initIPFamilyFields(spec, old, ips);
    if (causes.length) throw invalidService(name, causes);
    if (spec.clusterIPs?.[0] === 'None' || spec.clusterIP === 'None') {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      return;
    }
    const requested = spec.clusterIPs ?? [];
    const out: string[] = [];
    for (const [i, family] of (spec.ipFamilies ?? []).entries()) {
      let ip = requested[i] ?? '';
      if (ip && old?.clusterIPs?.[i] === ip) {
        out.push(ip); // already ours (an update keeping its IPs)
        continue;
      }
      if (ip) {
        const range = ips.rangeOf(familyOf(ip) ?? family);
        if (!ips.contains(ip)) {
          throw invalidService(name, [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ${goStrings(requested)}: failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${range?.text ?? ips.cidr.text}` }]);
        }
        if (!(await ips.allocate(ip, owner(obj), ctx.dryRun))) {
          throw invalidService(name, [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: ${goStrings(requested)}: failed to allocate IP ${ip}: provided IP is already allocated` }]);
        }
      } else {
        ip = await ips.allocateNext(owner(obj), ctx.dryRun, family);
      }
      if (!ctx.dryRun) track(obj).ips.push(ip);
      out.push(ip);
    }
    spec.clusterIPs = out;
    spec.clusterIP = out[0];
  }

  async function allocatePorts(obj: KubeObject, spec: ServiceSpec, ctx: RequestContext, keep: Set<number>): Promise<void> {
    const name = obj.metadata.name ?? '';
    const list = spec.ports ?? [];
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (p.nodePort && keep.has(p.nodePort)) continue;
      if (p.nodePort) {
        const v = String(p.nodePort);
        if (!ports.contains(v)) {
          throw invalidService(name, [{ reason: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${ports.range.min}-${ports.range.max}` }]);
        }
        if (!(await ports.allocate(v, owner(obj), ctx.dryRun))) {
          throw invalidService(name, [{ reason: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: provided port is already allocated` }]);
        }
      } else {
        p.nodePort = Number(await ports.allocateNext(owner(obj), ctx.dryRun));
      }
      if (!ctx.dryRun) track(obj).ports.push(p.nodePort);
    }
  }

  async function releaseTracked(obj: KubeObject): Promise<void> {
    const a = allocated.get(obj);
    if (!a) return;
    allocated.delete(obj);
    for (const ip of a.ips) await ips.release(ip);
    for (const p of a.ports) await ports.release(String(p));
  }

  function nodePortsOf(spec: ServiceSpec | undefined): number[] {
    return (spec?.ports ?? []).map((p) => p.nodePort).filter((n): n is number => typeof n === 'number' && n > 0);
  }

  return {
    async beforeCreate(obj, ctx) {
      const spec = ((obj.spec ??= {}) as ServiceSpec);
      spec.type = spec.type || 'ClusterIP';
      await allocateIP(obj, spec, ctx);
      if (needsNodePorts(spec)) await allocatePorts(obj, spec, ctx, new Set());
      else for (const p of spec.ports ?? []) delete p.nodePort;
    },
    async createFailed(obj) {
      await releaseTracked(obj);
    },
    async beforeUpdate(obj, old, ctx) {
      const spec = ((obj.spec ??= {}) as ServiceSpec);
      const oldSpec = (old.spec ?? {}) as ServiceSpec;
      spec.type = spec.type || 'ClusterIP';
      const oldType = oldSpec.type || 'ClusterIP';
      dropTypeDependentFields(spec, oldSpec);
      if (spec.type !== 'ExternalName' && oldType !== 'ExternalName') {
        // patchAllocatedValues: an update that leaves the IPs out keeps them
        if (!spec.clusterIP && oldSpec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
        if (!spec.clusterIPs?.length && oldSpec.clusterIPs) spec.clusterIPs = oldSpec.clusterIPs;
        // normalizeClusterIPs: a changed clusterIP with clusterIPs left alone means clusterIPs = [clusterIP]
        if (spec.clusterIP !== oldSpec.clusterIP && JSON.stringify(spec.clusterIPs) === JSON.stringify(oldSpec.clusterIPs)) spec.clusterIPs = spec.clusterIP ? [spec.clusterIP] : [];
        if (spec.clusterIP !== oldSpec.clusterIP || spec.clusterIPs?.[0] !== oldSpec.clusterIPs?.[0]) {
          throw invalidService(obj.metadata.name ?? '', [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: `Invalid value: ${goStrings(spec.clusterIPs ?? [])}: may not change once set` }]);
        }
        if (oldSpec.clusterIP !== 'None') await allocateIP(obj, spec, ctx, oldSpec);
      } else if (spec.type !== 'ExternalName' && oldType === 'ExternalName') {
        await allocateIP(obj, spec, ctx);
      } else if (spec.type === 'ExternalName') {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      }
      if (needsNodePorts(spec)) {
        const oldPorts = oldSpec.ports ?? [];
        for (const p of spec.ports ?? []) {
          if (p.nodePort) continue;
          const prev = oldPorts.find((o) => (o.name ?? '') === (p.name ?? '') && o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
          if (prev?.nodePort && needsNodePorts(oldSpec)) p.nodePort = prev.nodePort;
        }
        await allocatePorts(obj, spec, ctx, new Set(needsNodePorts(oldSpec) ? nodePortsOf(oldSpec) : []));
      } else {
        for (const p of spec.ports ?? []) delete p.nodePort;
      }
    },
    async updateFailed(obj) {
      await releaseTracked(obj);
    },
    async afterUpdate(obj, old) {
      allocated.delete(obj);
      const oldSpec = (old.spec ?? {}) as ServiceSpec;
      const spec = (obj.spec ?? {}) as ServiceSpec;
      const still = new Set(nodePortsOf(spec));
      for (const p of nodePortsOf(oldSpec)) if (!still.has(p)) await ports.release(String(p));
      const kept = new Set(spec.clusterIPs ?? []);
      for (const ip of oldSpec.clusterIPs ?? (oldSpec.clusterIP ? [oldSpec.clusterIP] : [])) if (ip !== 'None' && !kept.has(ip) && ips.contains(ip)) await ips.release(ip);
    },
    async afterDelete(obj) {
      const spec = (obj.spec ?? {}) as ServiceSpec;
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) if (ip !== 'None' && ips.contains(ip)) await ips.release(ip);
      for (const p of nodePortsOf(spec)) await ports.release(String(p));
    },
  };
}

/**
 * As Kubernetes' service REST update: fields that only make sense for the old type are dropped when the type
 * changes, unless the client changed them in the same request.
 */
function dropTypeDependentFields(spec: ServiceSpec, old: ServiceSpec): void {
  const external = (t?: string) => t === 'NodePort' || t === 'LoadBalancer';
  if (!external(spec.type) && external(old.type)) {
    if (spec.externalTrafficPolicy === old.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  }
  if (spec.type !== 'LoadBalancer' && old.type === 'LoadBalancer') {
    if (spec.healthCheckNodePort === old.healthCheckNodePort) delete spec.healthCheckNodePort;
    if (spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.loadBalancerClass === old.loadBalancerClass) delete spec.loadBalancerClass;
  }
  if (spec.type === 'ExternalName' && old.type !== 'ExternalName') {
    if (JSON.stringify(spec.ipFamilies) === JSON.stringify(old.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === old.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
}
