// `kts runtime`: a local CRI v1 runtime (runc + conmon + CNI) served over gRPC on a unix socket.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { parseFlags, str, usage, type FlagSpec } from '@kubets/client';
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

export const runtimeFlagSpecs: Record<string, FlagSpec> = {
  listen: { type: 'string', default: 'unix:///run/kts/runtime.sock', help: 'CRI socket (unix:///PATH)' },
  'root-dir': { type: 'string', default: '/var/lib/kts/runtime', help: 'state directory' },
  'pod-cidr': { type: 'string', help: 'pod CIDR for host-local IPAM (default 10.244.0.0/24)' },
  'cni-bridge': { type: 'string', help: 'bridge name (default kts0)' },
  'cni-bin-dir': { type: 'string', help: 'CNI plugin directory (default /usr/lib/cni)' },
  'network-name': { type: 'string', help: 'CNI network name (default kts)' },
  'streaming-address': { type: 'string', help: 'streaming server HOST:PORT (default 127.0.0.1:0)' },
  'pod-pids-limit': { type: 'int', help: 'pids limit per container (default unlimited)' },
  'insecure-registry': { type: 'list', help: 'pull over plain HTTP from HOST (repeatable; loopback registries always are)' },
  'cgroup-root': { type: 'string', help: 'cgroupfs parent for pods without cgroup_parent (default /kubepods)' },
  runc: { type: 'string', help: 'path to runc' },
  conmon: { type: 'string', help: 'path to conmon' },
  busybox: { type: 'string', help: 'path to a static busybox' },
};

export function runtimeUsage(): string {
  return usage('runtime', 'A local CRI v1 runtime (runc + conmon + CNI) served over gRPC on a unix socket.', runtimeFlagSpecs);
}

/** Parses `kts runtime` flags (@kubets/client's parseFlags). --help throws the usage text, as before. */
export function parseRuntimeFlags(argv: string[]): RuntimeOptions {
  if (argv.includes('-h') || argv.includes('--help')) throw new Error(runtimeUsage());
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv, runtimeFlagSpecs);
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${runtimeUsage()}`);
  }
  const { values: v, args } = parsed;
  if (args.length) throw new Error(`unexpected argument ${args[0]}\n${runtimeUsage()}`);
  const o: RuntimeOptions = { listen: str(v.listen), rootDir: str(v['root-dir']) };
  const strings: Array<[string, 'podCidr' | 'cniBridge' | 'cniBinDir' | 'networkName' | 'streamingAddress' | 'runcPath' | 'conmonPath' | 'busyboxPath' | 'cgroupRoot']> = [
    ['pod-cidr', 'podCidr'],
    ['cni-bridge', 'cniBridge'],
    ['cni-bin-dir', 'cniBinDir'],
    ['network-name', 'networkName'],
    ['streaming-address', 'streamingAddress'],
    ['runc', 'runcPath'],
    ['conmon', 'conmonPath'],
    ['busybox', 'busyboxPath'],
    ['cgroup-root', 'cgroupRoot'],
  ];
  for (const [flag, key] of strings) if (typeof v[flag] === 'string') o[key] = v[flag];
  if (typeof v['pod-pids-limit'] === 'number') o.podPidsLimit = v['pod-pids-limit'];
  if (Array.isArray(v['insecure-registry'])) o.insecureRegistries = v['insecure-registry'];
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
  const { values, args: files } = parseFlags(argv, { 'root-dir': runtimeFlagSpecs['root-dir']! });
  const rootDir = str(values['root-dir']);
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
