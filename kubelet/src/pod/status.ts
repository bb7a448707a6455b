// Pod status computation (upstream pkg/kubelet/status + kubelet_pods.go getPhase / generate*Condition).
import type { Pod, PodStatus, ContainerStatus, PodCondition } from '@kubets/api';

type Phase = NonNullable<PodStatus['phase']>;

/** Pod phase from container statuses (upstream getPhase). */
export function podPhase(pod: Pod, init: readonly ContainerStatus[], app: readonly ContainerStatus[]): Phase {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  // sidecars (restartPolicy Always): pending until started; a terminated one does not count (upstream getPhase)
  let pendingSidecars = 0;
  let running = 0;
  let waiting = 0;
  let unknown = 0;
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy !== 'Always') continue;
    const s = init.find((x) => x.name === c.name);
    if (!s) unknown++;
    else if (s.state?.running) {
      if (!s.started) pendingSidecars++;
      running++;
    } else if (s.state?.waiting && !s.lastState?.terminated) {
      pendingSidecars++;
      waiting++;
    }
  }
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy === 'Always') continue;
    const s = init.find((x) => x.name === c.name);
    if (!s) {
      pendingInit++;
      continue;
    }
    const t = s.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (t || (s.state?.waiting && s.lastState?.terminated && s.lastState.terminated.exitCode !== 0)) {
      failedInit++;
      continue;
    }
    pendingInit++;
  }
  if (failedInit > 0 && policy === 'Never') return 'Failed';
  let stopped = 0;
  let succeeded = 0;
  for (const c of pod.spec?.containers ?? []) {
    const s = app.find((x) => x.name === c.name);
    if (!s) {
      waiting++;
      continue;
    }
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting && s.lastState?.terminated) {
      stopped++;
      if (s.lastState.terminated.exitCode === 0) succeeded++;
    } else waiting++;
  }
  const regularStarted = app.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  if (pendingInit + failedInit > 0 || (pendingSidecars > 0 && !regularStarted)) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function cond(type: string, ok: boolean, reason?: string, message?: string): PodCondition {
  return { type, status: ok ? 'True' : 'False', ...(reason && !ok ? { reason } : {}), ...(message && !ok ? { message } : {}) } as PodCondition;
}

/** Conditions (PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled). */
export function podConditions(pod: Pod, phase: Phase, sandboxReady: boolean, init: readonly ContainerStatus[], app: readonly ContainerStatus[]): PodCondition[] {
  // a sidecar is initialized once started; it counts toward readiness like a regular container (upstream)
  const incompleteInit = (pod.spec?.initContainers ?? [])
    .filter((c) => {
      const s = init.find((x) => x.name === c.name);
      return c.restartPolicy === 'Always' ? !s?.started : s?.state?.terminated?.exitCode !== 0;
    })
    .map((c) => c.name);
  const initialized = incompleteInit.length === 0 || phase === 'Running' || phase === 'Succeeded';
  const sidecarsUnready = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always' && !init.find((s) => s.name === c.name)?.ready).map((c) => c.name);
  const unready = [...sidecarsUnready, ...(pod.spec?.containers ?? []).filter((c) => !app.find((s) => s.name === c.name)?.ready).map((c) => c.name)];
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const ready = unready.length === 0 && !terminal;
  const gates = (pod.spec?.readinessGates ?? []).map((g) => g.conditionType);
  const gateFail = gates.filter((g) => (pod.status?.conditions ?? []).find((c) => c.type === g)?.status !== 'True');
  const readyReason = terminal ? 'PodCompleted' : unready.length ? 'ContainersNotReady' : 'ReadinessGatesNotReady';
  const readyMsg = terminal ? undefined : unready.length ? `containers with unready status: [${unready.join(' ')}]` : `corresponding condition of pod readiness gate "${gateFail.join('", "')}" does not exist.`;
  const out: PodCondition[] = [
    cond('PodReadyToStartContainers', sandboxReady),
    cond('Initialized', initialized, terminal ? 'PodCompleted' : 'ContainersNotInitialized', terminal ? undefined : `containers with incomplete status: [${incompleteInit.join(' ')}]`),
    cond('Ready', ready && gateFail.length === 0, readyReason, readyMsg),
    cond('ContainersReady', ready, terminal ? 'PodCompleted' : 'ContainersNotReady', terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`),
  ];
  const scheduled = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  out.push(scheduled ?? ({ type: 'PodScheduled', status: 'True' } as PodCondition));
  // other conditions (readiness gates, DisruptionTarget...) written by others are kept
  for (const c of pod.status?.conditions ?? []) if (!out.some((o) => o.type === c.type)) out.push(c);
  return out;
}

/** Carries lastTransitionTime over from the old conditions when the status did not change. */
export function withTransitionTimes(next: PodCondition[], old: readonly PodCondition[] | undefined, now: string): PodCondition[] {
  return next.map((c) => {
    const o = old?.find((x) => x.type === c.type);
    if (c.lastTransitionTime) return c;
    return { ...c, lastProbeTime: null, lastTransitionTime: o && o.status === c.status ? (o.lastTransitionTime ?? now) : now } as PodCondition;
  });
}
