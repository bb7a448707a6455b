// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): profiles, plugin sets, plugin args,
// percentageOfNodesToScore. The default profile mirrors upstream's (v1 defaults, multiPoint expansion).
import { parse as parseYaml } from 'yaml';

export type ExtensionPoint =
  | 'preEnqueue'
  | 'queueSort'
  | 'preFilter'
  | 'filter'
  | 'postFilter'
  | 'preScore'
  | 'score'
  | 'reserve'
  | 'permit'
  | 'preBind'
  | 'bind'
  | 'postBind';

export const extensionPoints: ExtensionPoint[] = ['preEnqueue', 'queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind', 'postBind'];

export interface PluginRef {
  name: string;
  weight?: number;
}
export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: PluginRef[];
}
export type Plugins = Partial<Record<ExtensionPoint | 'multiPoint', PluginSet>>;

export interface ProfileConfig {
  schedulerName: string;
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: Array<{ name: string; args?: unknown }>;
}

export interface SchedulerConfiguration {
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  leaderElection: {
    leaderElect: boolean;
    leaseDuration: string;
    renewDeadline: string;
    retryPeriod: string;
    resourceNamespace: string;
    resourceName: string;
  };
  /** qps/burst unset = no client-side rate limit (upstream defaults to 50/100) */
  clientConnection: { kubeconfig?: string; qps?: number; burst?: number };
  profiles: ProfileConfig[];
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** Upstream's default multiPoint set, in order, with score weights. */
export const defaultMultiPoint: PluginRef[] = [
  { name: 'SchedulingGates' },
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

export function defaultConfiguration(): SchedulerConfiguration {
  return {
    podInitialBackoffSeconds: 1,
    podMaxBackoffSeconds: 10,
    leaderElection: {
      leaderElect: true,
      leaseDuration: '15s',
      renewDeadline: '10s',
      retryPeriod: '2s',
      resourceNamespace: 'kube-system',
      resourceName: 'kube-scheduler',
    },
    clientConnection: {},
    profiles: [{ schedulerName: DEFAULT_SCHEDULER_NAME }],
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a KubeSchedulerConfiguration YAML/JSON document, applying defaults. Throws on invalid input. */
export function parseSchedulerConfiguration(text: string): SchedulerConfiguration {
  const doc: unknown = parseYaml(text);
  const cfg = defaultConfiguration();
  if (doc === null || doc === undefined) return cfg;
  if (!isRecord(doc)) throw new Error('KubeSchedulerConfiguration: expected an object');
  if (doc.kind !== undefined && doc.kind !== 'KubeSchedulerConfiguration') throw new Error(`unexpected kind ${String(doc.kind)}, want KubeSchedulerConfiguration`);
  if (typeof doc.percentageOfNodesToScore === 'number') cfg.percentageOfNodesToScore = doc.percentageOfNodesToScore;
  if (typeof doc.podInitialBackoffSeconds === 'number') cfg.podInitialBackoffSeconds = doc.podInitialBackoffSeconds;
  if (typeof doc.podMaxBackoffSeconds === 'number') cfg.podMaxBackoffSeconds = doc.podMaxBackoffSeconds;
  if (isRecord(doc.leaderElection)) Object.assign(cfg.leaderElection, doc.leaderElection);
  if (isRecord(doc.clientConnection)) {
    const cc = doc.clientConnection;
    if (typeof cc.kubeconfig === 'string') cfg.clientConnection.kubeconfig = cc.kubeconfig;
    if (typeof cc.qps === 'number') cfg.clientConnection.qps = cc.qps;
    if (typeof cc.burst === 'number') cfg.clientConnection.burst = cc.burst;
  }
  if (Array.isArray(doc.profiles) && doc.profiles.length) {
    cfg.profiles = doc.profiles.map((p, i) => {
      if (!isRecord(p)) throw new Error(`profiles[${i}]: expected an object`);
      const prof: ProfileConfig = { schedulerName: typeof p.schedulerName === 'string' && p.schedulerName ? p.schedulerName : DEFAULT_SCHEDULER_NAME };
      if (typeof p.percentageOfNodesToScore === 'number') prof.percentageOfNodesToScore = p.percentageOfNodesToScore;
      if (isRecord(p.plugins)) prof.plugins = p.plugins as Plugins;
      if (Array.isArray(p.pluginConfig)) prof.pluginConfig = p.pluginConfig as ProfileConfig['pluginConfig'];
      return prof;
    });
  }
  const pct = [cfg.percentageOfNodesToScore, ...cfg.profiles.map((p) => p.percentageOfNodesToScore)];
  for (const v of pct) if (v !== undefined && (v < 0 || v > 100)) throw new Error(`percentageOfNodesToScore: Invalid value: ${v}: not in valid range [0-100]`);
  const names = new Set<string>();
  for (const p of cfg.profiles) {
    if (names.has(p.schedulerName)) throw new Error(`profiles[].schedulerName: Duplicate value: "${p.schedulerName}"`);
    names.add(p.schedulerName);
  }
  return cfg;
}

/**
 * Resolves a profile's plugin sets to ordered plugin refs per extension point. `capabilities(name)` says
 * which extension points a plugin implements (multiPoint expands to those). Disabling '*' clears the defaults.
 */
export function resolvePlugins(
  plugins: Plugins | undefined,
  capabilities: (name: string) => ExtensionPoint[],
): Record<ExtensionPoint, PluginRef[]> {
  const out = Object.fromEntries(extensionPoints.map((e) => [e, [] as PluginRef[]])) as Record<ExtensionPoint, PluginRef[]>;
  const mpDisabled = new Set((plugins?.multiPoint?.disabled ?? []).map((d) => d.name));
  const multi = mpDisabled.has('*') ? [] : defaultMultiPoint.filter((p) => !mpDisabled.has(p.name));
  // user multiPoint entries override defaults of the same name (weight) and append new ones
  const mpEnabled = [...multi.map((p) => ({ ...p }))];
  for (const e of plugins?.multiPoint?.enabled ?? []) {
    const existing = mpEnabled.find((p) => p.name === e.name);
    if (existing) Object.assign(existing, e);
    else mpEnabled.push({ ...e });
  }
  for (const ep of extensionPoints) {
    const set = plugins?.[ep];
    const disabled = new Set((set?.disabled ?? []).map((d) => d.name));
    const list: PluginRef[] = [];
    if (!disabled.has('*')) for (const p of mpEnabled) if (!disabled.has(p.name) && capabilities(p.name).includes(ep)) list.push({ ...p });
    for (const e of set?.enabled ?? []) {
      const existing = list.find((p) => p.name === e.name);
      if (existing) {
        // explicitly enabled at this point: moves to the explicit order, weight may be overridden
        list.splice(list.indexOf(existing), 1);
        list.push({ ...existing, ...e });
      } else list.push({ ...e });
    }
    out[ep] = list;
  }
  return out;
}
