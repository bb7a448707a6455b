// Structured logging: one JSON object per line on stderr, {ts, level, component, msg, ...kv}.
// Verbosity follows klog: info(msg) always prints, v(n).info(msg) prints when n <= -v.

export type LogLevel = 'info' | 'warn' | 'error' | 'debug';
export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly component: string;
  readonly verbosity: number;
  info(msg: string, kv?: LogFields): void;
  warn(msg: string, kv?: LogFields): void;
  error(msg: string, kv?: LogFields): void;
  /** A logger that prints only when the configured verbosity is >= level. */
  v(level: number): Pick<Logger, 'info'> & { enabled: boolean };
  /** Same component and verbosity, with fields added to every line. */
  with(kv: LogFields): Logger;
}

export type LogSink = (line: string) => void;

const stderrSink: LogSink = (line) => {
  process.stderr.write(line + '\n');
};

function serialise(v: unknown): unknown {
  if (v instanceof Error) {
    const st = (v as { status?: { code?: number; reason?: string } }).status;
    return st ? { message: v.message, code: st.code, reason: st.reason } : { message: v.message, name: v.name };
  }
  if (typeof v === 'bigint') return v.toString();
  return v;
}

class JsonLogger implements Logger {
  constructor(
    readonly component: string,
    readonly verbosity: number,
    private readonly base: LogFields,
    private readonly sink: LogSink,
  ) {}
  private write(level: LogLevel, msg: string, kv?: LogFields, v?: number): void {
    const rec: LogFields = { ts: new Date().toISOString(), level, component: this.component, msg };
    if (v !== undefined && v > 0) rec.v = v;
    for (const [k, val] of Object.entries(this.base)) rec[k] = serialise(val);
    if (kv) for (const [k, val] of Object.entries(kv)) rec[k] = serialise(val);
    let line: string;
    try {
      line = JSON.stringify(rec);
    } catch {
      line = JSON.stringify({ ts: rec.ts, level, component: this.component, msg, err: 'unserialisable fields' });
    }
    this.sink(line);
  }
  info(msg: string, kv?: LogFields): void {
    this.write('info', msg, kv);
  }
  warn(msg: string, kv?: LogFields): void {
    this.write('warn', msg, kv);
  }
  error(msg: string, kv?: LogFields): void {
    this.write('error', msg, kv);
  }
  v(level: number) {
    const enabled = level <= this.verbosity;
    return {
      enabled,
      info: (msg: string, kv?: LogFields) => {
        if (enabled) this.write(level > 0 ? 'debug' : 'info', msg, kv, level);
      },
    };
  }
  with(kv: LogFields): Logger {
    return new JsonLogger(this.component, this.verbosity, { ...this.base, ...kv }, this.sink);
  }
}

/** createLogger('scheduler', opts.v). `sink` replaces stderr (tests). */
export function createLogger(component: string, verbosity = 0, sink: LogSink = stderrSink): Logger {
  return new JsonLogger(component, verbosity, {}, sink);
}

/** A logger that drops everything (default for library objects constructed without one). */
export const nopLogger: Logger = createLogger('nop', -1, () => {});
