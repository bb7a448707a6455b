// ServerRuntime over a CRI RuntimeService gRPC client (loadCri().RuntimeServiceClient), and a CRI-label based
// KubeletPods helper (sandbox/container lookup by io.kubernetes.* labels).
import type * as grpc from '@grpc/grpc-js';
import type { Pod } from '@kubets/api';
import {
  CRI_CONTAINER_RUNNING,
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  type CriContainerInfo,
  type CriContainerStatsInfo,
  type CriSandboxInfo,
  type KubeletPods,
  type ServerRuntime,
} from './types';

type Msg = Record<string, unknown>;
type UnaryFn = (req: object, opts: object, cb: (e: grpc.ServiceError | null, res: Msg) => void) => void;

function unary(client: grpc.Client, method: string, req: object, timeoutMs = 30_000): Promise<Msg> {
  const fn = (client as unknown as Record<string, UnaryFn>)[method];
  if (typeof fn !== 'function') return Promise.reject(new Error(`CRI client has no method ${method}`));
  return new Promise((resolve, reject) => fn.call(client, req, { deadline: Date.now() + timeoutMs }, (e, res) => (e ? reject(e) : resolve(res))));
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : 0);
const uval = (v: unknown): number | undefined => {
  const x = (v as { value?: unknown } | null | undefined)?.value;
  return x === undefined || x === null ? undefined : num(x);
};

/** A ServerRuntime backed by a CRI v1 RuntimeService client (proto-loader with keepCase, as loadCri() builds it). */
export function criServerRuntime(client: grpc.Client): ServerRuntime {
  return {
    async listPodSandboxes(labels) {
      const r = await unary(client, 'ListPodSandbox', { filter: labels ? { label_selector: labels } : undefined });
      return ((r['items'] as Msg[] | undefined) ?? []).map(
        (s): CriSandboxInfo => ({
          id: String(s['id']),
          state: num(s['state']),
          createdAt: num(s['created_at']),
          attempt: num((s['metadata'] as Msg | undefined)?.['attempt']),
          labels: (s['labels'] as Record<string, string> | undefined) ?? {},
        }),
      );
    },
    async listContainers(filter) {
      const r = await unary(client, 'ListContainers', { filter: filter ? { pod_sandbox_id: filter.sandboxId ?? '', label_selector: filter.labels ?? {} } : undefined });
      return ((r['containers'] as Msg[] | undefined) ?? []).map((c): CriContainerInfo => {
        const md = (c['metadata'] as Msg | undefined) ?? {};
        return {
          id: String(c['id']),
          sandboxId: String(c['pod_sandbox_id']),
          name: String(md['name'] ?? ''),
          attempt: num(md['attempt']),
          state: num(c['state']),
          createdAt: num(c['created_at']),
          labels: (c['labels'] as Record<string, string> | undefined) ?? {},
        };
      });
    },
    async containerStatus(id) {
      const r = await unary(client, 'ContainerStatus', { container_id: id });
      const s = (r['status'] as Msg | undefined) ?? {};
      return {
        id: String(s['id'] ?? id),
        state: num(s['state']),
        logPath: String(s['log_path'] ?? ''),
        exitCode: num(s['exit_code']),
        startedAt: num(s['started_at']),
        finishedAt: num(s['finished_at']),
      };
    },
    async listContainerStats() {
      const r = await unary(client, 'ListContainerStats', { filter: {} });
      return ((r['stats'] as Msg[] | undefined) ?? []).map((s): CriContainerStatsInfo => {
        const a = (s['attributes'] as Msg | undefined) ?? {};
        const cpu = (s['cpu'] as Msg | undefined) ?? {};
        const mem = (s['memory'] as Msg | undefined) ?? {};
        return {
          id: String(a['id'] ?? ''),
          name: String((a['metadata'] as Msg | undefined)?.['name'] ?? ''),
          labels: (a['labels'] as Record<string, string> | undefined) ?? {},
          timestamp: num(cpu['timestamp']) || num(mem['timestamp']) || Date.now() * 1e6,
          cpuUsageCoreNanoSeconds: uval(cpu['usage_core_nano_seconds']),
          cpuUsageNanoCores: uval(cpu['usage_nano_cores']),
          memoryWorkingSetBytes: uval(mem['working_set_bytes']),
          memoryUsageBytes: uval(mem['usage_bytes']),
          memoryRssBytes: uval(mem['rss_bytes']),
          memoryAvailableBytes: uval(mem['available_bytes']),
        };
      });
    },
    async exec(req) {
      const r = await unary(client, 'Exec', { container_id: req.containerId, cmd: req.cmd, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr, tty: req.tty });
      return String(r['url']);
    },
    async attach(req) {
      const r = await unary(client, 'Attach', { container_id: req.containerId, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr, tty: req.tty });
      return String(r['url']);
    },
    async portForward(req) {
      const r = await unary(client, 'PortForward', { pod_sandbox_id: req.sandboxId, port: req.ports });
      return String(r['url']);
    },
  };
}

/**
 * KubeletPods from a pod list plus CRI labels: the newest sandbox of the pod (ready first), the newest container
 * instance by attempt (then creation time), and for `previous` the one before it.
 */
export function criPodLookup(runtime: ServerRuntime, pods: () => Pod[] | Promise<Pod[]>): KubeletPods {
  const podLabels = (ns: string, name: string) => ({ [LABEL_POD_NAMESPACE]: ns, [LABEL_POD_NAME]: name });
  return {
    listPods: pods,
    async getPod(ns, name) {
      return (await pods()).find((p) => p.metadata?.namespace === ns && p.metadata?.name === name);
    },
    async sandboxId(ns, name) {
      const sbs = await runtime.listPodSandboxes(podLabels(ns, name));
      sbs.sort((a, b) => a.state - b.state || b.createdAt - a.createdAt);
      return sbs[0]?.id;
    },
    async containerId(ns, name, container, opts) {
      const cs = await runtime.listContainers({ labels: { ...podLabels(ns, name), [LABEL_CONTAINER_NAME]: container } });
      cs.sort((a, b) => b.attempt - a.attempt || b.createdAt - a.createdAt);
      if (!opts?.previous) return cs[0]?.id;
      const cur = cs[0];
      // The previous instance: the newest one that is not the current; if the current is running it is by definition.
      const prev = cs.slice(1).find((c) => c.state !== CRI_CONTAINER_RUNNING);
      return cur ? prev?.id : undefined;
    },
  };
}
