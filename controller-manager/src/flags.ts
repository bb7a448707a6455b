// kube-controller-manager's command line (the flags kubets implements, with upstream names and defaults).
import { parseFlags, str, num, bool, list, usage, leaderElectionFlagSpecs, type FlagSpec } from '@kubets/client';
import { defaultControllerManagerOptions, type ControllerManagerOptions } from './controller/context';

const d = defaultControllerManagerOptions;

export const controllerManagerFlagSpecs: Record<string, FlagSpec> = {
  kubeconfig: { type: 'string', default: '', help: 'Path to kubeconfig file with authorization and master location information.' },
  master: { type: 'string', default: '', help: 'The address of the Kubernetes API server (overrides any value in kubeconfig).' },
  controllers: {
    type: 'list',
    default: ['*'],
    help: "A list of controllers to enable. '*' enables all on-by-default controllers, 'foo' enables the controller named 'foo', '-foo' disables the controller named 'foo'.",
  },
  ...leaderElectionFlagSpecs('kube-controller-manager'),
  'use-service-account-credentials': { type: 'bool', default: false, help: 'If true, use individual service account credentials for each controller.' },
  'concurrent-deployment-syncs': { type: 'int', default: d.concurrentDeploymentSyncs, help: 'The number of deployment objects that are allowed to sync concurrently.' },
  'concurrent-replicaset-syncs': { type: 'int', default: d.concurrentReplicaSetSyncs, help: 'The number of replica sets that are allowed to sync concurrently.' },
  'horizontal-pod-autoscaler-sync-period': { type: 'duration', default: '15s', help: 'The period for syncing the number of pods in horizontal pod autoscaler.' },
  'horizontal-pod-autoscaler-downscale-stabilization': { type: 'duration', default: '5m0s', help: 'Period for which autoscaler will look backwards and not scale down below any recommendation it made during that period.' },
  'concurrent-horizontal-pod-autoscaler-syncs': { type: 'int', default: d.concurrentHorizontalPodAutoscalerSyncs, help: 'The number of horizontal pod autoscaler objects that are allowed to sync concurrently.' },
  'concurrent-rc-syncs': { type: 'int', default: d.concurrentRCSyncs, help: 'The number of replication controllers that are allowed to sync concurrently.' },
  'concurrent-daemonset-syncs': { type: 'int', default: d.concurrentDaemonSetSyncs, help: 'The number of daemonset objects that are allowed to sync concurrently.' },
  'concurrent-job-syncs': { type: 'int', default: d.concurrentJobSyncs, help: 'The number of job objects that are allowed to sync concurrently.' },
  'concurrent-ttl-after-finished-syncs': { type: 'int', default: d.concurrentTTLSyncs, help: 'The number of ttl-after-finished-controller workers that are allowed to sync concurrently.' },
  'concurrent-cron-job-syncs': { type: 'int', default: d.concurrentCronJobSyncs, help: 'The number of cron job objects that are allowed to sync concurrently.' },
  'concurrent-endpoint-syncs': { type: 'int', default: d.concurrentEndpointSyncs, help: 'The number of endpoint syncing operations that will be done concurrently.' },
  'concurrent-service-endpoint-syncs': { type: 'int', default: d.concurrentServiceEndpointSyncs, help: 'The number of service endpoint syncing operations that will be done concurrently.' },
  'concurrent-namespace-syncs': { type: 'int', default: d.concurrentNamespaceSyncs, help: 'The number of namespace objects that are allowed to sync concurrently.' },
  'concurrent-gc-syncs': { type: 'int', default: d.concurrentGCSyncs, help: 'The number of garbage collector workers that are allowed to sync concurrently.' },
  'concurrent-serviceaccount-token-syncs': { type: 'int', default: d.concurrentSATokenSyncs, help: 'The number of service account token objects that are allowed to sync concurrently.' },
  'node-monitor-grace-period': { type: 'duration', default: '40s', help: 'Amount of time which we allow running Node to be unresponsive before marking it unhealthy.' },
  'node-monitor-period': { type: 'duration', default: '5s', help: 'The period for syncing NodeStatus in cloud-node-lifecycle-controller.' },
  'terminated-pod-gc-threshold': { type: 'int', default: d.terminatedPodGCThreshold, help: 'Number of terminated pods that can exist before the terminated pod garbage collector starts deleting terminated pods.' },
  'cluster-cidr': { type: 'string', default: '', help: 'CIDR Range for Pods in cluster. Requires --allocate-node-cidrs to be true.' },
  'allocate-node-cidrs': { type: 'bool', default: false, help: 'Should CIDRs for Pods be allocated and set on the cloud provider.' },
  'node-cidr-mask-size': { type: 'int', default: d.nodeCIDRMaskSize, help: 'Mask size for node cidr in cluster.' },
  'service-account-private-key-file': { type: 'string', default: '', help: 'Filename containing a PEM-encoded private RSA or ECDSA key used to sign service account tokens.' },
  'root-ca-file': { type: 'string', default: '', help: "If set, this root certificate authority will be included in service account's token secret." },
  'cluster-signing-cert-file': { type: 'string', default: '', help: 'Filename containing a PEM-encoded X509 CA certificate used to issue cluster-scoped certificates.' },
  'cluster-signing-key-file': { type: 'string', default: '', help: 'Filename containing a PEM-encoded RSA or ECDSA private key used to sign cluster-scoped certificates.' },
  'cluster-signing-duration': { type: 'duration', default: '8760h0m0s', help: 'The max length of duration signed certificates will be given. Individual CSRs may request shorter certs by setting spec.expirationSeconds.' },
  'kube-api-qps': { type: 'int', default: 20, help: 'QPS to use while talking with kubernetes apiserver.' },
  'kube-api-burst': { type: 'int', default: 30, help: 'Burst to use while talking with kubernetes apiserver.' },
  'bind-address': { type: 'string', default: '0.0.0.0', help: 'The IP address on which to listen for the --secure-port port.' },
  'secure-port': { type: 'int', default: 10257, help: 'The port on which to serve /healthz and /metrics (plain HTTP for now). 0 picks a free port; -1 disables serving.' },
  v: { type: 'int', default: 0, help: 'number for the log level verbosity' },
};

