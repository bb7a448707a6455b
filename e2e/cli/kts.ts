// Runs kts' kubectl commands in-process against a test apiserver, capturing stdout/stderr.
import { Readable } from 'node:stream';
import { Buffered, kubectl } from '../../cli/src/kubectl';
import type { TestApiServer } from '../harness/apiserver';

export interface KtsResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function kts(t: TestApiServer, args: string[], opts: { input?: string; signal?: AbortSignal } = {}): Promise<KtsResult> {
  const out = new Buffered();
  const err = new Buffered();
  const [name, ...rest] = args;
  const code = await kubectl([name!, '--kubeconfig', t.kubeconfig, ...rest], { out, err, in: Readable.from([opts.input ?? '']), stdinIsTTY: false }, opts.signal);
  return { code, stdout: out.text, stderr: err.text };
}

/** Runs a long-lived command (get -w, rollout status) and lets the test stop it. */
export function ktsBackground(t: TestApiServer, args: string[]): { out: Buffered; err: Buffered; done: Promise<number>; stop(): void } {
  const out = new Buffered();
  const err = new Buffered();
  const ac = new AbortController();
  const [name, ...rest] = args;
  const done = kubectl([name!, '--kubeconfig', t.kubeconfig, ...rest], { out, err, in: Readable.from(['']) }, ac.signal);
  return { out, err, done, stop: () => ac.abort() };
}

/** Splits an aligned table into cells (columns are separated by 3+ spaces). */
export function columns(line: string): string[] {
  return line.trim().split(/ {3,}/);
}
