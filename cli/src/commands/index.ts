// Every kts subcommand. Components are loaded lazily so `kts up --help` does not pay for all of them.
import type { Command } from './command';

export const commands: Command[] = [
  { name: 'up', summary: 'start a local cluster (etcd, API server, and every component)', run: async (argv, signal) => (await import('../up/up')).up(argv, signal) },
  { name: 'server', summary: 'run the control plane and print a join token for agents (like k3s server)', run: async (argv, signal) => (await import('../server/server')).server(argv, signal) },
  { name: 'agent', summary: 'join a server with its token and run this node: kubelet, runtime, proxy (like k3s agent)', run: async (argv, signal) => (await import('../agent/agent')).agent(argv, signal) },
  { name: 'down', summary: 'stop the cluster started by `kts up`', run: async (argv) => (await import('../up/down')).down(argv) },
  { name: 'apiserver', summary: 'run the API server (kube-apiserver flags)', run: async (argv, signal) => (await import('./apiserver')).apiserver(argv, signal) },
  { name: 'scheduler', summary: 'run the scheduler (kube-scheduler flags)', run: async (argv, signal) => (await import('./scheduler')).scheduler(argv, signal) },
  { name: 'controller-manager', summary: 'run the controllers (kube-controller-manager flags)', run: async (argv, signal) => (await import('./controller-manager')).controllerManager(argv, signal) },
  { name: 'explain', summary: 'explain a scheduling decision: kts explain pod NAME', run: async (argv) => (await import('./explain')).explain(argv) },
  { name: 'kubelet', summary: 'run the node agent (kubelet flags); starts an in-process runtime unless --container-runtime-endpoint', run: async (argv, signal) => (await import('./kubelet')).kubelet(argv, signal) },
  { name: 'runtime', summary: 'run the CRI container runtime (runc, CNI, OCI images) on a unix socket', run: async (argv, signal) => (await import('./node')).runtime(argv, signal) },
  { name: 'image', summary: 'kts image import FILE.tar: load OCI-layout or docker-save tarballs into the node\'s image store', run: async (argv) => (await import('./node')).image(argv) },
  { name: 'hollow-nodes', summary: 'simulate N nodes (like kwok) for scheduler and controller tests', run: async (argv, signal) => (await import('./node')).hollowNodes(argv, signal) },
  { name: 'proxy', summary: 'run the service proxy (kube-proxy flags) and, optionally, cluster DNS', run: async (argv, signal) => (await import('./proxy')).proxy(argv, signal) },
  { name: 'get', summary: 'display one or many resources (kubectl get)', run: async (argv, signal) => (await import('../kubectl')).runKubectl('get', argv, signal) },
  { name: 'describe', summary: 'show details of a resource or group of resources', run: async (argv, signal) => (await import('../kubectl')).runKubectl('describe', argv, signal) },
  { name: 'apply', summary: 'apply a configuration to a resource by file name or stdin', run: async (argv, signal) => (await import('../kubectl')).runKubectl('apply', argv, signal) },
  { name: 'delete', summary: 'delete resources by file names, stdin, resources and names, or by label selector', run: async (argv, signal) => (await import('../kubectl')).runKubectl('delete', argv, signal) },
  { name: 'logs', summary: 'print the logs for a container in a pod', run: async (argv, signal) => (await import('../kubectl')).runKubectl('logs', argv, signal) },
  { name: 'exec', summary: 'execute a command in a container', run: async (argv, signal) => (await import('../kubectl')).runKubectl('exec', argv, signal) },
  { name: 'scale', summary: 'set a new size for a deployment, replica set, or stateful set', run: async (argv, signal) => (await import('../kubectl')).runKubectl('scale', argv, signal) },
  { name: 'rollout', summary: 'manage the rollout of a resource (status, undo, history)', run: async (argv, signal) => (await import('../kubectl')).runKubectl('rollout', argv, signal) },
  { name: 'label', summary: 'update the labels on a resource', run: async (argv, signal) => (await import('../kubectl')).runKubectl('label', argv, signal) },
  { name: 'version', summary: 'print the client and server version information', run: async (argv, signal) => (await import('../kubectl')).runKubectl('version', argv, signal) },
  { name: 'api-resources', summary: 'print the supported API resources on the server', run: async (argv, signal) => (await import('../kubectl')).runKubectl('api-resources', argv, signal) },
];
