// Runs a child process to completion for a test: collects stdout and stderr, feeds stdin, kills it after a timeout.
import type { ChildProcess } from 'node:child_process';

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `proc` must have piped stdio; it is tracked in `children` (for afterAll cleanup) until it exits. */
export function collectProcess(proc: ChildProcess, children: Set<ChildProcess>, opts: { input?: string; timeoutMs?: number } = {}): Promise<ProcessResult> {
  return new Promise((resolve) => {
    children.add(proc);
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    proc.on('close', (code) => {
      clearTimeout(timer);
      children.delete(proc);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    proc.stdin?.end(opts.input ?? '');
  });
}
