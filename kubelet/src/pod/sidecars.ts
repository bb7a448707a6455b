// Sidecar (init containers with restartPolicy Always) and ephemeral container helpers for the pod sync
// (upstream kuberuntime computePodActions / kubetypes.IsRestartableInitContainer).
import type { Container, EphemeralContainer, Pod } from '@kubets/api';
import { isExited, type PodRuntimeState } from './runtime-state';

export const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

/** Sidecar names in spec order (they start in this order and stop in the reverse one). */
export function sidecarNames(pod: Pod): string[] {
  return (pod.spec?.initContainers ?? []).filter(isSidecar).map((c) => c.name);
}

/** Whether any regular container has been created: the pod is initialized, restarting sidecars no longer gate it. */
export function anyRegularStarted(pod: Pod, st: PodRuntimeState): boolean {
  return (pod.spec?.containers ?? []).some((c) => (st.containers.get(c.name)?.length ?? 0) > 0);
}

/**
 * Every regular container has exited and none will be restarted under the pod's restartPolicy: the pod is done
 * (a Job's pod), so its sidecars are stopped rather than restarted.
 */
export function regularContainersDone(pod: Pod, st: PodRuntimeState): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return false;
  const containers = pod.spec?.containers ?? [];
  return (
    containers.length > 0 &&
    containers.every((c) => {
      const cur = st.containers.get(c.name)?.[0];
      return !!cur && isExited(cur) && (policy === 'Never' || cur.exitCode === 0);
    })
  );
}

/** An ephemeral container as the runtime sees it: a Container without targetContainerName. */
export function ephemeralAsContainer(ec: EphemeralContainer): Container {
  const { targetContainerName: _target, ...c } = ec;
  return c;
}
