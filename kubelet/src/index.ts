// @kubets/kubelet: `kts kubelet` (node agent) and `kts runtime` (the local CRI runtime).
export { startKubelet, runKubelet, type KubeletHandle, type KubeletExtras } from './kubelet';
export { parseKubeletFlags, kubeletUsage, kubeletFlagSpecs, type KubeletOptions } from './flags';
export type { PodManager, PodContainerRef } from './pod/manager';
export { connectCri, type CriRuntime } from './cri/client';
export { runRuntime, startRuntime, parseRuntimeFlags, runtimeUsage, runImageImport, type RuntimeOptions, type RunningRuntime } from './runtime';
export * as certificate from './certificate';
