// Reading CRI-format container logs (`<RFC3339Nano> stdout|stderr F|P <content>`) for GET /containerLogs:
// partial (P) records are reassembled per stream, tailLines is found by scanning backwards from the end,
// sinceTime/limitBytes/timestamps as kubectl asks, and follow watches the file (fs.watch + a polling fallback)
// across truncation/rotation until the container stops running.
import * as fs from 'node:fs';

export interface LogReadOptions {
  follow?: boolean;
  /** Last N (logical) lines; undefined = all. */
  tailLines?: number;
  /** Prefix each line with its RFC3339Nano timestamp. */
  timestamps?: boolean;
  /** Skip lines older than this (ms since epoch). */
  sinceMs?: number;
  /** Stop after this many bytes. */
  limitBytes?: number;
  /** Only this stream (default both). */
  stream?: 'stdout' | 'stderr';
}

export interface LogReadContext {
  /** Output sink; may return a promise (backpressure). */
  write(chunk: string): void | Promise<void>;
  /** Follow mode: whether the container still runs (checked on the poll interval). */
  isRunning?: () => boolean | Promise<boolean>;
  signal?: AbortSignal;
  /** Poll interval for follow (ms, default 1000). */
  pollMs?: number;
}

const RECORD = /^(\S+) (stdout|stderr) ([FP])(?: (.*))?$/;

interface Rec {
  time: string;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  content: string;
}

function parseRecord(line: string): Rec | undefined {
  const m = RECORD.exec(line);
  if (!m || !m[1]) return undefined;
  return { time: m[1], stream: m[2] as 'stdout' | 'stderr', partial: m[3] === 'P', content: m[4] ?? '' };
}

