// One small interface per extension point, as in the Kubernetes scheduling framework.
import type { Pod, Node } from '../types';
import type { CycleState } from './cycle-state';
import type { NodeInfo, PodInfo, NamespaceLabels } from './node-info';
import type { Result, Status } from './status';

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface Plugin {
  readonly name: string;
  /** Cluster events after which a pod rejected by this plugin may fit (for the unschedulable queue). */
  eventsToRegister?(): ClusterEvent[];
}

export type EventResource = 'Node' | 'Pod' | 'AssignedPod' | 'Service' | 'PriorityClass' | '*';
export type ActionType = 'Add' | 'Update' | 'Delete' | '*';
export interface ClusterEvent {
  resource: EventResource;
  action: ActionType;
  label?: string;
}

/** What the queue keeps per pod. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** when the pod was (re)added to the queue, ms */
  timestamp: number;
  /** first time it entered the queue (for the SLI) */
  initialAttemptTimestamp: number | undefined;
  attempts: number;
  /** plugins that rejected it last time */
  unschedulablePlugins: Set<string>;
  pendingPlugins: Set<string>;
  /** set when a PreEnqueue plugin keeps it out of activeQ */
  gatedBy?: string;
}

export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Pod): Result;
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** A PreFilter may narrow the candidate nodes (undefined = all nodes). */
export interface PreFilterResult {
  nodeNames?: Set<string>;
}

export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): Result;
  removePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): Result;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): { result?: PreFilterResult; status: Result };
  preFilterExtensions?: PreFilterExtensions;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Result;
}

export type NodeToStatus = Map<string, Status>;

export interface NominatingInfo {
  nominatedNodeName: string;
  /** 'Override' sets the name, 'Noop' leaves it */
  mode: 'Override' | 'Noop';
}

export interface PostFilterResult {
  nominatingInfo?: NominatingInfo;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: Pod, filteredNodeStatus: NodeToStatus): Promise<{ result?: PostFilterResult; status: Result }>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Result;
}

export interface NodeScore {
  name: string;
  score: number;
}

export interface ScoreExtensions {
  normalizeScore(state: CycleState, pod: Pod, scores: NodeScore[]): Result;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number | Status;
  scoreExtensions?: ScoreExtensions;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): Result;
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Wait requires timeoutMs > 0. */
  permit(state: CycleState, pod: Pod, nodeName: string): { status: Result; timeoutMs?: number };
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: Pod, nodeName: string): Promise<Result>;
}

/** Skip means "not mine, try the next binder". */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: Pod, nodeName: string): Promise<Result>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: Pod, nodeName: string): void;
}

/** The read-only cluster view a cycle works on. */
export interface SharedLister {
  list(): readonly NodeInfo[];
  havePodsWithAffinityList(): readonly NodeInfo[];
  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  numNodes(): number;
}

/** Pods nominated to run on a node after preemption (kept by the queue). */
export interface PodNominator {
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
  /** true when no pod is nominated anywhere (fast path) */
  empty?(): boolean;
  addNominatedPod(pi: PodInfo, nodeName: string): void;
  deleteNominatedPodIfExists(pod: Pod): void;
}

/** API writes the framework and its plugins need (implemented over the REST client, or a fake). */
export interface SchedulerClient {
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** PodScheduled condition and nominatedNodeName through the status subresource. */
  updatePodStatus(pod: Pod, update: { condition?: { type: string; status: string; reason?: string; message?: string }; nominatedNodeName?: string | null }): Promise<void>;
  createEvent(ev: { regarding: Pod; type: 'Normal' | 'Warning'; reason: string; action: string; note: string }): void;
  deletePod(pod: Pod, reason?: string): Promise<void>;
}

/** Everything a plugin may reach besides its own args. */
export interface Handle {
  /** the profile's schedulerName */
  profileName?: string;
  snapshot(): SharedLister;
  client: SchedulerClient;
  nominator: PodNominator;
  /** the profile's own framework (preemption re-runs filters) */
  framework(): FrameworkRunner;
  namespaceLabels: NamespaceLabels;
  /** selectors of Services/ReplicaSets/… that select a pod (for default topology spreading) */
  ownerSelectors(pod: Pod): Array<(labels: Record<string, string> | undefined) => boolean>;
  /** priority of a pod: spec.priority, else resolved from priorityClassName */
  podPriority(pod: Pod): number;
  now(): number;
}

/** The parts of a Framework that plugins (preemption) call back into. */
export interface FrameworkRunner {
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): Result;
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): Result;
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Result;
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Result;
}

export type PluginFactory = (args: unknown, handle: Handle) => Plugin;

export function nodeName(n: Node | undefined): string {
  return n?.metadata.name ?? '';
}
