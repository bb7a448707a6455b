// Every kts subcommand. Components are loaded lazily so `kts up --help` does not pay for all of them.
import type { Command } from './command';

export const commands: Command[] = [
  { name: 'up', summary: 'start a local cluster (etcd, API server, and every component)', run: async (argv, signal) => (await import('../up/up')).up(argv, signal) },
  { name: 'down', summary: 'stop the cluster started by `kts up`', run: async (argv) => (await import('../up/down')).down(argv) },
  { name: 'apiserver', summary: 'run the API server (kube-apiserver flags)', run: async (argv, signal) => (await import('./apiserver')).apiserver(argv, signal) },
  { name: 'scheduler', summary: 'run the scheduler (kube-scheduler flags)', run: async (argv, signal) => (await import('./scheduler')).scheduler(argv, signal) },
  { name: 'explain', summary: 'explain a scheduling decision: kts explain pod NAME', run: async (argv) => (await import('./explain')).explain(argv) },
  { name: 'proxy', summary: 'run the service proxy (kube-proxy flags) and, optionally, cluster DNS', run: async (argv, signal) => (await import('./proxy')).proxy(argv, signal) },
  { name: 'version', summary: 'print the kts version', run: async () => console.log('kts v0.1.0 (Kubernetes API v1.32)') },
];
