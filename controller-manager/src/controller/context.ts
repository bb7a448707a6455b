// What a controller's start function gets: the client, the shared informers, events, clock, logs, metrics and
// the process options. The registry (../registry.ts) maps controller names to start functions taking this.
import type { KubeClient, SharedInformerFactory, Clock, Logger } from '@kubets/client';
import type { Registry } from 'prom-client';
import type { EventSink } from './pod-control';
import type { QueueMetricsProvider } from './metrics';

export interface ControllerManagerOptions {
  concurrentDeploymentSyncs: number;
  concurrentReplicaSetSyncs: number;
  concurrentRCSyncs: number;
  concurrentDaemonSetSyncs: number;
  concurrentJobSyncs: number;
  concurrentTTLSyncs: number;
  concurrentCronJobSyncs: number;
  concurrentEndpointSyncs: number;
  concurrentServiceEndpointSyncs: number;
  concurrentNamespaceSyncs: number;
  concurrentGCSyncs: number;
  concurrentSATokenSyncs: number;
  nodeMonitorGracePeriodMs: number;
  nodeMonitorPeriodMs: number;
  clusterCIDR: string;
  allocateNodeCIDRs: boolean;
  nodeCIDRMaskSize: number;
  serviceAccountPrivateKeyFile: string;
  rootCAFile: string;
  terminatedPodGCThreshold: number;
  /** CA certificate and key (PEM files) the csrsigning controller signs with; empty: the signer does not run */
  clusterSigningCertFile: string;
  clusterSigningKeyFile: string;
  /** the longest validity the signer gives a certificate (a CSR's spec.expirationSeconds may ask for less) */
  clusterSigningDurationMs: number;
  /** --horizontal-pod-autoscaler-sync-period, --horizontal-pod-autoscaler-downscale-stabilization, --concurrent-horizontal-pod-autoscaler-syncs */
  horizontalPodAutoscalerSyncPeriodMs: number;
  horizontalPodAutoscalerDownscaleStabilizationMs: number;
  concurrentHorizontalPodAutoscalerSyncs: number;
}

export interface ControllerContext {
  client: KubeClient;
  informers: SharedInformerFactory;
  /** An event recorder reporting as `component` (e.g. "deployment-controller"). */
  recorder(component: string): EventSink;
  clock: Clock;
  logger: Logger;
  metrics?: QueueMetricsProvider;
  registry?: Registry;
  options: ControllerManagerOptions;
}

export const defaultControllerManagerOptions: ControllerManagerOptions = {
  concurrentDeploymentSyncs: 5,
  horizontalPodAutoscalerSyncPeriodMs: 15_000,
  horizontalPodAutoscalerDownscaleStabilizationMs: 300_000,
  concurrentHorizontalPodAutoscalerSyncs: 5,
  concurrentReplicaSetSyncs: 5,
  concurrentRCSyncs: 5,
  concurrentDaemonSetSyncs: 2,
  concurrentJobSyncs: 5,
  concurrentTTLSyncs: 5,
  concurrentCronJobSyncs: 5,
  concurrentEndpointSyncs: 5,
  concurrentServiceEndpointSyncs: 5,
  concurrentNamespaceSyncs: 10,
  concurrentGCSyncs: 20,
  concurrentSATokenSyncs: 5,
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  clusterCIDR: '',
  allocateNodeCIDRs: false,
  nodeCIDRMaskSize: 24,
  serviceAccountPrivateKeyFile: '',
  rootCAFile: '',
  terminatedPodGCThreshold: 12500,
  clusterSigningCertFile: '',
  clusterSigningKeyFile: '',
  clusterSigningDurationMs: 365 * 24 * 3600 * 1000,
};
