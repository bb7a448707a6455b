// /metrics/resource (Prometheus text, the metric names of upstream's resource metrics endpoint that metrics-server
// scrapes) and /stats/summary (node + pod stats), from CRI ListContainerStats and /proc.
import * as fs from 'node:fs';
import { LABEL_CONTAINER_NAME, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID, type CriContainerStatsInfo } from './types';

export interface NodeUsage {
  timestampMs: number;
  cpuUsageCoreSeconds: number;
  memoryWorkingSetBytes: number;
  memoryUsageBytes: number;
  memoryAvailableBytes: number;
  memoryTotalBytes: number;
}

/** Node CPU (core-seconds busy, from /proc/stat) and memory (working set = used - inactive file, from /proc/meminfo). */
export function readNodeUsage(procStat = '/proc/stat', meminfo = '/proc/meminfo'): NodeUsage {
  const cpu = (fs.readFileSync(procStat, 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  const hz = 100; // USER_HZ
  const mem: Record<string, number> = {};
  for (const l of fs.readFileSync(meminfo, 'utf8').split('\n')) {
    const m = /^([^:]+):\s+(\d+)/.exec(l);
    if (m && m[1] && m[2]) mem[m[1]] = Number(m[2]) * 1024;
  }
  const total = mem['MemTotal'] ?? 0;
  const used = total - (mem['MemFree'] ?? 0);
  return {
    timestampMs: Date.now(),
    cpuUsageCoreSeconds: (user + nice + system + irq + softirq + steal) / hz,
    memoryWorkingSetBytes: Math.max(0, used - (mem['Inactive(file)'] ?? 0)),
    memoryUsageBytes: used,
    memoryAvailableBytes: mem['MemAvailable'] ?? 0,
    memoryTotalBytes: total,
  };
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const fmt = (v: number): string => String(v);

/** Prometheus text for /metrics/resource. */
export function renderResourceMetrics(node: NodeUsage | undefined, stats: CriContainerStatsInfo[] | undefined, startedAtNs: Map<string, number> = new Map()): string {
  const out: string[] = [];
  const metric = (name: string, help: string, type: string, rows: string[]): void => {
    out.push(`# HELP ${name} [STABLE] ${help}`, `# TYPE ${name} ${type}`, ...rows);
  };
  const cs = stats ?? [];
  const lbl = (s: CriContainerStatsInfo): string =>
    `container="${esc(s.labels[LABEL_CONTAINER_NAME] ?? s.name)}",namespace="${esc(s.labels[LABEL_POD_NAMESPACE] ?? '')}",pod="${esc(s.labels[LABEL_POD_NAME] ?? '')}"`;
  const tsOf = (s: CriContainerStatsInfo): number => Math.floor(s.timestamp / 1e6);
  metric('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed by the container in core-seconds', 'counter',
    cs.filter((s) => s.cpuUsageCoreNanoSeconds !== undefined).map((s) => `container_cpu_usage_seconds_total{${lbl(s)}} ${fmt(s.cpuUsageCoreNanoSeconds! / 1e9)} ${tsOf(s)}`));
  metric('container_memory_working_set_bytes', 'Current working set of the container in bytes', 'gauge',
    cs.filter((s) => s.memoryWorkingSetBytes !== undefined).map((s) => `container_memory_working_set_bytes{${lbl(s)}} ${fmt(s.memoryWorkingSetBytes!)} ${tsOf(s)}`));
  metric('container_start_time_seconds', 'Start time of the container since unix epoch in seconds', 'gauge',
    cs.filter((s) => startedAtNs.get(s.id)).map((s) => `container_start_time_seconds{${lbl(s)}} ${fmt(startedAtNs.get(s.id)! / 1e9)} ${tsOf(s)}`));
  if (node) {
    metric('node_cpu_usage_seconds_total', 'Cumulative cpu time consumed by the node in core-seconds', 'counter', [`node_cpu_usage_seconds_total ${fmt(node.cpuUsageCoreSeconds)} ${node.timestampMs}`]);
    metric('node_memory_working_set_bytes', 'Current working set of the node in bytes', 'gauge', [`node_memory_working_set_bytes ${fmt(node.memoryWorkingSetBytes)} ${node.timestampMs}`]);
  }
  const pods = new Map<string, { ns: string; pod: string; cpu: number; mem: number; ts: number; hasCpu: boolean; hasMem: boolean }>();
  for (const s of cs) {
    const ns = s.labels[LABEL_POD_NAMESPACE] ?? '';
    const pod = s.labels[LABEL_POD_NAME] ?? '';
    if (!pod) continue;
    const k = `${ns}/${pod}`;
    const p = pods.get(k) ?? { ns, pod, cpu: 0, mem: 0, ts: 0, hasCpu: false, hasMem: false };
    if (s.cpuUsageCoreNanoSeconds !== undefined) (p.cpu += s.cpuUsageCoreNanoSeconds / 1e9), (p.hasCpu = true);
    if (s.memoryWorkingSetBytes !== undefined) (p.mem += s.memoryWorkingSetBytes), (p.hasMem = true);
    p.ts = Math.max(p.ts, tsOf(s));
    pods.set(k, p);
  }
  const plbl = (p: { ns: string; pod: string }): string => `namespace="${esc(p.ns)}",pod="${esc(p.pod)}"`;
  metric('pod_cpu_usage_seconds_total', 'Cumulative cpu time consumed by the pod in core-seconds', 'counter',
    [...pods.values()].filter((p) => p.hasCpu).map((p) => `pod_cpu_usage_seconds_total{${plbl(p)}} ${fmt(p.cpu)} ${p.ts}`));
  metric('pod_memory_working_set_bytes', 'Current working set of the pod in bytes', 'gauge',
    [...pods.values()].filter((p) => p.hasMem).map((p) => `pod_memory_working_set_bytes{${plbl(p)}} ${fmt(p.mem)} ${p.ts}`));
  metric('resource_scrape_error', '1 if there was an error while getting container metrics, 0 otherwise', 'gauge', [`resource_scrape_error ${stats ? 0 : 1}`]);
  return out.join('\n') + '\n';
}

/** /stats/summary (the subset of upstream's Summary API that metrics consumers read). */
export function buildSummary(nodeName: string, node: NodeUsage, stats: CriContainerStatsInfo[]): object {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const cstat = (s: CriContainerStatsInfo) => ({
    name: s.labels[LABEL_CONTAINER_NAME] ?? s.name,
    cpu: { time: iso(s.timestamp / 1e6), usageNanoCores: s.cpuUsageNanoCores, usageCoreNanoSeconds: s.cpuUsageCoreNanoSeconds },
    memory: { time: iso(s.timestamp / 1e6), availableBytes: s.memoryAvailableBytes, usageBytes: s.memoryUsageBytes, workingSetBytes: s.memoryWorkingSetBytes, rssBytes: s.memoryRssBytes },
  });
  const pods = new Map<string, { podRef: { name: string; namespace: string; uid: string }; containers: ReturnType<typeof cstat>[]; cpu: number; mem: number }>();
  for (const s of stats) {
    const name = s.labels[LABEL_POD_NAME];
    if (!name) continue;
    const ns = s.labels[LABEL_POD_NAMESPACE] ?? '';
    const k = `${ns}/${name}`;
    const p = pods.get(k) ?? { podRef: { name, namespace: ns, uid: s.labels[LABEL_POD_UID] ?? '' }, containers: [], cpu: 0, mem: 0 };
    p.containers.push(cstat(s));
    p.cpu += s.cpuUsageCoreNanoSeconds ?? 0;
    p.mem += s.memoryWorkingSetBytes ?? 0;
    pods.set(k, p);
  }
  const now = iso(node.timestampMs);
  return {
    node: {
      nodeName,
      cpu: { time: now, usageCoreNanoSeconds: Math.round(node.cpuUsageCoreSeconds * 1e9) },
      memory: { time: now, availableBytes: node.memoryAvailableBytes, usageBytes: node.memoryUsageBytes, workingSetBytes: node.memoryWorkingSetBytes },
    },
    pods: [...pods.values()].map((p) => ({
      podRef: p.podRef,
      containers: p.containers,
      cpu: { time: now, usageCoreNanoSeconds: p.cpu },
      memory: { time: now, workingSetBytes: p.mem },
    })),
  };
}
