// Progress lines for `kts up`: what is starting, then its ready check and how long it took.
export interface Progress {
  step<T>(what: string, fn: () => Promise<T>, detail?: (v: T) => string): Promise<T>;
  info(line: string): void;
}

export function consoleProgress(out: NodeJS.WritableStream = process.stdout): Progress {
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  return {
    async step(what, fn, detail) {
      const t0 = Date.now();
      out.write(tty ? `  … ${what}` : `  - ${what}\n`);
      try {
        const v = await fn();
        const secs = ((Date.now() - t0) / 1000).toFixed(1);
        const extra = detail ? `: ${detail(v)}` : '';
        out.write(tty ? `\r  ✓ ${what}${extra} (${secs}s)\n` : `  ✓ ${what}${extra} (${secs}s)\n`);
        return v;
      } catch (e) {
        out.write(tty ? `\r  ✗ ${what}\n` : `  ✗ ${what}\n`);
        throw e;
      }
    },
    info(line) {
      out.write(line + '\n');
    },
  };
}
