// Record -> CRI message conversion.
import type { ContainerRecord, SandboxRecord } from './records';
import { ContainerState, NamespaceMode, SandboxState, type StrMap } from './cri-types';
import type { ImageRecord } from '../images/store';
import { PAUSE_IMAGE } from '../images/builtin';

export function sandboxState(ready: boolean): number {
  return ready ? SandboxState.READY : SandboxState.NOTREADY;
}

export function toPodSandbox(s: SandboxRecord, ready: boolean): object {
  return {
    id: s.id,
    metadata: s.config.metadata,
    state: sandboxState(ready),
    created_at: s.createdAt,
    labels: s.config.labels ?? {},
    annotations: s.config.annotations ?? {},
    runtime_handler: s.runtimeHandler,
  };
}

export function toPodSandboxStatus(s: SandboxRecord, ready: boolean): object {
  const ns = s.config.linux?.security_context?.namespace_options;
  return {
    id: s.id,
    metadata: s.config.metadata,
    state: sandboxState(ready),
    created_at: s.createdAt,
    network: { ip: s.ip, additional_ips: [] },
    linux: {
      namespaces: {
        options: {
          network: s.netnsPath === 'host' ? NamespaceMode.NODE : NamespaceMode.POD,
          pid: ns?.pid ?? NamespaceMode.CONTAINER,
          ipc: ns?.ipc ?? NamespaceMode.POD,
          target_id: '',
        },
      },
    },
    labels: s.config.labels ?? {},
    annotations: s.config.annotations ?? {},
    runtime_handler: s.runtimeHandler,
  };
}

export function containerState(c: ContainerRecord): number {
  return c.state === 'created' ? ContainerState.CREATED : c.state === 'running' ? ContainerState.RUNNING : ContainerState.EXITED;
}

export function toContainer(c: ContainerRecord): object {
  return {
    id: c.id,
    pod_sandbox_id: c.sandboxId,
    metadata: c.config.metadata,
    image: c.config.image,
    image_ref: c.imageRef,
    state: containerState(c),
    created_at: c.createdAt,
    labels: c.config.labels ?? {},
    annotations: c.config.annotations ?? {},
    image_id: c.imageId,
  };
}

export function toContainerStatus(c: ContainerRecord): object {
  return {
    id: c.id,
    metadata: c.config.metadata,
    state: containerState(c),
    created_at: c.createdAt,
    started_at: c.startedAt ?? 0,
    finished_at: c.finishedAt ?? 0,
    exit_code: c.exitCode ?? 0,
    image: c.config.image,
    image_ref: c.imageRef,
    reason: c.reason ?? '',
    message: c.message ?? '',
    labels: c.config.labels ?? {},
    annotations: c.config.annotations ?? {},
    mounts: c.config.mounts ?? [],
    log_path: c.logPath,
    resources: c.config.linux?.resources ? { linux: c.config.linux.resources } : undefined,
    image_id: c.imageId,
  };
}

export function toImage(r: ImageRecord): object {
  const user = r.config.config?.User ?? '';
  const [u] = user.split(':');
  const numeric = u !== undefined && /^\d+$/.test(u);
  return {
    id: r.id,
    repo_tags: r.repoTags,
    repo_digests: r.repoDigests,
    size: r.size,
    uid: numeric ? { value: Number(u) } : undefined,
    username: numeric ? '' : (u ?? ''),
    spec: { image: r.id, annotations: {} },
    pinned: r.repoTags.includes(PAUSE_IMAGE),
  };
}

export function matchLabels(labels: StrMap | undefined, selector: StrMap | undefined): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) if ((labels ?? {})[k] !== v) return false;
  return true;
}