export interface ControllerManagerRunOptions {
  kubeconfig?: string;
  master?: string;
  controllers: string[];
  /** each controller runs as ServiceAccount kube-system/<its name> (clientbuilder/) */
  useServiceAccountCredentials?: boolean;
  leaderElect: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  resourceName: string;
  resourceNamespace: string;
  kubeAPIQPS: number;
  kubeAPIBurst: number;
  bindAddress: string;
  securePort: number;
  verbosity: number;
  options: ControllerManagerOptions;
}

/** Parses argv (without the command name). Throws on unknown flags or bad values. */
export function parseControllerManagerFlags(argv: string[]): ControllerManagerRunOptions {
  const { values: v } = parseFlags(argv, controllerManagerFlagSpecs);
  const opts: ControllerManagerRunOptions = {
    kubeconfig: str(v.kubeconfig) || undefined,
    master: str(v.master) || undefined,
    controllers: list(v.controllers),
    useServiceAccountCredentials: bool(v['use-service-account-credentials'], false),
    leaderElect: bool(v['leader-elect'], true),
    leaseDurationMs: num(v['leader-elect-lease-duration'], 15_000),
    renewDeadlineMs: num(v['leader-elect-renew-deadline'], 10_000),
    retryPeriodMs: num(v['leader-elect-retry-period'], 2_000),
    resourceName: str(v['leader-elect-resource-name'], 'kube-controller-manager'),
    resourceNamespace: str(v['leader-elect-resource-namespace'], 'kube-system'),
    kubeAPIQPS: num(v['kube-api-qps'], 20),
    kubeAPIBurst: num(v['kube-api-burst'], 30),
    bindAddress: str(v['bind-address'], '0.0.0.0'),
    securePort: num(v['secure-port'], 10257),
    verbosity: num(v.v, 0),
    options: {
      concurrentDeploymentSyncs: num(v['concurrent-deployment-syncs'], d.concurrentDeploymentSyncs),
      concurrentReplicaSetSyncs: num(v['concurrent-replicaset-syncs'], d.concurrentReplicaSetSyncs),
      horizontalPodAutoscalerSyncPeriodMs: num(v['horizontal-pod-autoscaler-sync-period'], d.horizontalPodAutoscalerSyncPeriodMs),
      horizontalPodAutoscalerDownscaleStabilizationMs: num(v['horizontal-pod-autoscaler-downscale-stabilization'], d.horizontalPodAutoscalerDownscaleStabilizationMs),
      concurrentHorizontalPodAutoscalerSyncs: num(v['concurrent-horizontal-pod-autoscaler-syncs'], d.concurrentHorizontalPodAutoscalerSyncs),
      concurrentRCSyncs: num(v['concurrent-rc-syncs'], d.concurrentRCSyncs),
      concurrentDaemonSetSyncs: num(v['concurrent-daemonset-syncs'], d.concurrentDaemonSetSyncs),
      concurrentJobSyncs: num(v['concurrent-job-syncs'], d.concurrentJobSyncs),
      concurrentTTLSyncs: num(v['concurrent-ttl-after-finished-syncs'], d.concurrentTTLSyncs),
      concurrentCronJobSyncs: num(v['concurrent-cron-job-syncs'], d.concurrentCronJobSyncs),
      concurrentEndpointSyncs: num(v['concurrent-endpoint-syncs'], d.concurrentEndpointSyncs),
      concurrentServiceEndpointSyncs: num(v['concurrent-service-endpoint-syncs'], d.concurrentServiceEndpointSyncs),
      concurrentNamespaceSyncs: num(v['concurrent-namespace-syncs'], d.concurrentNamespaceSyncs),
      concurrentGCSyncs: num(v['concurrent-gc-syncs'], d.concurrentGCSyncs),
      concurrentSATokenSyncs: num(v['concurrent-serviceaccount-token-syncs'], d.concurrentSATokenSyncs),
      nodeMonitorGracePeriodMs: num(v['node-monitor-grace-period'], d.nodeMonitorGracePeriodMs),
      nodeMonitorPeriodMs: num(v['node-monitor-period'], d.nodeMonitorPeriodMs),
      terminatedPodGCThreshold: num(v['terminated-pod-gc-threshold'], d.terminatedPodGCThreshold),
      clusterCIDR: str(v['cluster-cidr']),
      allocateNodeCIDRs: bool(v['allocate-node-cidrs'], false),
      nodeCIDRMaskSize: num(v['node-cidr-mask-size'], d.nodeCIDRMaskSize),
      serviceAccountPrivateKeyFile: str(v['service-account-private-key-file']),
      rootCAFile: str(v['root-ca-file']),
      clusterSigningCertFile: str(v['cluster-signing-cert-file']),
      clusterSigningKeyFile: str(v['cluster-signing-key-file']),
      clusterSigningDurationMs: num(v['cluster-signing-duration'], d.clusterSigningDurationMs),
    },
  };
  if (str(v['leader-elect-resource-lock'], 'leases') !== 'leases') throw new Error('--leader-elect-resource-lock: only "leases" is supported');
  if (opts.renewDeadlineMs >= opts.leaseDurationMs) throw new Error('--leader-elect-renew-deadline must be less than --leader-elect-lease-duration');
  if (opts.options.allocateNodeCIDRs && !opts.options.clusterCIDR) throw new Error('--cluster-cidr is required when --allocate-node-cidrs is true');
  return opts;
}

export function controllerManagerUsage(): string {
  return usage('controller-manager', 'The Kubernetes controller manager: runs the core control loops.', controllerManagerFlagSpecs);
}
