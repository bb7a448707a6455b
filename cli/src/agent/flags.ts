// `kts agent` flags (k3s agent's names where they exist).
import type { FlagSpec } from '@kubets/client';

export const agentFlags: Record<string, FlagSpec> = {
  server: { type: 'string', default: '', help: 'URL of the server to join, e.g. http://192.0.2.10:6443 (or $KTS_URL)' },
  token: { type: 'string', default: '', help: 'join token printed by `kts server` (or --token-file, or $KTS_TOKEN)' },
  'token-file': { type: 'string', default: '', help: 'file holding the join token' },
  'data-dir': { type: 'string', default: '/var/lib/kts', help: 'state: agent/kubeconfig, agent/kubelet (pods, runtime, images)' },
  'node-name': { type: 'string', default: '', help: 'node name (default: the hostname)' },
  'node-ip': { type: 'string', default: '', help: "node address the control plane and other nodes reach (default: the host's primary IPv4)" },
  'pod-cidr': { type: 'string', default: '', help: "this node's pod CIDR (default: assigned by the server from --cluster-cidr)" },
  'cluster-cidr': { type: 'string', default: '10.244.0.0/16', help: 'cluster pod CIDR (for the proxy: traffic from outside it to services is masqueraded)' },
  'service-cidr': { type: 'string', default: '10.96.0.0/12', help: 'Service cluster IP range (kept on this machine by the guard route)' },
  'cluster-dns': { type: 'string', default: '10.96.0.10', help: 'cluster DNS service IP given to pods' },
  'cluster-domain': { type: 'string', default: 'cluster.local', help: 'cluster DNS domain' },
  dns: { type: 'bool', default: true, help: 'serve cluster DNS on the node IP (port 53) from the proxy' },
  'cni-bridge': { type: 'string', default: 'kts0', help: 'pod bridge name' },
  'cgroup-root': { type: 'string', default: '/kubepods', help: 'cgroupfs parent of pod cgroups' },
  'kubelet-port': { type: 'int', default: 10250, help: 'kubelet server port (logs, exec, port-forward)' },
  'kubelet-healthz-port': { type: 'int', default: 10248, help: 'kubelet /healthz port on 127.0.0.1' },
  'proxy-metrics-bind-address': { type: 'string', default: '127.0.0.1:10249', help: 'proxy /metrics address' },
  'proxy-healthz-bind-address': { type: 'string', default: '0.0.0.0:10256', help: 'proxy /healthz address' },
  'node-status-update-frequency': { type: 'duration', default: '10s', help: 'how often the node lease is renewed' },
  'bootstrap-timeout': { type: 'duration', default: '2m', help: 'how long to retry an unreachable server' },
  'host-gw': { type: 'bool', default: true, help: "route other nodes' pod CIDRs via their node IPs (nodes must share one L2 network)" },
  'remove-pods-on-exit': { type: 'bool', default: false, help: 'on exit remove every pod of this node and the host-gw routes (development clusters; production agents leave both)' },
  v: { type: 'int', default: 0, help: 'log verbosity' },
  help: { type: 'bool', default: false, help: 'show this help' },
};
