import * as os from 'node:os';
import * as path from 'node:path';
import type { FlagSpec } from '@kubets/client';

export const upFlags: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: path.join(os.homedir(), '.kts'), help: 'where etcd data, the kubeconfig and node state live' },
  port: { type: 'int', default: 6443, help: 'API server port' },
  'bind-address': { type: 'string', default: '127.0.0.1', help: 'API server address (HTTPS; every request is authenticated and authorized)' },
  'tls-san': { type: 'list', default: [], help: 'extra host names or IPs for the API server certificate' },
  'etcd-servers': { type: 'list', default: [], help: 'external etcd endpoints; when empty, kts starts its own etcd' },
  'etcd-client-port': { type: 'int', default: 0, help: 'embedded etcd client port (0: pick a free port)' },
  'etcd-peer-port': { type: 'int', default: 0, help: 'embedded etcd peer port (0: pick a free port)' },
  'service-cluster-ip-range': { type: 'string', default: '10.96.0.0/12', help: 'CIDR for Service cluster IPs' },
  'service-node-port-range': { type: 'string', default: '30000-32767', help: 'port range for NodePort services' },
  'cluster-cidr': { type: 'string', default: '10.244.0.0/16', help: 'CIDR for pod IPs; each node gets a /24' },
  'merge-kubeconfig': { type: 'bool', default: false, help: 'also merge a "kubets" context into ~/.kube/config' },
  nodes: { type: 'int', default: 0, help: '0: this machine is the node; N >= 1: N nodes, each in its own network namespace kts-node<i> (development and tests; see deploy/README.md)' },
  'disable-agent': { type: 'bool', default: false, help: 'control plane only (k3s\' flag): no kubelet, runtime, proxy or network guard on this machine; nodes join later' },
  'node-monitor-grace-period': { type: 'string', default: '', help: 'controller-manager --node-monitor-grace-period (default 40s)' },
  v: { type: 'int', default: 0, help: 'log verbosity' },
  help: { type: 'bool', default: false, help: 'show this help' },
};
