// Test helper for kubelet e2e tests: etcd + apiserver, a kubelet with an in-process `kts runtime` (runc + conmon + CNI)
// on its own network number (bridge kts<n>, pod CIDR 10.244.<n>.0/24, cgroup root /ktstest<n>), and cleanup.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pod } from '@kubets/api';
import { PodKind } from '@kubets/api';
import { RestClient, createLogger, loadKubeconfig } from '@kubets/client';
import { startKubelet, parseKubeletFlags, type KubeletHandle } from '@kubets/kubelet';
import type { ApiServerOptions } from '@kubets/apiserver/server';
import { startTestApiServer, eventually, type TestApiServer } from '../harness/apiserver';
import { allocNet, ensureNetGuard, cleanupHost } from '../harness/runtime';

export interface KubeletEnv {
  api: TestApiServer;
  client: RestClient;
  n: number;
  rootDir: string;
  nodeName: string;
  kubelet: KubeletHandle;
  /** Stops the kubelet (and its in-process runtime); containers keep running. */
  stopKubelet(): Promise<void>;
  startKubelet(): Promise<void>;
  createPod(pod: Record<string, unknown>): Promise<Pod>;
  getPod(name: string, ns?: string): Promise<Pod>;
  waitPod(name: string, pred: (p: Pod) => boolean, timeoutMs?: number): Promise<Pod>;
  cleanup(): Promise<void>;
}

/**
 * `asNode`: the kubelet uses a system:node:<name> certificate (Node authorizer, NodeRestriction) instead of the admin's.
 * `api`: extra API server options.
 */
export async function startKubeletEnv(preferred: number, extraFlags: string[] = [], eviction = false, o: { asNode?: boolean; api?: Partial<ApiServerOptions> } = {}): Promise<KubeletEnv> {
  ensureNetGuard();
  const api = await startTestApiServer(o.api ?? {});
  const net = allocNet(preferred);
  const n = net.n;
  const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), `ktsk${n}-`));
  const nodeName = `kts-e2e-node-${n}`;
  const client = new RestClient(loadKubeconfig(api.kubeconfig).config); // the harness admin's TLS credentials
  const nodeCert = o.asNode ? await api.pki.clientCert(`system:node:${nodeName}`, ['system:nodes']) : undefined;
  const kubeletClient = nodeCert ? new RestClient({ server: api.url, caData: api.creds.ca, certData: nodeCert.certPem, keyData: nodeCert.keyPem }) : client;
  const opts = parseKubeletFlags([
    `--client-ca-file=${api.pki.pki.caFile}`, // the API server's kubelet-client certificate comes from the cluster CA
    `--root-dir=${rootDir}`, `--hostname-override=${nodeName}`, '--node-ip=127.0.0.1', '--address=127.0.0.1', '--port=0', '--healthz-port=0',
    `--pod-cidr=10.244.${n}.0/24`, '--cluster-dns=10.96.0.10', `--cgroup-root=/ktstest${n}`, '--node-status-update-frequency=2s',
    ...extraFlags,
  ]);
  let ac = new AbortController();
  const start = (): Promise<KubeletHandle> =>
    startKubelet(opts, ac.signal, {
      client: kubeletClient,
      logger: createLogger('kubelet', Number(process.env.KTS_E2E_V ?? -1)),
      disableEviction: !eviction,
      runtimeOptions: { cniBridge: `kts${n}`, networkName: `kts${n}`, podPidsLimit: 200 },
    });
  const env: KubeletEnv = {
    api, client, n, rootDir, nodeName,
    kubelet: await start(),
    async stopKubelet() {
      ac.abort();
      await env.kubelet.done;
    },
    async startKubelet() {
      ac = new AbortController();
      env.kubelet = await start();
    },
    async createPod(pod) {
      const p = { apiVersion: 'v1', kind: 'Pod', ...pod, metadata: { namespace: 'default', ...(pod['metadata'] as object) }, spec: { nodeName, terminationGracePeriodSeconds: 5, ...(pod['spec'] as object) } } as unknown as Pod;
      return client.resource(PodKind).namespace(p.metadata.namespace ?? 'default').create(p);
    },
    getPod(name, ns = 'default') {
      return client.resource(PodKind).namespace(ns).get(name);
    },
    async waitPod(name, pred, timeoutMs = 30_000) {
      return eventually(async () => {
        const p = await env.getPod(name);
        if (!pred(p)) throw new Error(`pod ${name} not there yet: ${JSON.stringify(p.status)}`);
        return p;
      }, timeoutMs, 200);
    },
    async cleanup() {
      try {
        // remove every pod (the kubelet tears down sandboxes, volumes and cgroups), then the runtime's leftovers
        const pods = await client.resource(PodKind).list({ fieldSelector: `spec.nodeName=${nodeName}` }).catch(() => ({ items: [] as Pod[] }));
        for (const p of pods.items) await client.resource(PodKind).namespace(p.metadata.namespace ?? 'default').delete(p.metadata.name ?? '', { gracePeriodSeconds: 1 }).catch(() => undefined);
        await eventually(async () => {
          const l = await client.resource(PodKind).list({ fieldSelector: `spec.nodeName=${nodeName}` });
          if (l.items.length) throw new Error('pods remain');
          return true;
        }, 30_000, 250).catch(() => undefined);
        const cri = env.kubelet.cri;
        for (const s of await cri.listPodSandbox().catch(() => [])) {
          await cri.stopPodSandbox(s.id).catch(() => undefined);
          await cri.removePodSandbox(s.id).catch(() => undefined);
        }
        for (const c of await cri.listContainers().catch(() => [])) await cri.removeContainer(c.id).catch(() => undefined);
      } finally {
        ac.abort();
        await env.kubelet.done.catch(() => undefined);
        for (const qos of ['besteffort', 'burstable']) {
          for (const h of fs.readdirSync('/sys/fs/cgroup')) {
            try {
              fs.rmdirSync(path.join('/sys/fs/cgroup', h, `ktstest${n}`, qos));
            } catch {
              /* absent */
            }
          }
        }
        cleanupHost(rootDir, `kts${n}`, `/ktstest${n}`);
        net.release();
        client.close();
        if (kubeletClient !== client) kubeletClient.close();
        await api.stop();
      }
    },
  };
  return env;
}

export function readLog(logPath: string): string {
  try {
    return fs
      .readFileSync(logPath, 'utf8')
      .split('\n')
      .map((l) => l.split(' ').slice(3).join(' '))
      .join('\n');
  } catch {
    return '';
  }
}
