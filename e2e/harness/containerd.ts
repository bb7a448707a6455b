// containerd as a CRI peer for tests: a config in a temp dir (settings from the runtime-substrate notes:
// restrict_oom_score_adj, our pause image, CNI from /usr/lib/cni), the process, and our busybox and pause images
// imported into its k8s.io namespace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { ImageStore, ensureBuiltinImages, exportOciLayout, PAUSE_IMAGE, BUSYBOX_IMAGE } from '@kubets/kubelet/images';

export interface TestContainerd {
  sock: string;
  proc: ChildProcess;
}

function config(dir: string, sock: string, registryConfigDir?: string): string {
  const registry = registryConfigDir ? `  [plugins."io.containerd.grpc.v1.cri".registry]\n    config_path = "${registryConfigDir}"\n` : '';
  return `version = 2
root = "${dir}/root"
state = "${dir}/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "${sock}"
[ttrpc]
  address = "${sock}.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${dir}/cni"
${registry}  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
`;
}

/** Starts containerd on `dir` (CNI conflists go in dir/cni) and imports busybox and pause. */
export async function startTestContainerd(dir: string, opts: { registryConfigDir?: string } = {}): Promise<TestContainerd> {
  const sock = path.join(dir, 'containerd.sock');
  fs.writeFileSync(path.join(dir, 'config.toml'), config(dir, sock, opts.registryConfigDir));
  const log = fs.openSync(path.join(dir, 'containerd.log'), 'a');
  const proc = spawn('containerd', ['--config', path.join(dir, 'config.toml')], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  for (let i = 0; i < 400 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 25));
  if (!fs.existsSync(sock)) throw new Error(`containerd did not start: ${fs.readFileSync(path.join(dir, 'containerd.log'), 'utf8').slice(-2000)}`);
  // busybox and pause from our deterministic builder, imported as OCI layouts
  const store = new ImageStore(path.join(dir, 'kts-images'));
  ensureBuiltinImages(store);
  for (const name of [BUSYBOX_IMAGE, PAUSE_IMAGE]) {
    const layout = path.join(dir, `layout-${name.replace(/[^a-z0-9]/gi, '_')}`);
    exportOciLayout(store, name, layout);
    execFileSync('tar', ['-cf', `${layout}.tar`, '-C', layout, '.']);
    execFileSync('ctr', ['-a', sock, '-n', 'k8s.io', 'images', 'import', `${layout}.tar`], { stdio: 'ignore' });
  }
  return { sock, proc };
}
