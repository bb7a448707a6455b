// Runs the real `kts` binary (cli/bin/kts.js after `npm run build`; the TypeScript sources otherwise).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export function ktsCommand(args: string[]): { cmd: string; argv: string[] } {
  const built = path.join(root, 'cli', 'dist', 'main.js');
  if (fs.existsSync(built) && process.env.KTS_FROM_SOURCE !== '1') return { cmd: process.execPath, argv: [path.join(root, 'cli', 'bin', 'kts.js'), ...args] };
  const entry = `require(${JSON.stringify(path.join(root, 'cli', 'src', 'main.ts'))}).main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`;
  return { cmd: process.execPath, argv: ['-r', path.join(root, 'bench', 'lib', 'register-ts.js'), '-e', entry, '--', ...args] };
}

export interface KtsProcess {
  proc: ChildProcess;
  output(): string;
  /** Resolves when the output contains `text`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export function spawnKts(args: string[], env: Record<string, string> = {}): KtsProcess {
  const { cmd, argv } = ktsCommand(args);
  const proc = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    waitFor: (text, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const t0 = Date.now();
        const tick = () => {
          if (typeof text === 'string' ? out.includes(text) : text.test(out)) return resolve();
          if (proc.exitCode !== null) return reject(new Error(`kts exited (${proc.exitCode}) before printing ${String(text)}:\n${out}`));
          if (Date.now() - t0 > timeoutMs) return reject(new Error(`timed out waiting for ${String(text)}:\n${out}`));
          setTimeout(tick, 100);
        };
        tick();
      }),
    stop: async (signal = 'SIGINT', timeoutMs = 60_000) => {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
