// The CRI calls the kubelet makes, as a small promise interface. `connectCri` implements it over gRPC
// (proto/cri/api.proto via loadCri); FakeCri (fake.ts) implements it in memory for unit tests.
import * as grpc from '@grpc/grpc-js';
import { loadCri } from '@kubets/proto';
import type { ContainerConfig, PodSandboxConfig, LinuxContainerResources, StrMap } from '../runtime/cri-types';

export type { ContainerConfig, PodSandboxConfig, LinuxContainerResources, StrMap };
export const CriContainerState = { CREATED: 0, RUNNING: 1, EXITED: 2, UNKNOWN: 3 } as const;
export const CriSandboxState = { READY: 0, NOTREADY: 1 } as const;

export interface CriSandbox {
  id: string;
  metadata: { name: string; uid: string; namespace: string; attempt: number };
  state: number;
  created_at: number;
  labels: StrMap;
  annotations: StrMap;
}

export interface CriSandboxStatus extends CriSandbox {
  network?: { ip: string; additional_ips?: { ip: string }[] } | null;
}

export interface CriContainer {
  id: string;
  pod_sandbox_id: string;
  metadata: { name: string; attempt: number };
  state: number;
  created_at: number;
  labels: StrMap;
  annotations: StrMap;
  image_ref?: string;
  image?: { image: string } | null;
}

export interface CriContainerStatus {
  id: string;
  metadata: { name: string; attempt: number };
  state: number;
  created_at: number;
  started_at: number;
  finished_at: number;
  exit_code: number;
  image?: { image: string } | null;
  image_ref: string;
  reason: string;
  message: string;
  labels: StrMap;
  annotations: StrMap;
  log_path: string;
}

export interface CriImage { id: string; repo_tags: string[]; repo_digests: string[]; size: number; uid?: { value: number } | null; username?: string }

/** What the kubelet needs from a CRI runtime (RuntimeService + ImageService). */
export interface CriRuntime {
  version(): Promise<{ runtime_name: string; runtime_version: string; runtime_api_version: string }>;
  updateRuntimeConfig(podCidr: string): Promise<void>;
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<CriSandboxStatus>;
  listPodSandbox(labels?: StrMap): Promise<CriSandbox[]>;
  createContainer(sandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: { podSandboxId?: string; labels?: StrMap }): Promise<CriContainer[]>;
  containerStatus(id: string): Promise<CriContainerStatus>;
  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }>;
  imageStatus(image: string): Promise<CriImage | undefined>;
  pullImage(image: string): Promise<string>;
  close(): void;
}

type Cb = (e: grpc.ServiceError | null, res: Record<string, unknown>) => void;
type Method = (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: Cb) => void;

/** A CRI client over gRPC on `unix:///path`. */
export function connectCri(endpoint: string, timeoutMs = 120_000): CriRuntime {
  const cri = loadCri() as unknown as Record<string, new (addr: string, creds: grpc.ChannelCredentials, opts?: object) => grpc.Client>;
  const addr = endpoint.startsWith('unix://') ? endpoint : `unix://${endpoint}`;
  const RS = cri['RuntimeServiceClient'];
  const IS = cri['ImageServiceClient'];
  if (!RS || !IS) throw new Error('loadCri() has no RuntimeServiceClient/ImageServiceClient');
  const opts = { 'grpc.max_receive_message_length': 64 << 20 };
  const rt = new RS(addr, grpc.credentials.createInsecure(), opts);
  const im = new IS(addr, grpc.credentials.createInsecure(), opts);
  const call = <R = Record<string, unknown>>(c: grpc.Client, m: string, req: object, ms = timeoutMs): Promise<R> =>
    new Promise((resolve, reject) => {
      const fn = (c as unknown as Record<string, Method>)[m];
      if (!fn) return reject(new Error(`CRI method ${m} missing`));
      fn.call(c, req, new grpc.Metadata(), { deadline: Date.now() + ms }, (e, res) => (e ? reject(e) : resolve(res as R)));
    });
  return {
    version: () => call(rt, 'Version', { version: 'v1' }),
    updateRuntimeConfig: async (podCidr) => void (await call(rt, 'UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: podCidr } } })),
    runPodSandbox: async (config) => String((await call(rt, 'RunPodSandbox', { config }))['pod_sandbox_id']),
    stopPodSandbox: async (id) => void (await call(rt, 'StopPodSandbox', { pod_sandbox_id: id })),
    removePodSandbox: async (id) => void (await call(rt, 'RemovePodSandbox', { pod_sandbox_id: id })),
    podSandboxStatus: async (id) => (await call<{ status: CriSandboxStatus }>(rt, 'PodSandboxStatus', { pod_sandbox_id: id })).status,
    listPodSandbox: async (labels) => (await call<{ items?: CriSandbox[] }>(rt, 'ListPodSandbox', { filter: labels ? { label_selector: labels } : null })).items ?? [],
    createContainer: async (sandboxId, config, sandboxConfig) =>
      String((await call(rt, 'CreateContainer', { pod_sandbox_id: sandboxId, config, sandbox_config: sandboxConfig }))['container_id']),
    startContainer: async (id) => void (await call(rt, 'StartContainer', { container_id: id })),
    stopContainer: async (id, t) => void (await call(rt, 'StopContainer', { container_id: id, timeout: t }, (t + 30) * 1000)),
    removeContainer: async (id) => void (await call(rt, 'RemoveContainer', { container_id: id })),
    listContainers: async (f) =>
      (await call<{ containers?: CriContainer[] }>(rt, 'ListContainers', { filter: f ? { pod_sandbox_id: f.podSandboxId ?? '', label_selector: f.labels ?? {} } : null }, 30_000)).containers ?? [],
    containerStatus: async (id) => (await call<{ status: CriContainerStatus }>(rt, 'ContainerStatus', { container_id: id })).status,
    execSync: async (id, cmd, t) => {
      const r = await call<{ stdout?: Buffer; stderr?: Buffer; exit_code?: number }>(rt, 'ExecSync', { container_id: id, cmd, timeout: t }, (t || 60) * 1000 + 5000);
      return { stdout: r.stdout ?? Buffer.alloc(0), stderr: r.stderr ?? Buffer.alloc(0), exitCode: r.exit_code ?? 0 };
    },
    imageStatus: async (image) => (await call<{ image?: CriImage | null }>(im, 'ImageStatus', { image: { image } })).image ?? undefined,
    pullImage: async (image) => String((await call(im, 'PullImage', { image: { image } }, 600_000))['image_ref']),
    close: () => {
      rt.close();
      im.close();
    },
  };
}
