// Kubelet metrics (upstream names) on the component registry.
import { Gauge, Histogram, Counter, type Registry } from 'prom-client';

export class KubeletMetrics {
  readonly runningPods: Gauge;
  readonly runningContainers: Gauge;
  readonly podStartDuration: Histogram;
  readonly podWorkerDuration: Histogram<'operation'>;
  readonly evictions: Counter<'eviction_signal'>;
  readonly nodeStatusUpdates: Counter;
  constructor(readonly registry: Registry, counts: () => { pods: number; containers: number }) {
    this.runningPods = new Gauge({ name: 'kubelet_running_pods', help: 'Number of pods that have a running pod sandbox', registers: [registry], collect() { this.set(counts().pods); } });
    this.runningContainers = new Gauge({ name: 'kubelet_running_containers', help: 'Number of containers currently running', registers: [registry], collect() { this.set(counts().containers); } });
    this.podStartDuration = new Histogram({ name: 'kubelet_pod_start_duration_seconds', help: 'Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run', buckets: [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600], registers: [registry] });
    this.podWorkerDuration = new Histogram({ name: 'kubelet_pod_worker_duration_seconds', help: 'Duration in seconds to sync a single pod. Broken down by operation type: create, update, or sync', labelNames: ['operation'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
    this.evictions = new Counter({ name: 'kubelet_evictions', help: 'Cumulative number of pod evictions by eviction signal', labelNames: ['eviction_signal'], registers: [registry] });
    this.nodeStatusUpdates = new Counter({ name: 'kubelet_node_status_updates_total', help: 'Node status writes', registers: [registry] });
  }
}
