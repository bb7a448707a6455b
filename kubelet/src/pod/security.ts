// Masked and read-only /proc and /sys paths the kubelet sends in the CRI security context (upstream
// pkg/securitycontext ConvertToRuntimeMaskedPaths/ConvertToRuntimeReadonlyPaths). They are sent explicitly because
// runtimes differ on an empty list: `kts runtime` fills its defaults, containerd 1.6 masks nothing.
import * as path from 'node:path';
import type { Pod, Container } from '@kubets/api';
import { SeccompProfileType, type SecurityProfile } from '../runtime/cri-types';

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

/** The effective seccompProfile (container over pod) as a CRI SecurityProfile; none set means Unconfined (upstream). */
export function runtimeSeccomp(pod: Pod, c: Container, rootDir: string): SecurityProfile {
  const p = c.securityContext?.seccompProfile ?? pod.spec?.securityContext?.seccompProfile;
  if (p?.type === 'RuntimeDefault') return { profile_type: SeccompProfileType.RuntimeDefault, localhost_ref: '' };
  if (p?.type === 'Localhost') return { profile_type: SeccompProfileType.Localhost, localhost_ref: path.join(rootDir, 'seccomp', p.localhostProfile ?? '') };
  return { profile_type: SeccompProfileType.Unconfined, localhost_ref: '' };
}

/**
 * runAsNonRoot (upstream kuberuntime verifyRunAsNonRoot): with no runAsUser the image's user decides; an image with
 * no user runs as root, a named user cannot be verified. Returns the error message, or undefined when allowed.
 */
export function verifyRunAsNonRoot(pod: Pod, c: Container, image: { uid?: { value: number } | null; username?: string } | undefined): string | undefined {
  const sc = c.securityContext;
  const psc = pod.spec?.securityContext;
  if (!(sc?.runAsNonRoot ?? psc?.runAsNonRoot)) return undefined;
  const who = `pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})", container: ${c.name}`;
  const runAsUser = sc?.runAsUser ?? psc?.runAsUser;
  if (runAsUser !== undefined && runAsUser !== null) return Number(runAsUser) === 0 ? `container's runAsUser breaks non-root policy (${who})` : undefined;
  const uid = image?.uid?.value;
  const username = image?.username ?? '';
  if (uid === undefined && username) return `container has runAsNonRoot and image has non-numeric user (${username}), cannot verify user is non-root (${who})`;
  if ((uid ?? 0) === 0) return `container has runAsNonRoot and image will run as root (${who})`;
  return undefined;
}
