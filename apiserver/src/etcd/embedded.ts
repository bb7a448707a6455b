// Runs a single-member etcd as a child process (for `kts up` and e2e tests). Output goes to a log file, never
// to a pipe (a full pipe would block etcd). Compaction is left to the apiserver's compactor.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

export interface EmbeddedEtcdOptions {
  dataDir: string;
  clientPort: number;
  peerPort: number;
  /** Aborting stops etcd. */
  signal?: AbortSignal;
  /** Where etcd's output goes. Default: "<dataDir>.etcd.log" next to the data dir. */
  logFile?: string;
  /** etcd --quota-backend-bytes. Default 4 GiB. */
  quotaBackendBytes?: number;
  /** Path of the etcd binary. Default: findEtcdBinary(). */
  binary?: string;
  /** Member name. Default "kts". */
  name?: string;
  /** How long to wait for /health. Default 30s. */
  startTimeoutMs?: number;
  /** Extra etcd flags (e.g. ["--auto-compaction-retention=1"]). */
  extraArgs?: string[];
}

export interface EmbeddedEtcd {
  /** Client URL, e.g. http://127.0.0.1:2379 */
  endpoint: string;
  pid: number;
  logFile: string;
  /** SIGTERM, wait, then SIGKILL. Idempotent. */
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/bin/etcd', '/usr/local/bin/etcd', '/usr/sbin/etcd'];

/** The etcd binary: $KTS_ETCD_BINARY, then well-known paths, then $PATH. Throws with install instructions. */
export function findEtcdBinary(): string {
  const fromEnv = process.env.KTS_ETCD_BINARY;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`KTS_ETCD_BINARY=${fromEnv} is not an executable file`);
  }
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const p of [...CANDIDATES, ...dirs.map((d) => path.join(d, 'etcd'))]) {
    if (isExecutable(p)) return p;
  }
  throw new Error('etcd binary not found (looked in /usr/bin, /usr/local/bin and $PATH); install it with `apt-get install -y etcd-server` or set KTS_ETCD_BINARY');
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export async function startEmbeddedEtcd(opts: EmbeddedEtcdOptions): Promise<EmbeddedEtcd> {
  const binary = opts.binary ?? findEtcdBinary();
  const name = opts.name ?? 'kts';
  const clientUrl = `http://127.0.0.1:${opts.clientPort}`;
  const peerUrl = `http://127.0.0.1:${opts.peerPort}`;
  const logFile = opts.logFile ?? `${opts.dataDir.replace(/\/+$/, '')}.etcd.log`;
  fs.mkdirSync(path.dirname(path.resolve(opts.dataDir)), { recursive: true });
  fs.mkdirSync(path.dirname(path.resolve(logFile)), { recursive: true });
  const args = [
    '--name', name,
    '--data-dir', opts.dataDir,
    '--listen-client-urls', clientUrl,
    '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl,
    '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `${name}=${peerUrl}`,
    '--initial-cluster-state', 'new',
    '--quota-backend-bytes', String(opts.quotaBackendBytes ?? 4 * 1024 * 1024 * 1024),
    '--logger', 'zap',
    '--log-outputs', 'stderr',
    ...(opts.extraArgs ?? []),
  ];
  const fd = fs.openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { stdio: ['ignore', fd, fd] });
  } finally {
    fs.closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    await new Promise((r) => child.once('error', r));
    throw new Error(`failed to spawn ${binary}`);
  }

  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, sig) => {
      exitCode = code ?? (sig ? -1 : null);
      resolve();
    });
    child.once('error', () => resolve());
  });
  const killOnExit = (): void => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    if (!stopping) {
      stopping = (async () => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (exitCode === undefined) {
          try {
            child.kill('SIGTERM');
          } catch {
            /* gone */
          }
          const t = setTimeout(() => {
            try {
              child.kill('SIGKILL');
            } catch {
              /* gone */
            }
          }, 10_000);
          await exited;
          clearTimeout(t);
        }
        process.removeListener('exit', killOnExit);
      })();
    }
    return stopping;
  };
  const onAbort = (): void => void stop();
  if (opts.signal?.aborted) {
    await stop();
    throw new Error('startEmbeddedEtcd aborted');
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  for (;;) {
    if (exitCode !== undefined) {
      await stop();
      throw new Error(`etcd exited with code ${String(exitCode)} during startup; see ${logFile}:\n${tail(logFile)}`);
    }
    if (opts.signal?.aborted) {
      await stop();
      throw new Error('startEmbeddedEtcd aborted');
    }
    if (await healthy(clientUrl)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not become healthy within ${opts.startTimeoutMs ?? 30_000}ms; see ${logFile}:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { endpoint: clientUrl, pid, logFile, stop };
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          const j = JSON.parse(body) as { health?: unknown };
          resolve(res.statusCode === 200 && (j.health === 'true' || j.health === true));
        } catch {
          resolve(false);
        }
      });
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function tail(file: string, bytes = 2000): string {
  try {
    const buf = fs.readFileSync(file);
    return buf.subarray(Math.max(0, buf.length - bytes)).toString('utf8');
  } catch {
    return '';
  }
}
