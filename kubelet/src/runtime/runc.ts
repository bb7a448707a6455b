// runc and conmon invocation. runc's stdio is never a pipe into Node for long-lived containers: conmon supervises
// each container (CRI log file, exit file) and runc create/start/kill/delete are short-lived commands.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFile, spawn } from 'node:child_process';

export interface RuncPaths {
  runc: string;
  conmon: string;
  /** runc --root */
  root: string;
  /** conmon --exit-dir: a file per container id holding its exit code */
  exitDir: string;
  /** conmon --socket-dir-path */
  socketDir: string;
}

export interface CmdResult {
  code: number;
  stdout: Buffer;
  stderr: Buffer;
  timedOut: boolean;
}

/** Runs a short-lived command with piped stdio (fine for commands that do not leave children holding the pipes). */
export function run(cmd: string, args: string[], opts: { input?: Buffer; timeoutMs?: number } = {}): Promise<CmdResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs && opts.timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs);
    }
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 + 9 : 1), stdout: Buffer.concat(out), stderr: Buffer.concat(err), timedOut });
    });
    child.stdin.on('error', () => undefined);
    if (opts.input) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export async function runOk(cmd: string, args: string[], what = `${cmd} ${args[0] ?? ''}`): Promise<string> {
  const r = await run(cmd, args);
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr.toString().trim() || r.stdout.toString().trim()}`);
  return r.stdout.toString();
}

export class Runc {
  constructor(readonly p: RuncPaths) {
    for (const d of [p.root, p.exitDir, p.socketDir]) fs.mkdirSync(d, { recursive: true });
  }

  private args(...a: string[]): string[] {
    return ['--root', this.p.root, ...a];
  }

  exitFile(id: string): string {
    return path.join(this.p.exitDir, id);
  }

  /** Starts conmon, which runs `runc create`; resolves with the container pid once the pidfile appears. */
  async createWithConmon(id: string, bundle: string, logPath: string, timeoutMs = 10000): Promise<number> {
    const pidfile = path.join(bundle, 'pidfile');
    fs.rmSync(pidfile, { force: true });
    fs.rmSync(this.exitFile(id), { force: true });
    fs.mkdirSync(path.dirname(logPath), { recursive: true });
    const conmonLog = fs.openSync(path.join(bundle, 'conmon.out'), 'a');
    const args = [
      '--api-version', '1', '-c', id, '-u', id, '-n', id, '-r', this.p.runc,
      '--runtime-arg', '--root', '--runtime-arg', this.p.root, '--runtime-arg', '--log', '--runtime-arg', path.join(bundle, 'runc.log'),
      '-b', bundle, '-p', pidfile, '-l', `k8s-file:${logPath}`,
      '--exit-dir', this.p.exitDir, '--socket-dir-path', this.p.socketDir,
      '--conmon-pidfile', path.join(bundle, 'conmon.pid'), '--log-level', 'error',
    ];
    const child = spawn(this.p.conmon, args, { stdio: ['ignore', conmonLog, conmonLog], detached: true, cwd: bundle });
    fs.closeSync(conmonLog);
    child.unref();
    const started = Date.now();
    // conmon writes the pidfile once `runc create` is done: wake on inotify, with a slow timer as a fallback.
    let wake: (() => void) | undefined;
    const watcher = fs.watch(bundle, () => wake?.());
    try {
      for (;;) {
        try {
          const pid = Number(fs.readFileSync(pidfile, 'utf8').trim());
          if (pid > 0) return pid;
        } catch {
          /* not yet */
        }
        if (fs.existsSync(this.exitFile(id))) throw new Error(`container create failed: ${runcError(bundle)}`);
        const waited = Date.now() - started;
        if (waited > timeoutMs || (waited > 300 && conmonGone(bundle))) throw new Error(`container ${id} was not created: ${runcError(bundle)}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, 25);
          wake = () => {
            clearTimeout(t);
            r();
          };
        });
        wake = undefined;
      }
    } finally {
      watcher.close();
    }
  }

  start(id: string): Promise<string> {
    return runOk(this.p.runc, this.args('start', id), 'runc start');
  }

  async kill(id: string, signal: string, all = false): Promise<void> {
    const r = await run(this.p.runc, this.args('kill', ...(all ? ['--all'] : []), id, signal));
    const msg = r.stderr.toString();
    if (r.code !== 0 && !/not running|does not exist|process already finished/.test(msg)) throw new Error(`runc kill: ${msg.trim()}`);
  }

  async delete(id: string): Promise<void> {
    const r = await run(this.p.runc, this.args('delete', '--force', id));
    const msg = r.stderr.toString();
    if (r.code !== 0 && !/does not exist/.test(msg)) throw new Error(`runc delete: ${msg.trim()}`);
  }

  async state(id: string): Promise<{ status: string; pid: number } | undefined> {
    const r = await run(this.p.runc, this.args('state', id));
    if (r.code !== 0) return undefined;
    const s = JSON.parse(r.stdout.toString()) as { status: string; pid: number };
    return { status: s.status, pid: s.pid };
  }

  exec(id: string, cmd: string[], timeoutMs?: number): Promise<CmdResult> {
    return run(this.p.runc, this.args('exec', id, ...cmd), { timeoutMs });
  }

  /**
   * Spawns `runc exec` with pipes for a streaming session. With `tty`, util-linux `script` provides the terminal that
   * `runc exec -t` proxies to the container's pty (Node cannot receive a console-socket fd), and stdout carries both
   * streams, as in Kubernetes.
   */
  spawnExec(id: string, cmd: string[], tty = false): ReturnType<typeof spawn> {
    if (!tty) return spawn(this.p.runc, this.args('exec', id, ...cmd), { stdio: ['pipe', 'pipe', 'pipe'] });
    const line = [this.p.runc, ...this.args('exec', '-t', id, ...cmd)].map(shellQuote).join(' ');
    return spawn('script', ['-q', '-f', '-e', '-c', line, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm' } });
  }

  update(id: string, resources: object): Promise<CmdResult> {
    return run(this.p.runc, this.args('update', '--resources', '-', id), { input: Buffer.from(JSON.stringify(resources)) });
  }

  /** Exit code written by conmon, or undefined while the container runs. */
  readExit(id: string): { code: number; at: Date } | undefined {
    try {
      const f = this.exitFile(id);
      const txt = fs.readFileSync(f, 'utf8').trim();
      if (txt === '') return undefined;
      return { code: Number(txt), at: fs.statSync(f).mtime };
    } catch {
      return undefined;
    }
  }
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The last error runc logged (its --log file) or conmon's output. */
function runcError(bundle: string): string {
  const lines = readTail(path.join(bundle, 'runc.log')).split('\n').filter((l) => l.includes('error'));
  const last = lines[lines.length - 1];
  if (last) {
    try {
      return (JSON.parse(last) as { msg?: string }).msg ?? last;
    } catch {
      return last;
    }
  }
  return readTail(path.join(bundle, 'conmon.out')) || 'unknown error (see runc.log)';
}

function conmonGone(bundle: string): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(bundle, 'conmon.pid'), 'utf8').trim());
    if (!(pid > 0)) return false;
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-2000).trim();
  } catch {
    return '';
  }
}

export function execFileP(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
}
