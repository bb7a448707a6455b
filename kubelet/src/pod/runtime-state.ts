// What the runtime holds for one pod, read through CRI labels (so a restarted kubelet adopts it).
import type { CriRuntime, CriSandbox, CriContainerStatus } from '../cri/client';
import { CriContainerState, CriSandboxState } from '../cri/client';

export const LabelPodUID = 'io.kubernetes.pod.uid';
export const LabelPodName = 'io.kubernetes.pod.name';
export const LabelPodNamespace = 'io.kubernetes.pod.namespace';
export const LabelContainerName = 'io.kubernetes.container.name';
export const AnnRestartCount = 'io.kubernetes.container.restartCount';
export const AnnContainerKind = 'io.kubets.container.kind'; // "init" | "app" | "ephemeral"
export const AnnTerminationGrace = 'io.kubernetes.pod.terminationGracePeriod';
export const AnnContainerHash = 'io.kubernetes.container.hash';
/** The node whose kubelet created the sandbox/container (orphan cleanup only touches its own). */
export const LabelNode = 'io.kubets.node';

export type ContainerKind = 'init' | 'app' | 'ephemeral';

export interface ContainerInstance {
  id: string;
  name: string;
  kind: ContainerKind;
  attempt: number;
  restartCount: number;
  state: number;
  createdAt: number; // ms
  startedAt: number; // ms (0 = never)
  finishedAt: number; // ms
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  logPath: string;
  hash: string;
}

export interface PodRuntimeState {
  uid: string;
  sandboxes: CriSandbox[];
  /** The newest READY sandbox, if any. */
  readySandbox: CriSandbox | undefined;
  podIP: string;
  /** Instances per container name, newest first. */
  containers: Map<string, ContainerInstance[]>;
}

const ms = (ns: number): number => Math.floor(Number(ns) / 1e6);

export function toInstance(s: CriContainerStatus): ContainerInstance {
  return {
    id: s.id,
    name: s.labels[LabelContainerName] ?? s.metadata.name,
    kind: s.annotations[AnnContainerKind] === 'init' ? 'init' : s.annotations[AnnContainerKind] === 'ephemeral' ? 'ephemeral' : 'app',
    attempt: s.metadata.attempt,
    restartCount: Number(s.annotations[AnnRestartCount] ?? s.metadata.attempt ?? 0),
    state: s.state,
    createdAt: ms(s.created_at),
    startedAt: ms(s.started_at),
    finishedAt: ms(s.finished_at),
    exitCode: s.exit_code,
    reason: s.reason,
    message: s.message,
    image: s.image?.image ?? '',
    imageRef: s.image_ref,
    logPath: s.log_path,
    hash: s.annotations[AnnContainerHash] ?? '',
  };
}

export async function readPodState(cri: CriRuntime, uid: string): Promise<PodRuntimeState> {
  const sandboxes = (await cri.listPodSandbox({ [LabelPodUID]: uid })).sort((a, b) => b.created_at - a.created_at);
  const readySandbox = sandboxes.find((s) => s.state === CriSandboxState.READY);
  let podIP = '';
  if (readySandbox) {
    try {
      podIP = (await cri.podSandboxStatus(readySandbox.id)).network?.ip ?? '';
    } catch {
      podIP = '';
    }
  }
  const list = await cri.listContainers({ labels: { [LabelPodUID]: uid } });
  const containers = new Map<string, ContainerInstance[]>();
  for (const c of list) {
    let st: CriContainerStatus;
    try {
      st = await cri.containerStatus(c.id);
    } catch {
      continue;
    }
    const inst = toInstance(st);
    const arr = containers.get(inst.name) ?? [];
    arr.push(inst);
    containers.set(inst.name, arr);
  }
  for (const arr of containers.values()) arr.sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
  return { uid, sandboxes, readySandbox, podIP, containers };
}

export const isRunning = (c: ContainerInstance | undefined): boolean => !!c && c.state === CriContainerState.RUNNING;
export const isExited = (c: ContainerInstance | undefined): boolean => !!c && c.state === CriContainerState.EXITED;
export const isCreated = (c: ContainerInstance | undefined): boolean => !!c && c.state === CriContainerState.CREATED;
