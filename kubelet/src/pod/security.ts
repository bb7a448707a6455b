// Masked and read-only /proc and /sys paths the kubelet sends in the CRI security context (upstream
// pkg/securitycontext ConvertToRuntimeMaskedPaths/ConvertToRuntimeReadonlyPaths). They are sent explicitly because
// runtimes differ on an empty list: `kts runtime` fills its defaults, containerd 1.6 masks nothing.

export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats',
  '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** The masked paths for a container's procMount (Unmasked: none). Privileged containers ignore them in the runtime. */
export function runtimeMaskedPaths(procMount: string | null | undefined): string[] {
  return procMount === 'Unmasked' ? [] : [...DEFAULT_MASKED_PATHS];
}

/** The read-only paths for a container's procMount (Unmasked: none). */
export function runtimeReadonlyPaths(procMount: string | null | undefined): string[] {
  return procMount === 'Unmasked' ? [] : [...DEFAULT_READONLY_PATHS];
}
