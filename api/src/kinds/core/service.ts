// core/v1 Service.
import { Type, Struct, Opt, StringMap, IntOrString, MergeList, AtomicList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { ConditionSchema } from '../../meta/schemas';
import { objectSchema, age, nameColumn, ageColumn, Def, With, Int32, Str, Bool } from '../common';
import { fieldErr, dns1123LabelErrors, dns1123SubdomainErrors, portNameErrors, qualifiedNameErrors, labelValueErrors, formatLabels } from '../validators';
import type { StatusCause } from '../../errors/status-error';
import { isIP } from 'node:net';
import { validateServiceIPs } from './service-ips';

export const ServicePortSchema = Struct(
  "ServicePort contains information on service's port.",
  {
    name: Opt(Str(), 'The name of this port within the service. This must be a DNS_LABEL. All ports within a ServiceSpec must have unique names.'),
    protocol: Opt(Def(Enum(['TCP', 'UDP', 'SCTP'] as const), 'TCP'), 'The IP protocol for this port. Supports "TCP", "UDP", and "SCTP". Default is TCP.'),
    appProtocol: Opt(Str(), 'The application protocol for this port.'),
    port: Type.Integer({ format: 'int32', description: 'The port that will be exposed by this service.' }),
    targetPort: Opt(With(IntOrString, {}), "Number or name of the port to access on the pods targeted by the service. If this is not specified, the value of the 'port' field is used (an identity map)."),
    nodePort: Opt(Int32(), 'The port on each node on which this service is exposed when type is NodePort or LoadBalancer.'),
  },
  { $id: 'io.k8s.api.core.v1.ServicePort' },
);
export type ServicePort = Static<typeof ServicePortSchema>;

export const serviceTypes = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;

export const ServiceSpecSchema = Struct(
  'ServiceSpec describes the attributes that a user creates on a service.',
  {
    ports: Opt(MergeList(ServicePortSchema, 'port', 'The list of ports that are exposed by this service.', ['protocol'])),
    selector: Opt(With(StringMap('Route service traffic to pods with label keys and values matching this selector.'), { 'x-kubernetes-map-type': 'atomic' })),
    clusterIP: Opt(Str(), 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    clusterIPs: Opt(AtomicList(Str(), 'ClusterIPs is a list of IP addresses assigned to this service, and are usually assigned randomly.')),
    type: Opt(Def(Enum(serviceTypes), 'ClusterIP'), 'type determines how the Service is exposed. Defaults to ClusterIP.'),
    externalIPs: Opt(AtomicList(Str(), 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.')),
    sessionAffinity: Opt(Def(Enum(['ClientIP', 'None'] as const), 'None'), 'Supports "ClientIP" and "None". Used to maintain session affinity. Defaults to None.'),
    loadBalancerIP: Opt(Str(), 'Only applies to Service Type: LoadBalancer. Deprecated.'),
    loadBalancerSourceRanges: Opt(AtomicList(Str(), 'If specified and supported by the platform, traffic through the cloud-provider load-balancer will be restricted to the specified client IPs.')),
    externalName: Opt(Str(), 'externalName is the external reference that discovery mechanisms will return as an alias for this service (e.g. a DNS CNAME record).'),
    externalTrafficPolicy: Opt(Enum(['Cluster', 'Local'] as const), 'externalTrafficPolicy describes how nodes distribute service traffic they receive on one of the Service\'s "externally-facing" addresses.'),
    healthCheckNodePort: Opt(Int32(), 'healthCheckNodePort specifies the healthcheck nodePort for the service.'),
    publishNotReadyAddresses: Opt(Bool(), 'publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready.'),
    sessionAffinityConfig: Opt(
      Struct(
        'SessionAffinityConfig represents the configurations of session affinity.',
        {
          clientIP: Opt(
            Struct('ClientIPConfig represents the configurations of Client IP based session affinity.', { timeoutSeconds: Opt(Int32(), 'timeoutSeconds specifies the seconds of ClientIP type session sticky time. Default value is 10800(for 3 hours).') }, { $id: 'io.k8s.api.core.v1.ClientIPConfig' }),
            'clientIP contains the configurations of Client IP based session affinity.',
          ),
        },
        { $id: 'io.k8s.api.core.v1.SessionAffinityConfig' },
      ),
      'sessionAffinityConfig contains the configurations of session affinity.',
    ),
    ipFamilies: Opt(AtomicList(Enum(['IPv4', 'IPv6'] as const), 'IPFamilies is a list of IP families (e.g. IPv4, IPv6) assigned to this service.')),
    ipFamilyPolicy: Opt(Enum(['SingleStack', 'PreferDualStack', 'RequireDualStack'] as const), 'IPFamilyPolicy represents the dual-stack-ness requested or required by this Service.'),
    allocateLoadBalancerNodePorts: Opt(Bool(), 'allocateLoadBalancerNodePorts defines if NodePorts will be automatically allocated for services with type LoadBalancer. Default is "true".'),
    loadBalancerClass: Opt(Str(), 'loadBalancerClass is the class of the load balancer implementation this Service belongs to.'),
    internalTrafficPolicy: Opt(Enum(['Cluster', 'Local'] as const), 'InternalTrafficPolicy describes how nodes distribute service traffic they receive on the ClusterIP.'),
    trafficDistribution: Opt(Str(), 'TrafficDistribution offers a way to express preferences for how traffic is distributed to Service endpoints.'),
  },
  { $id: 'io.k8s.api.core.v1.ServiceSpec' },
);
export type ServiceSpec = Static<typeof ServiceSpecSchema>;

export const LoadBalancerIngressSchema = Struct(
  'LoadBalancerIngress represents the status of a load-balancer ingress point: traffic intended for the service should be sent to an ingress point.',
  {
    ip: Opt(Str(), 'IP is set for load-balancer ingress points that are IP based'),
    hostname: Opt(Str(), 'Hostname is set for load-balancer ingress points that are DNS based'),
    ipMode: Opt(Str(), 'IPMode specifies how the load-balancer IP behaves.'),
    ports: Opt(AtomicList(Struct('PortStatus represents the error condition of a service port', { port: Int32(), protocol: Str(), error: Opt(Str()) }, { $id: 'io.k8s.api.core.v1.PortStatus' }))),
  },
  { $id: 'io.k8s.api.core.v1.LoadBalancerIngress' },
);

export const ServiceStatusSchema = Struct(
  'ServiceStatus represents the current status of a service.',
  {
    loadBalancer: Opt(
      Struct('LoadBalancerStatus represents the status of a load-balancer.', { ingress: Opt(AtomicList(LoadBalancerIngressSchema, 'Ingress is a list containing ingress points for the load-balancer.')) }, { $id: 'io.k8s.api.core.v1.LoadBalancerStatus' }),
      'LoadBalancer contains the current status of the load-balancer, if one is present.',
    ),
    conditions: Opt(MergeList(ConditionSchema, 'type', 'Current service state')),
  },
  { $id: 'io.k8s.api.core.v1.ServiceStatus' },
);

export const ServiceSchema = objectSchema(
  'io.k8s.api.core.v1.Service',
  'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
  {
    spec: Opt(ServiceSpecSchema, 'Spec defines the behavior of a service.'),
    status: Opt(ServiceStatusSchema, 'Most recently observed status of the service. Populated by the system. Read-only.'),
  },
);
export type Service = Static<typeof ServiceSchema>;

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

function validIPFamilyIP(ip: string): boolean {
  return isIP(ip) !== 0;
}

export function validateService(svc: Service): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = svc.spec;
  if (!spec) return [fieldErr.required('spec')];
  const type = spec.type ?? 'ClusterIP';
  if (!serviceTypes.includes(type)) out.push(fieldErr.notSupported('spec.type', type, serviceTypes));
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(svc) && type !== 'ExternalName') out.push(fieldErr.required('spec.ports'));
  const names = new Set<string>();
  const portProto = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) out.push(fieldErr.required(`${pp}.name`));
    if (p.name) {
      for (const e of dns1123LabelErrors(p.name)) out.push(fieldErr.invalid(`${pp}.name`, p.name, e));
      if (names.has(p.name)) out.push(fieldErr.duplicate(`${pp}.name`, p.name));
      names.add(p.name);
    }
    if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) out.push(fieldErr.invalid(`${pp}.port`, p.port, 'must be between 1 and 65535, inclusive'));
    const proto = p.protocol ?? 'TCP';
    if (!['TCP', 'UDP', 'SCTP'].includes(proto)) out.push(fieldErr.notSupported(`${pp}.protocol`, proto, ['SCTP', 'TCP', 'UDP']));
    const key = `${p.port}/${proto}`;
    if (portProto.has(key)) out.push(fieldErr.duplicate(pp, { port: p.port, protocol: proto }));
    portProto.add(key);
    const tp = p.targetPort;
    if (typeof tp === 'number') {
      if (tp < 1 || tp > 65535) out.push(fieldErr.invalid(`${pp}.targetPort`, tp, 'must be between 1 and 65535, inclusive'));
    } else if (typeof tp === 'string' && tp !== '') {
      for (const e of portNameErrors(tp)) out.push(fieldErr.invalid(`${pp}.targetPort`, tp, e));
    }
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (type === 'ClusterIP' || type === 'ExternalName') out.push(fieldErr.forbidden(`${pp}.nodePort`, `may not be used when \`type\` is '${type}'`));
      else if (p.nodePort < 1 || p.nodePort > 65535) out.push(fieldErr.invalid(`${pp}.nodePort`, p.nodePort, 'must be between 1 and 65535, inclusive'));
    }
  });
  for (const [k, v] of Object.entries(spec.selector ?? {})) {
    for (const e of qualifiedNameErrors(k)) out.push(fieldErr.invalid('spec.selector', k, e));
    for (const e of labelValueErrors(v)) out.push(fieldErr.invalid('spec.selector', v, e));
  }
  if (spec.sessionAffinity && !['ClientIP', 'None'].includes(spec.sessionAffinity)) out.push(fieldErr.notSupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  if (spec.sessionAffinity === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (t !== undefined && (t <= 0 || t > 86400)) out.push(fieldErr.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400'));
  } else if (spec.sessionAffinityConfig) {
    out.push(fieldErr.invalid('spec.sessionAffinityConfig', spec.sessionAffinityConfig, `must not be set when session affinity is ${spec.sessionAffinity ?? 'None'}`));
  }
  if (type === 'ExternalName') {
    if (!spec.externalName) out.push(fieldErr.required('spec.externalName'));
    else for (const e of dns1123SubdomainErrors(spec.externalName.replace(/\.$/, ''))) out.push(fieldErr.invalid('spec.externalName', spec.externalName, e));
    if (spec.clusterIP && spec.clusterIP !== '') out.push(fieldErr.forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
  } else {
    if (spec.clusterIP && spec.clusterIP !== 'None' && !validIPFamilyIP(spec.clusterIP)) {
      out.push(fieldErr.invalid('spec.clusterIPs[0]', spec.clusterIP, 'must be empty, \'None\', or a valid IP address'));
    }
    (spec.clusterIPs ?? []).forEach((ip, i) => {
      if (i === 0 && ip === 'None') return;
      if (!validIPFamilyIP(ip)) out.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, ip, "must be empty, 'None', or a valid IP address"));
    });
    if (spec.clusterIP && spec.clusterIPs?.length && spec.clusterIPs[0] !== spec.clusterIP) {
      out.push(fieldErr.invalid('spec.clusterIPs', spec.clusterIPs, 'first value must match `clusterIP`'));
    }
  }
  if (type === 'ClusterIP' && isHeadless(svc) === false && spec.externalTrafficPolicy) {
    out.push(fieldErr.invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  }
  out.push(...validateServiceIPs(svc));
  if (type !== 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== undefined) {
    out.push(fieldErr.forbidden('spec.allocateLoadBalancerNodePorts', 'may only be used when `type` is \'LoadBalancer\''));
  }
  if (isHeadless(svc) && (type === 'NodePort' || type === 'LoadBalancer')) {
    out.push(fieldErr.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  }
  return out;
}

export function validateServiceUpdate(svc: Service, old: Service): StatusCause[] {
  const out: StatusCause[] = [];
  const oldType = old.spec?.type ?? 'ClusterIP';
  const newType = svc.spec?.type ?? 'ClusterIP';
  // ClusterIPs may not change except when the type changes to/from ExternalName.
  if (oldType !== 'ExternalName' && newType !== 'ExternalName') {
    const oldIP = old.spec?.clusterIP;
    const newIP = svc.spec?.clusterIP;
    if (oldIP && newIP && oldIP !== newIP) out.push(fieldErr.invalid('spec.clusterIPs[0]', newIP, 'may not change once set'));
  }
  return out;
}

export function servicePortsString(ports: ServicePort[] | undefined): string {
  const s = (ports ?? [])
    .map((p) => (p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`))
    .join(',');
  return s || '<none>';
}

export function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const ext = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter((x) => x))].sort();
      if (ext.length) return [...lb, ...ext].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export const ServiceKind = defineKind<Service>({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  singular: 'service',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  schema: ServiceSchema,
  status: true,
  extraSubresources: ['proxy'],
  fieldSelectors: {
    'spec.clusterIP': (o) => o.spec?.clusterIP ?? '',
    'spec.type': (o) => o.spec?.type ?? '',
  },
  strategy: {
    default(svc) {
      const spec = (svc.spec = svc.spec ?? {});
      spec.type = spec.type ?? 'ClusterIP';
      spec.sessionAffinity = spec.sessionAffinity ?? 'None';
      for (const p of spec.ports ?? []) {
        p.protocol = p.protocol ?? 'TCP';
        if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
      }
      if (spec.sessionAffinity === 'ClientIP') {
        spec.sessionAffinityConfig = spec.sessionAffinityConfig ?? {};
        spec.sessionAffinityConfig.clientIP = spec.sessionAffinityConfig.clientIP ?? {};
        if (spec.sessionAffinityConfig.clientIP.timeoutSeconds === undefined) spec.sessionAffinityConfig.clientIP.timeoutSeconds = 10800;
      }
      if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
      if (spec.type !== 'ExternalName' && !spec.internalTrafficPolicy) spec.internalTrafficPolicy = 'Cluster';
      if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
      if (spec.type !== 'ExternalName') {
        if (spec.clusterIP && !spec.clusterIPs?.length) spec.clusterIPs = [spec.clusterIP];
        else if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
        // ipFamilyPolicy and ipFamilies are set by the API server's allocator (they depend on the cluster's ranges)
      }
      svc.status = svc.status ?? {};
      svc.status.loadBalancer = svc.status.loadBalancer ?? {};
    },
    validate: validateService,
    validateUpdate: validateServiceUpdate,
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Type', type: 'string', description: 'type determines how the Service is exposed.', priority: 0 },
      { name: 'Cluster-IP', type: 'string', description: 'clusterIP is the IP address of the service and is usually assigned randomly.', priority: 0 },
      { name: 'External-IP', type: 'string', description: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.', priority: 0 },
      { name: 'Port(s)', type: 'string', description: 'The list of ports that are exposed by this service.', priority: 0 },
      ageColumn,
      { name: 'Selector', type: 'string', description: 'Route service traffic to pods with label keys and values matching this selector.', priority: 1 },
    ],
    cells: (o, now) => [
      o.metadata.name,
      o.spec?.type ?? '',
      o.spec?.clusterIPs?.[0] || '<none>',
      serviceExternalIP(o),
      servicePortsString(o.spec?.ports),
      age(o.metadata.creationTimestamp, now),
      formatLabels(o.spec?.selector),
    ],
  },
});
