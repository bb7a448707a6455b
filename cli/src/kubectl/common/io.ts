// Where a kubectl command reads and writes. Commands never touch process.stdout directly, so tests can run them
// in-process and capture the output.
import type { Readable } from 'node:stream';

export interface Out {
  write(s: string): unknown;
}

export interface IO {
  out: Out;
  err: Out;
  in: Readable;
  /** True when stdin is a terminal (exec -t uses raw mode). */
  stdinIsTTY?: boolean;
}

let current: IO | undefined;

/** Process streams unless a test installed others with setDefaultIO. */
export function defaultIO(): IO {
  return current ?? { out: process.stdout, err: process.stderr, in: process.stdin, stdinIsTTY: !!process.stdin.isTTY };
}

export function setDefaultIO(io: IO | undefined): void {
  current = io;
}

/** Captures output in memory (tests). */
export class Buffered implements Out {
  text = '';
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}
