// `kts runtime`: a local CRI v1 runtime (runc + conmon + CNI) served over gRPC on a unix socket.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadCri } from '@kubets/proto';
import { KtsRuntime, type RuntimeOptions } from './service';

export type { RuntimeOptions } from './service';
export { KtsRuntime } from './service';
import { importImageTarball } from '../images/importer';
export { importImageTarball };
export { buildContainerSpec, buildPauseSpec } from './oci-spec';
export { parseCriLog, parseCriLogLine } from './cri-log';
export { execStatus } from './streaming';

export interface RunningRuntime {
  runtime: KtsRuntime;
  /** Streaming server base URL. */
  streamingUrl: string;
  /** Resolves when the server has shut down. */
  done: Promise<void>;
}

const USAGE = `kts runtime [flags]
  --listen unix:///PATH         CRI socket (default unix:///run/kts/runtime.sock)
  --root-dir DIR                state directory (default /var/lib/kts/runtime)
  --pod-cidr CIDR               pod CIDR for host-local IPAM (default 10.244.0.0/24)
  --cni-bridge NAME             bridge name (default kts0)
  --cni-bin-dir DIR             CNI plugin directory (default /usr/lib/cni)
  --network-name NAME           CNI network name (default kts)
  --streaming-address HOST:PORT streaming server (default 127.0.0.1:0)
  --pod-pids-limit N            pids limit per container (default unlimited)
  --insecure-registry HOST      pull over plain HTTP (repeatable; loopback registries always are)
  --cgroup-root PATH            cgroupfs parent for pods without cgroup_parent (default /kubepods)
  --runc PATH  --conmon PATH  --busybox PATH`;

/** Parses `kts runtime` flags (`--flag value` or `--flag=value`). */
export function parseRuntimeFlags(argv: string[]): RuntimeOptions {
  const o: RuntimeOptions = { listen: 'unix:///run/kts/runtime.sock', rootDir: '/var/lib/kts/runtime' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-h' || a === '--help') throw new Error(USAGE);
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m || !m[1]) throw new Error(`unexpected argument ${a}\n${USAGE}`);
    const val = (): string => {
      if (m[2] !== undefined) return m[2];
      const v = argv[++i];
      if (v === undefined) throw new Error(`flag --${m[1]} needs a value`);
      return v;
    };
    switch (m[1]) {
      case 'listen': o.listen = val(); break;
      case 'root-dir': o.rootDir = val(); break;
      case 'pod-cidr': o.podCidr = val(); break;
      case 'cni-bridge': o.cniBridge = val(); break;
      case 'cni-bin-dir': o.cniBinDir = val(); break;
      case 'network-name': o.networkName = val(); break;
      case 'streaming-address': o.streamingAddress = val(); break;
      case 'pod-pids-limit': o.podPidsLimit = Number(val()); break;
      case 'insecure-registry': (o.insecureRegistries ??= []).push(val()); break;
      case 'runc': o.runcPath = val(); break;
      case 'conmon': o.conmonPath = val(); break;
      case 'busybox': o.busyboxPath = val(); break;
      case 'cgroup-root': o.cgroupRoot = val(); break;
      default: throw new Error(`unknown flag --${m[1]}\n${USAGE}`);
    }
  }
  return o;
}

function splitHostPort(s: string): [string, number] {
  const i = s.lastIndexOf(':');
  if (i < 0) return [s, 0];
  return [s.slice(0, i).replace(/^\[|\]$/g, ''), Number(s.slice(i + 1))];
}

/** Starts the runtime; resolves once it is serving. `done` resolves after `signal` aborts and shutdown completes. */
export async function startRuntime(opts: RuntimeOptions, signal: AbortSignal): Promise<RunningRuntime> {
  if (!opts.listen.startsWith('unix://')) throw new Error(`--listen must be unix:///PATH, got ${opts.listen}`);
  const sock = opts.listen.slice('unix://'.length);
  fs.mkdirSync(path.dirname(sock), { recursive: true });
  fs.rmSync(sock, { force: true });
  const runtime = new KtsRuntime(opts);
  await runtime.reconcile();
  const [host, port] = splitHostPort(opts.streamingAddress ?? '127.0.0.1:0');
  const streamingUrl = await runtime.streaming.listen(host || '127.0.0.1', port);
  const cri = loadCri();
  const server = new grpc.Server();
  server.addService(cri.runtime, runtime.runtimeHandlers());
  server.addService(cri.image, runtime.imageHandlers());
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${sock}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  console.error(JSON.stringify({ level: 'info', msg: 'kts runtime serving', listen: opts.listen, rootDir: opts.rootDir, streaming: streamingUrl, podCidr: runtime.podCidr }));
  const done = new Promise<void>((resolve) => {
    const stop = (): void => {
      server.tryShutdown(() => {
        void runtime.close().finally(() => {
          fs.rmSync(sock, { force: true });
          resolve();
        });
      });
      setTimeout(() => server.forceShutdown(), 5000).unref();
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  return { runtime, streamingUrl, done };
}

/**
 * `kts image import FILE.tar [FILE.tar…] [--root-dir DIR]`: loads OCI-layout or docker-save tarballs into the
 * runtime's image store (a running runtime picks them up). Prints one line per image; returns the exit code.
 */
export function runImageImport(argv: string[], out: (line: string) => void = (l) => console.log(l)): number {
  let rootDir = '/var/lib/kts/runtime';
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--root-dir') rootDir = argv[++i] ?? rootDir;
    else if (a.startsWith('--root-dir=')) rootDir = a.slice('--root-dir='.length);
    else files.push(a);
  }
  if (!files.length) throw new Error('usage: kts image import FILE.tar [--root-dir DIR]');
  for (const f of files) {
    for (const rec of importImageTarball(rootDir, f)) out(`${rec.repoTags.join(',') || '<none>'} ${rec.id}`);
  }
  return 0;
}

/** Runs `kts runtime` until `signal` aborts. Containers keep running across restarts (conmon supervises them). */
export async function runRuntime(opts: RuntimeOptions, signal: AbortSignal): Promise<void> {
  const r = await startRuntime(opts, signal);
  await r.done;
}
