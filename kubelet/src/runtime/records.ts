// Sandbox and container records persisted as JSON under rootDir (one file per object) so a restarted runtime
// rediscovers them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerConfig, PodSandboxConfig } from './cri-types';
import type { CniPortMapping } from './cni';

export interface SandboxRecord {
  id: string;
  createdAt: number;
  config: PodSandboxConfig;
  runtimeHandler: string;
  state: 'ready' | 'notready';
  /** /var/run/netns/... or 'host' */
  netnsPath: string;
  netnsName?: string;
  ip: string;
  cniResult?: unknown;
  cniSubnet?: string;
  portMappings: CniPortMapping[];
  pausePid?: number;
  cgroupParent: string;
  dir: string;
}

export type ContainerPhase = 'created' | 'running' | 'exited';

export interface ContainerRecord {
  id: string;
  sandboxId: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  message?: string;
  state: ContainerPhase;
  config: ContainerConfig;
  imageRef: string;
  imageId: string;
  logPath: string;
  bundle: string;
  cgroupsPath: string;
  pid?: number;
}

function writeAtomic(file: string, data: unknown): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 1));
  fs.renameSync(tmp, file);
}

export class RecordStore {
  readonly sandboxes = new Map<string, SandboxRecord>();
  readonly containers = new Map<string, ContainerRecord>();

  constructor(readonly rootDir: string) {
    for (const d of [this.sandboxRoot(), this.containerRoot()]) fs.mkdirSync(d, { recursive: true });
    for (const id of fs.readdirSync(this.sandboxRoot())) {
      const f = path.join(this.sandboxRoot(), id, 'sandbox.json');
      if (fs.existsSync(f)) this.sandboxes.set(id, JSON.parse(fs.readFileSync(f, 'utf8')) as SandboxRecord);
    }
    for (const id of fs.readdirSync(this.containerRoot())) {
      const f = path.join(this.containerRoot(), id, 'container.json');
      if (fs.existsSync(f)) this.containers.set(id, JSON.parse(fs.readFileSync(f, 'utf8')) as ContainerRecord);
    }
  }

  sandboxRoot(): string {
    return path.join(this.rootDir, 'sandboxes');
  }

  containerRoot(): string {
    return path.join(this.rootDir, 'containers');
  }

  saveSandbox(s: SandboxRecord): void {
    this.sandboxes.set(s.id, s);
    fs.mkdirSync(s.dir, { recursive: true });
    writeAtomic(path.join(s.dir, 'sandbox.json'), s);
  }

  saveContainer(c: ContainerRecord): void {
    this.containers.set(c.id, c);
    fs.mkdirSync(c.bundle, { recursive: true });
    writeAtomic(path.join(c.bundle, 'container.json'), c);
  }

  deleteSandbox(id: string): void {
    const s = this.sandboxes.get(id);
    this.sandboxes.delete(id);
    if (s) fs.rmSync(s.dir, { recursive: true, force: true });
  }

  deleteContainer(id: string): void {
    const c = this.containers.get(id);
    this.containers.delete(id);
    if (c) fs.rmSync(c.bundle, { recursive: true, force: true });
  }

  /** Finds by full id or unique prefix. */
  findSandbox(id: string): SandboxRecord | undefined {
    return this.sandboxes.get(id) ?? unique([...this.sandboxes.values()].filter((s) => id && s.id.startsWith(id)));
  }

  findContainer(id: string): ContainerRecord | undefined {
    return this.containers.get(id) ?? unique([...this.containers.values()].filter((c) => id && c.id.startsWith(id)));
  }
}

function unique<T>(xs: T[]): T | undefined {
  return xs.length === 1 ? xs[0] : undefined;
}
