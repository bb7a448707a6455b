// Structured JSON log lines on stderr. Verbosity follows kube's -v: requests are logged at >=2, errors always.
let verbosity = 0;

export function setVerbosity(v: number): void {
  verbosity = v;
}
export function getVerbosity(): number {
  return verbosity;
}

export function logLine(level: number, msg: string, fields: Record<string, unknown> = {}): void {
  if (level > verbosity) return;
  process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), component: 'apiserver', v: level, msg, ...fields }) + '\n');
}

export function logError(msg: string, err: unknown, fields: Record<string, unknown> = {}): void {
  const e = err instanceof Error ? { err: err.message, stack: err.stack } : { err: String(err) };
  process.stderr.write(JSON.stringify({ ts: new Date().toISOString(), component: 'apiserver', level: 'error', msg, ...e, ...fields }) + '\n');
}
