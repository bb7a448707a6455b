// The proxy's view of the cluster: one ServicePort per (service, port), with the endpoints that serve it.
// Built from Services and EndpointSlices (model/from-api.ts); the rule generators see only this.

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface Endpoint {
  ip: string;
  port: number;
  /** ready: may receive new traffic; serving/terminating as in EndpointSlice conditions */
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  /** true when the endpoint runs on this proxy's node */
  isLocal: boolean;
}

export interface ServicePort {
  namespace: string;
  name: string;
  /** the port's name ('' for a single unnamed port) */
  portName: string;
  protocol: Protocol;
  clusterIP?: string;
  port: number;
  nodePort?: number;
  externalIPs: string[];
  loadBalancerIPs: string[];
  /** seconds for ClientIP affinity, undefined when sessionAffinity is None */
  affinityTimeoutSeconds?: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  endpoints: Endpoint[];
}

/** "ns/name:port", Kubernetes' ServicePortName string. */
export function servicePortName(sp: Pick<ServicePort, 'namespace' | 'name' | 'portName'>): string {
  return `${sp.namespace}/${sp.name}${sp.portName ? ':' + sp.portName : ''}`;
}

export function hasExternal(sp: ServicePort): boolean {
  return sp.nodePort !== undefined || sp.externalIPs.length > 0 || sp.loadBalancerIPs.length > 0;
}
