// `kts server` flags (k3s server's names where they exist, kube-apiserver/kube-controller-manager's otherwise).
import type { FlagSpec } from '@kubets/client';

export const serverFlags: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: '/var/lib/kts', help: 'state: etcd data, the cluster PKI (tls/), the join token (server/token), the admin kubeconfig' },
  'bind-address': { type: 'string', default: '127.0.0.1', help: 'API server address (HTTPS); agents on other machines need an address they can reach' },
  port: { type: 'int', default: 6443, help: 'API server port (0: pick a free port)' },
  'advertise-address': { type: 'string', default: '', help: 'address printed in the join command (default: --bind-address, or the first non-loopback IPv4 when binding 0.0.0.0)' },
  token: { type: 'string', default: '', help: 'use this bootstrap token (<id>.<secret>, [a-z0-9]{6}.[a-z0-9]{16}) for the join token instead of generating one' },
  'token-ttl': { type: 'duration', default: '0s', help: 'lifetime of the join token created on first start (0: it never expires, like k3s\' server token)' },
  'tls-san': { type: 'list', default: [], help: 'extra names or addresses for the serving certificate (the address agents dial must be one)' },
  'cluster-signing-duration': { type: 'duration', default: '8760h', help: 'lifetime of certificates signed from CSRs (node client certificates rotate at 70-90% of it)' },
  'etcd-servers': { type: 'list', default: [], help: 'external etcd endpoints; when empty, kts starts its own etcd' },
  'etcd-client-port': { type: 'int', default: 0, help: 'embedded etcd client port (0: pick a free port)' },
  'etcd-peer-port': { type: 'int', default: 0, help: 'embedded etcd peer port (0: pick a free port)' },
  'service-cluster-ip-range': { type: 'string', default: '10.96.0.0/12', help: 'CIDR for Service cluster IPs' },
  'service-node-port-range': { type: 'string', default: '30000-32767', help: 'port range for NodePort services' },
  'cluster-cidr': { type: 'string', default: '10.244.0.0/16', help: 'CIDR for pod IPs; each node gets a /24' },
  'disable-agent': { type: 'bool', default: false, help: 'k3s\' flag, accepted for compatibility: kts server never runs a node itself (nodes join with kts agent)' },
  'node-monitor-grace-period': { type: 'duration', default: '40s', help: 'how long a node may stop reporting before it is marked NotReady' },
  v: { type: 'int', default: 0, help: 'log verbosity' },
  help: { type: 'bool', default: false, help: 'show this help' },
};
