// cgroup v1 helpers (hybrid hierarchy): stats, OOM kill counters and removal of pod parents in every hierarchy.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CGROUP_ROOT = '/sys/fs/cgroup';

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readNum(file: string): number | undefined {
  const s = read(file);
  if (s === undefined) return undefined;
  const n = Number(s.trim());
  return Number.isFinite(n) ? n : undefined;
}

export function parseKeyValues(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && Number.isFinite(Number(v))) m.set(k, Number(v));
  }
  return m;
}

export function controllerPath(controller: string, cgroupsPath: string): string {
  return path.join(CGROUP_ROOT, controller, cgroupsPath);
}

/** Number of OOM kills recorded in the memory cgroup (memory.oom_control "oom_kill N"), or undefined if it is gone. */
export function oomKills(cgroupsPath: string): number | undefined {
  const t = read(path.join(controllerPath('memory', cgroupsPath), 'memory.oom_control'));
  if (t === undefined) return undefined;
  return parseKeyValues(t).get('oom_kill') ?? 0;
}

export interface CgroupStats {
  cpuUsageNs?: number;
  memoryUsage?: number;
  workingSet?: number;
  rss?: number;
  pageFaults?: number;
  majorPageFaults?: number;
  memoryLimit?: number;
}

export function readStats(cgroupsPath: string): CgroupStats {
  const mem = controllerPath('memory', cgroupsPath);
  const stat = parseKeyValues(read(path.join(mem, 'memory.stat')) ?? '');
  const usage = readNum(path.join(mem, 'memory.usage_in_bytes'));
  const inactive = stat.get('total_inactive_file') ?? stat.get('inactive_file') ?? 0;
  return {
    cpuUsageNs: readNum(path.join(controllerPath('cpuacct', cgroupsPath), 'cpuacct.usage')),
    memoryUsage: usage,
    workingSet: usage === undefined ? undefined : Math.max(0, usage - inactive),
    rss: stat.get('total_rss') ?? stat.get('rss'),
    pageFaults: stat.get('total_pgfault') ?? stat.get('pgfault'),
    majorPageFaults: stat.get('total_pgmajfault') ?? stat.get('pgmajfault'),
    memoryLimit: readNum(path.join(mem, 'memory.limit_in_bytes')),
  };
}

/** Every mounted hierarchy directory under /sys/fs/cgroup (cpu,cpuacct links are deduplicated by realpath). */
export function hierarchies(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(CGROUP_ROOT);
  } catch {
    return out;
  }
  for (const e of entries) {
    let real: string;
    try {
      real = fs.realpathSync(path.join(CGROUP_ROOT, e));
      if (!fs.statSync(real).isDirectory()) continue;
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(real);
  }
  return out;
}

/** rmdir `cgroupsPath` and its empty parents up to (not including) `stopAt` in every hierarchy. Best effort. */
export function removeCgroup(cgroupsPath: string, stopAt = '/'): void {
  for (const h of hierarchies()) {
    let p = cgroupsPath;
    while (p && p !== '/' && p !== stopAt && p !== '.') {
      try {
        fs.rmdirSync(path.join(h, p));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') break;
      }
      p = path.dirname(p);
    }
  }
}
