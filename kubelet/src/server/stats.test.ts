import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSummary, readNodeUsage, renderResourceMetrics } from './stats';
import type { CriContainerStatsInfo } from './types';

const labels = (pod: string, c: string) => ({ 'io.kubernetes.pod.name': pod, 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': `${pod}-uid`, 'io.kubernetes.container.name': c });
const stats: CriContainerStatsInfo[] = [
  { id: 'a', name: 'a', labels: labels('web', 'main'), timestamp: 1_700_000_000_000_000_000, cpuUsageCoreNanoSeconds: 1_500_000_000, memoryWorkingSetBytes: 1000 },
  { id: 'b', name: 'b', labels: labels('web', 'side'), timestamp: 1_700_000_000_000_000_000, cpuUsageCoreNanoSeconds: 500_000_000, memoryWorkingSetBytes: 24 },
];

describe('resource metrics', () => {
  it('reads node usage from /proc files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-proc-'));
    fs.writeFileSync(path.join(dir, 'stat'), 'cpu  100 10 50 1000 5 1 2 3 0 0\ncpu0 1 2 3\n');
    fs.writeFileSync(path.join(dir, 'meminfo'), 'MemTotal:       1000 kB\nMemFree:         200 kB\nMemAvailable:    600 kB\nInactive(file):  100 kB\n');
    const n = readNodeUsage(path.join(dir, 'stat'), path.join(dir, 'meminfo'));
    fs.rmSync(dir, { recursive: true });
    expect(n.cpuUsageCoreSeconds).toBeCloseTo(1.66);
    expect(n.memoryWorkingSetBytes).toBe(700 * 1024);
    expect(n.memoryAvailableBytes).toBe(600 * 1024);
  });

  it('renders the upstream metric names with container/pod labels and timestamps', () => {
    const node = { timestampMs: 1_700_000_000_000, cpuUsageCoreSeconds: 12.5, memoryWorkingSetBytes: 2048, memoryUsageBytes: 4096, memoryAvailableBytes: 1, memoryTotalBytes: 8192 };
    const text = renderResourceMetrics(node, stats, new Map([['a', 1_699_999_990_000_000_000]]));
    expect(text).toContain('# TYPE container_cpu_usage_seconds_total counter\n');
    expect(text).toContain('container_cpu_usage_seconds_total{container="main",namespace="default",pod="web"} 1.5 1700000000000\n');
    expect(text).toContain('container_memory_working_set_bytes{container="side",namespace="default",pod="web"} 24 1700000000000\n');
    expect(text).toContain('container_start_time_seconds{container="main",namespace="default",pod="web"} 1699999990 1700000000000\n');
    expect(text).toContain('node_cpu_usage_seconds_total 12.5 1700000000000\n');
    expect(text).toContain('pod_cpu_usage_seconds_total{namespace="default",pod="web"} 2 1700000000000\n');
    expect(text).toContain('pod_memory_working_set_bytes{namespace="default",pod="web"} 1024 1700000000000\n');
    expect(text).toContain('resource_scrape_error 0\n');
    expect(renderResourceMetrics(undefined, undefined)).toContain('resource_scrape_error 1\n');
  });

  it('summarises pods', () => {
    const node = { timestampMs: 0, cpuUsageCoreSeconds: 1, memoryWorkingSetBytes: 2, memoryUsageBytes: 3, memoryAvailableBytes: 4, memoryTotalBytes: 5 };
    const s = buildSummary('n1', node, stats) as { node: { nodeName: string }; pods: { podRef: { uid: string }; containers: { name: string }[]; memory: { workingSetBytes: number } }[] };
    expect(s.node.nodeName).toBe('n1');
    expect(s.pods).toHaveLength(1);
    expect(s.pods[0]!.podRef.uid).toBe('web-uid');
    expect(s.pods[0]!.containers.map((c) => c.name)).toEqual(['main', 'side']);
    expect(s.pods[0]!.memory.workingSetBytes).toBe(1024);
  });
});
