// In-memory CRI for unit tests: containers "run" until the test calls exit(); records calls.
import type { CriRuntime, CriSandbox, CriContainer, CriContainerStatus, CriSandboxStatus, CriImage, ContainerConfig, PodSandboxConfig, StrMap } from './client';
import { CriContainerState, CriSandboxState } from './client';

interface FakeContainer extends CriContainerStatus { sandboxId: string }

export class FakeCri implements CriRuntime {
  sandboxes = new Map<string, CriSandboxStatus>();
  containers = new Map<string, FakeContainer>();
  images = new Set<string>(['busybox']);
  calls: string[] = [];
  podCidr = '';
  private seq = 0;
  /** ExecSync behaviour (default: exit 0). */
  execHandler: (id: string, cmd: string[]) => { exitCode: number; stdout?: string } = () => ({ exitCode: 0 });
  /** Pull behaviour (default: succeed). */
  pullHandler: (image: string) => void = () => undefined;
  /** Called when a container starts (e.g. to make it exit immediately). */
  onStart: (c: FakeContainer) => void = () => undefined;
  constructor(private readonly now: () => number = Date.now) {}

  private ns(): number {
    return this.now() * 1e6 + (this.seq % 1000);
  }
  private id(): string {
    return `${(++this.seq).toString(16).padStart(8, '0')}${'0'.repeat(56)}`;
  }

  async version() {
    return { runtime_name: 'fake', runtime_version: '0.0.1', runtime_api_version: 'v1' };
  }
  async updateRuntimeConfig(cidr: string) {
    this.calls.push(`UpdateRuntimeConfig ${cidr}`);
    this.podCidr = cidr;
  }
  async runPodSandbox(config: PodSandboxConfig) {
    const id = this.id();
    this.calls.push(`RunPodSandbox ${config.metadata?.name}`);
    this.sandboxes.set(id, { id, metadata: config.metadata!, state: CriSandboxState.READY, created_at: this.ns(), labels: config.labels, annotations: config.annotations, network: { ip: `10.244.0.${this.sandboxes.size + 2}` } });
    return id;
  }
  async stopPodSandbox(id: string) {
    this.calls.push(`StopPodSandbox ${id.slice(0, 8)}`);
    const s = this.sandboxes.get(id);
    if (s) s.state = CriSandboxState.NOTREADY;
    for (const c of this.containers.values()) if (c.sandboxId === id && c.state === CriContainerState.RUNNING) this.exit(c.id, 137, 'Error');
  }
  async removePodSandbox(id: string) {
    this.calls.push(`RemovePodSandbox ${id.slice(0, 8)}`);
    this.sandboxes.delete(id);
    for (const c of [...this.containers.values()]) if (c.sandboxId === id) this.containers.delete(c.id);
  }
  async podSandboxStatus(id: string) {
    const s = this.sandboxes.get(id);
    if (!s) throw Object.assign(new Error('not found'), { code: 5 });
    return s;
  }
  async listPodSandbox(labels?: StrMap): Promise<CriSandbox[]> {
    return [...this.sandboxes.values()].filter((s) => match(s.labels, labels));
  }
  async createContainer(sandboxId: string, config: ContainerConfig) {
    const id = this.id();
    this.calls.push(`CreateContainer ${config.metadata?.name} ${config.metadata?.attempt}`);
    this.containers.set(id, {
      id, sandboxId, metadata: config.metadata!, state: CriContainerState.CREATED, created_at: this.ns(), started_at: 0, finished_at: 0, exit_code: 0,
      image: config.image ?? null, image_ref: `sha256:${config.image?.image}`, reason: '', message: '', labels: config.labels, annotations: config.annotations, log_path: config.log_path,
      config,
    } as FakeContainer & { config: ContainerConfig });
    return id;
  }
  async startContainer(id: string) {
    const c = this.containers.get(id)!;
    this.calls.push(`StartContainer ${c.metadata.name}`);
    c.state = CriContainerState.RUNNING;
    c.started_at = this.ns();
    this.onStart(c);
  }
  async stopContainer(id: string, timeout: number) {
    const c = this.containers.get(id);
    this.calls.push(`StopContainer ${c?.metadata.name} ${timeout}`);
    if (c && c.state !== CriContainerState.EXITED) this.exit(id, 137, 'Error');
  }
  async removeContainer(id: string) {
    this.calls.push(`RemoveContainer ${this.containers.get(id)?.metadata.name}`);
    this.containers.delete(id);
  }
  async listContainers(f?: { podSandboxId?: string; labels?: StrMap }): Promise<CriContainer[]> {
    return [...this.containers.values()].filter((c) => (!f?.podSandboxId || c.sandboxId === f.podSandboxId) && match(c.labels, f?.labels)).map((c) => ({ ...c, pod_sandbox_id: c.sandboxId }));
  }
  async containerStatus(id: string) {
    const c = this.containers.get(id);
    if (!c) throw Object.assign(new Error('not found'), { code: 5 });
    return { ...c };
  }
  async execSync(id: string, cmd: string[]) {
    this.calls.push(`ExecSync ${cmd.join(' ')}`);
    const r = this.execHandler(id, cmd);
    return { stdout: Buffer.from(r.stdout ?? ''), stderr: Buffer.alloc(0), exitCode: r.exitCode };
  }
  async imageStatus(image: string): Promise<CriImage | undefined> {
    return this.images.has(image) ? { id: `sha256:${image}`, repo_tags: [image], repo_digests: [], size: 1 } : undefined;
  }
  async pullImage(image: string) {
    this.calls.push(`PullImage ${image}`);
    this.pullHandler(image);
    this.images.add(image);
    return `sha256:${image}`;
  }
  close() {}

  /** Makes a running container exit. */
  exit(id: string, code: number, reason = code === 0 ? 'Completed' : 'Error'): void {
    const c = this.containers.get(id);
    if (!c) return;
    c.state = CriContainerState.EXITED;
    c.exit_code = code;
    c.reason = reason;
    c.finished_at = this.ns();
  }
  /** The newest container with this name. */
  byName(name: string): (FakeContainer & { config: ContainerConfig }) | undefined {
    return [...this.containers.values()].filter((c) => c.metadata.name === name).sort((a, b) => b.metadata.attempt - a.metadata.attempt)[0] as (FakeContainer & { config: ContainerConfig }) | undefined;
  }
}

function match(have: StrMap, want?: StrMap): boolean {
  return Object.entries(want ?? {}).every(([k, v]) => have[k] === v);
}
