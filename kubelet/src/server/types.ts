// Seams of the kubelet HTTPS server (port 10250): what it needs from the CRI runtime and from the kubelet core.
import type { Pod } from '@kubets/api';
import type { Registry } from 'prom-client';
import type { KubeletAuth } from './auth';

/** CRI ContainerState numbers. */
export const CRI_CONTAINER_RUNNING = 1;
export const CRI_CONTAINER_EXITED = 2;

/** CRI labels the kubelet puts on sandboxes and containers. */
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';

export interface CriSandboxInfo {
  id: string;
  /** 0 READY, 1 NOTREADY */
  state: number;
  createdAt: number;
  attempt: number;
  labels: Record<string, string>;
}

export interface CriContainerInfo {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  /** CRI ContainerState: 0 created, 1 running, 2 exited, 3 unknown */
  state: number;
  createdAt: number;
  labels: Record<string, string>;
}

export interface CriContainerStatusInfo {
  id: string;
  state: number;
  /** Absolute path of the CRI-format log file. */
  logPath: string;
  exitCode: number;
  startedAt: number;
  finishedAt: number;
}

export interface CriContainerStatsInfo {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** nanoseconds since epoch */
  timestamp: number;
  cpuUsageCoreNanoSeconds?: number;
  cpuUsageNanoCores?: number;
  memoryWorkingSetBytes?: number;
  memoryUsageBytes?: number;
  memoryRssBytes?: number;
  memoryAvailableBytes?: number;
}

/** The part of CRI the server uses. `criServerRuntime(grpcClient)` builds one from a RuntimeService client. */
export interface ServerRuntime {
  listPodSandboxes(labels?: Record<string, string>): Promise<CriSandboxInfo[]>;
  listContainers(filter?: { sandboxId?: string; labels?: Record<string, string> }): Promise<CriContainerInfo[]>;
  containerStatus(containerId: string): Promise<CriContainerStatusInfo>;
  listContainerStats(): Promise<CriContainerStatsInfo[]>;
  /** CRI Exec: returns the streaming URL (WebSocket v5.channel.k8s.io). */
  exec(req: { containerId: string; cmd: string[]; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): Promise<string>;
  /** CRI Attach: returns the streaming URL (same framing as exec). */
  attach(req: { containerId: string; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): Promise<string>;
  /** CRI PortForward: a single-use URL for one TCP connection (WebSocket portforward.kts.v1, `?port=N`). */
  portForward(req: { sandboxId: string; ports: number[] }): Promise<string>;
}

/** A container instance of a pod, as the kubelet knows it. */
export interface ContainerRef {
  podUid: string;
  sandboxId: string;
  containerId: string;
}

/**
 * Read access to the pods the kubelet runs. Implemented by the kubelet core (its pod manager); `criPodLookup()`
 * is a CRI-label based implementation for the sandbox/container parts.
 */
export interface KubeletPods {
  /** Pods bound to this node that the kubelet runs (API objects with the status the kubelet last computed). */
  listPods(): Pod[] | Promise<Pod[]>;
  /** The pod by namespace/name, or undefined when this kubelet does not run it. */
  getPod(namespace: string, name: string): Pod | undefined | Promise<Pod | undefined>;
  /** The pod's current sandbox id (undefined when it has none). */
  sandboxId(namespace: string, name: string): string | undefined | Promise<string | undefined>;
  /**
   * The id of a container of the pod: the current (newest) instance, or with `previous` the instance before it
   * (the kubelet keeps the last terminated one: restartCount-1). undefined when there is none.
   */
  containerId(namespace: string, name: string, container: string, opts?: { previous?: boolean }): string | undefined | Promise<string | undefined>;
}

export interface KubeletServingTls {
  /** PEM serving certificate (chain) and key: --tls-cert-file / --tls-private-key-file, or a self-signed pair */
  cert: string;
  key: string;
  /** PEM CA bundle that verifies client certificates (--client-ca-file); without it x509 authentication is off */
  clientCA?: string;
}

export interface KubeletServerOptions {
  /** Bind address: the node IP by default (--address); '0.0.0.0' only when asked. */
  address: string;
  /** The server speaks HTTPS only. */
  tls: KubeletServingTls;
  /** Authenticates and authorizes every request (KubeletAuth in auth.ts). */
  auth: Pick<KubeletAuth, 'authenticate' | 'authorize'>;
  /** 10250 in production; 0 picks a free port. */
  port: number;
  runtime: ServerRuntime;
  pods: KubeletPods;
  /** Served on /metrics. */
  registry: Registry;
  /** Node name, for /stats/summary. */
  nodeName?: string;
  /** Extra /healthz checks. */
  checks?: Record<string, () => boolean | Promise<boolean>>;
  /** Structured logger (createLogger from @kubets/client); request failures are logged at v(2), 500s as errors. */
  log?: { error(msg: string, kv?: Record<string, unknown>): void; v(level: number): { info(msg: string, kv?: Record<string, unknown>): void } };
  /** Seconds to wait for all SPDY streams of an exec/port-forward (default 30). */
  streamCreationTimeoutSeconds?: number;
}

export interface KubeletServer {
  url: string;
  port: number;
  /** Serves this pair from the next handshake on (no restart; open connections keep theirs). Throws on a bad pair. */
  setServingCertificate(cert: string, key: string): void;
  close(): Promise<void>;
}