/** Go's time.RFC3339Nano rendering in UTC (trailing zeros of the fraction trimmed). */
export function toRfc3339NanoUtc(t: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/.exec(t);
  if (!m || !m[1]) return t;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  let base = m[1];
  if (m[3] !== 'Z' && !/^[+-]00:?00$/.test(m[3] ?? '')) {
    const d = new Date(`${m[1]}${m[3]}`);
    if (Number.isNaN(d.getTime())) return t;
    base = d.toISOString().slice(0, 19);
  }
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

/** Byte offset where the last `n` logical lines (ended by F records) of the file start. */
export function findTailStart(fd: number, size: number, n: number, stream?: 'stdout' | 'stderr'): number {
  if (n <= 0) return size;
  const CHUNK = 64 * 1024;
  const prevNl = (d: Buffer, from: number): number => (from < 0 ? -1 : d.lastIndexOf(0x0a, from));
  let pos = size;
  let carry = Buffer.alloc(0); // the start of a line whose beginning lies in an earlier chunk
  let found = 0;
  let skipLast = true; // the file's last line may be incomplete (no trailing newline): never count it
  while (pos > 0) {
    const start = Math.max(0, pos - CHUNK);
    const buf = Buffer.alloc(pos - start);
    fs.readSync(fd, buf, 0, buf.length, start);
    const data = Buffer.concat([buf, carry]);
    pos = start;
    let end = data.length;
    if (skipLast) {
      const nl = data.lastIndexOf(0x0a);
      if (nl < 0) {
        carry = data;
        continue;
      }
      end = nl;
      skipLast = false;
    }
    for (let i = prevNl(data, end - 1); ; i = prevNl(data, end - 1)) {
      if (i < 0 && start > 0) {
        carry = data.subarray(0, end);
        break;
      }
      const rec = parseRecord(data.subarray(i + 1, end).toString('utf8'));
      if (rec && !rec.partial && (!stream || rec.stream === stream)) {
        found++;
        if (found > n) return start + end + 1; // just after the (n+1)-th full line from the end
      }
      if (i < 0) return 0;
      end = i;
    }
  }
  return 0;
}

class Assembler {
  private pending: Partial<Record<'stdout' | 'stderr', { time: string; text: string }>> = {};
  private written = 0;
  done = false;
  constructor(private readonly o: LogReadOptions, private readonly out: (s: string) => void | Promise<void>) {}

  private async emit(s: string): Promise<void> {
    if (this.done) return;
    if (this.o.limitBytes !== undefined) {
      const left = this.o.limitBytes - this.written;
      if (left <= 0) {
        this.done = true;
        return;
      }
      const b = Buffer.from(s, 'utf8');
      if (b.length >= left) {
        this.done = true;
        this.written += left;
        await this.out(b.subarray(0, left).toString('utf8'));
        return;
      }
      this.written += b.length;
    }
    await this.out(s);
  }

  private format(time: string, text: string): string {
    return this.o.timestamps ? `${toRfc3339NanoUtc(time)} ${text}` : text;
  }

  async record(r: Rec): Promise<void> {
    if (this.o.stream && r.stream !== this.o.stream) return;
    const p = this.pending[r.stream];
    if (r.partial) {
      this.pending[r.stream] = p ? { time: p.time, text: p.text + r.content } : { time: r.time, text: r.content };
      return;
    }
    delete this.pending[r.stream];
    const time = p?.time ?? r.time;
    if (this.o.sinceMs !== undefined && Date.parse(time) < this.o.sinceMs) return;
    await this.emit(this.format(time, `${p?.text ?? ''}${r.content}\n`));
  }

  /** At the end: unterminated partial lines go out as they are. */
  async flush(): Promise<void> {
    for (const s of ['stdout', 'stderr'] as const) {
      const p = this.pending[s];
      if (!p) continue;
      delete this.pending[s];
      if (this.o.sinceMs !== undefined && Date.parse(p.time) < this.o.sinceMs) continue;
      await this.emit(this.format(p.time, p.text));
    }
  }
}

/** Reads from `pos` to the end of `fd`; returns the new position (only complete lines are consumed). */
async function readNew(fd: number, pos: number, asm: Assembler): Promise<number> {
  const CHUNK = 64 * 1024;
  let rest = Buffer.alloc(0);
  let at = pos;
  for (;;) {
    if (asm.done) return at;
    const buf = Buffer.alloc(CHUNK);
    const n = fs.readSync(fd, buf, 0, CHUNK, at + rest.length);
    if (n <= 0) return at;
    const data = Buffer.concat([rest, buf.subarray(0, n)]);
    const nl = data.lastIndexOf(0x0a);
    if (nl < 0) {
      rest = data;
      continue;
    }
    for (const line of data.subarray(0, nl).toString('utf8').split('\n')) {
      const r = parseRecord(line);
      if (r) await asm.record(r);
      if (asm.done) break;
    }
    at += nl + 1;
    rest = data.subarray(nl + 1);
  }
}

/** Streams a CRI log file to ctx.write according to the options; resolves at EOF, or (follow) when the container stopped. */
export async function streamCriLog(path: string, o: LogReadOptions, ctx: LogReadContext): Promise<void> {
  const asm = new Assembler(o, (s) => ctx.write(s));
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (!o.follow) return;
    fd = -1;
  }
  let ino = fd >= 0 ? fs.fstatSync(fd).ino : 0;
  let pos = 0;
  try {
    if (fd >= 0) {
      const size = fs.fstatSync(fd).size;
      pos = o.tailLines !== undefined ? findTailStart(fd, size, o.tailLines, o.stream) : 0;
      pos = await readNew(fd, pos, asm);
    }
    if (!o.follow || asm.done || ctx.signal?.aborted) {
      await asm.flush();
      return;
    }
    await new Promise<void>((resolve) => {
      let busy = false;
      let again = false;
      let finished = false;
      let watcher: fs.FSWatcher | undefined;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearInterval(timer);
        watcher?.close();
        ctx.signal?.removeEventListener('abort', finish);
        resolve();
      };
      const watch = (): void => {
        watcher?.close();
        try {
          watcher = fs.watch(path, { persistent: false }, () => void pump(false));
          watcher.on('error', () => undefined);
        } catch {
          watcher = undefined; // polling still covers it
        }
      };
      const pump = async (checkState: boolean): Promise<void> => {
        if (busy) {
          again = true;
          return;
        }
        busy = true;
        try {
          do {
            again = false;
            // Rotation: a new file at the path (other inode): finish the old one, continue with the new one.
            let st: fs.Stats | undefined;
            try {
              st = fs.statSync(path);
            } catch {
              st = undefined;
            }
            if (fd >= 0) pos = await readNew(fd, pos, asm);
            if (st && (fd < 0 || st.ino !== ino)) {
              if (fd >= 0) fs.closeSync(fd);
              fd = fs.openSync(path, 'r');
              ino = fs.fstatSync(fd).ino;
              pos = 0;
              watch();
              pos = await readNew(fd, pos, asm);
            } else if (st && fd >= 0 && st.size < pos) {
              pos = 0; // truncated (copytruncate)
              pos = await readNew(fd, pos, asm);
            }
            if (asm.done) return finish();
            if (checkState && ctx.isRunning && !(await ctx.isRunning())) {
              if (fd >= 0) pos = await readNew(fd, pos, asm);
              await asm.flush();
              return finish();
            }
          } while (again && !finished);
        } catch {
          finish();
        } finally {
          busy = false;
        }
      };
      const timer = setInterval(() => void pump(true), ctx.pollMs ?? 1000);
      ctx.signal?.addEventListener('abort', finish, { once: true });
      watch();
      void pump(true);
    });
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

/** Parses containerLogs query parameters (as kubectl sends them) into LogReadOptions; throws Error with a message on bad input. */
export function parseLogQuery(q: URLSearchParams, nowMs = Date.now()): LogReadOptions & { previous: boolean } {
  const bool = (k: string): boolean => {
    const v = q.get(k);
    return v !== null && v !== '0' && v.toLowerCase() !== 'false'; // apimachinery's query bool conversion
  };
  const int = (k: string): number | undefined => {
    const v = q.get(k);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`invalid ${k}: ${v}`);
    return n;
  };
  const o: LogReadOptions & { previous: boolean } = { follow: bool('follow'), timestamps: bool('timestamps'), previous: bool('previous') };
  const tail = int('tailLines');
  if (tail !== undefined) {
    if (tail < 0) throw new Error('tailLines must be >= 0');
    o.tailLines = tail;
  }
  const limit = int('limitBytes');
  if (limit !== undefined) {
    if (limit < 1) throw new Error('limitBytes must be a positive integer');
    o.limitBytes = limit;
  }
  const since = int('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (since !== undefined && sinceTime) throw new Error('at most one of sinceTime or sinceSeconds may be specified');
  if (since !== undefined) {
    if (since < 1) throw new Error('sinceSeconds must be a positive integer');
    o.sinceMs = nowMs - since * 1000;
  } else if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new Error(`invalid sinceTime: ${sinceTime}`);
    o.sinceMs = t;
  }
  const stream = q.get('stream');
  if (stream === 'stdout' || stream === 'stderr') o.stream = stream;
  return o;
}
