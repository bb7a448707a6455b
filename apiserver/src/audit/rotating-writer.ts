// The audit log file: lines are queued and appended by one async loop, so a request never waits for the disk.
// Rotation follows lumberjack (what kube-apiserver uses): before a write would take the file past maxSize MB it is
// renamed to <name>-<UTC yyyy-mm-ddThh-mm-ss.mmm><ext> and a new file started; backups beyond maxBackups or older
// than maxAge days are removed. Files are created with mode 0600.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RotatingWriterOptions {
  /** "-" writes to stdout (no rotation) */
  path: string;
  /** --audit-log-maxsize in megabytes; 0 → lumberjack's default of 100 */
  maxSizeMB?: number;
  /** Overrides maxSizeMB (tests). */
  maxSizeBytes?: number;
  /** --audit-log-maxbackup: 0 keeps all */
  maxBackups?: number;
  /** --audit-log-maxage in days: 0 keeps all */
  maxAgeDays?: number;
  /** Lines queued beyond this are dropped (counted) rather than growing memory without bound. Default 64 MiB. */
  maxBufferedBytes?: number;
  /** Reports write failures and drops (the request path never sees them). */
  onError?: (err: Error) => void;
  now?: () => Date;
}

export class RotatingWriter {
  private readonly maxSize: number;
  private queue: string[] = [];
  private queuedBytes = 0;
  private flushing: Promise<void> | undefined;
  private fh: fs.promises.FileHandle | undefined;
  private size = 0;
  private closed = false;
  dropped = 0;

  constructor(private readonly o: RotatingWriterOptions) {
    this.maxSize = o.maxSizeBytes ?? (o.maxSizeMB && o.maxSizeMB > 0 ? o.maxSizeMB : 100) * 1024 * 1024;
  }

  /** Queues one line (a trailing newline is added). Never blocks; returns false when the line was dropped. */
  write(line: string): boolean {
    if (this.closed) return false;
    const bytes = Buffer.byteLength(line) + 1;
    if (this.queuedBytes + bytes > (this.o.maxBufferedBytes ?? 64 * 1024 * 1024)) {
      this.dropped++;
      this.o.onError?.(new Error('audit log buffer is full: event dropped'));
      return false;
    }
    this.queue.push(line + '\n');
    this.queuedBytes += bytes;
    if (!this.flushing) this.flushing = this.drain().finally(() => (this.flushing = undefined));
    return true;
  }

  /** Resolves once everything queued so far is written. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.fh?.close();
    this.fh = undefined;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const lines = this.queue;
      this.queue = [];
      try {
        if (this.o.path === '-') await writeStdout(lines.join(''));
        else await this.writeFile(lines);
      } catch (e) {
        this.o.onError?.(e instanceof Error ? e : new Error(String(e)));
      }
      // the batch counts against the buffer until it is written
      this.queuedBytes -= lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
    }
  }

  private async writeFile(lines: string[]): Promise<void> {
    if (!this.fh) await this.open();
    let chunk: string[] = [];
    let chunkBytes = 0;
    const put = async () => {
      if (!chunk.length) return;
      await this.fh!.write(chunk.join(''));
      this.size += chunkBytes;
      chunk = [];
      chunkBytes = 0;
    };
    for (const line of lines) {
      const n = Buffer.byteLength(line);
      if (this.size + chunkBytes + n > this.maxSize && this.size + chunkBytes > 0) {
        await put();
        await this.rotate();
      }
      // A single line larger than maxSize still goes to a fresh file: an audit event is never silently lost.
      chunk.push(line);
      chunkBytes += n;
    }
    await put();
  }

  private async open(): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.o.path), { recursive: true, mode: 0o700 });
    this.fh = await fs.promises.open(this.o.path, 'a', 0o600);
    this.size = (await this.fh.stat()).size;
  }

  private async rotate(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
    const { dir, name, ext } = parts(this.o.path);
    let t = (this.o.now ?? (() => new Date()))().getTime();
    let backup: string;
    // two rotations within one millisecond would otherwise overwrite a backup
    for (;;) {
      backup = path.join(dir, `${name}-${backupTimestamp(new Date(t))}${ext}`);
      if (!fs.existsSync(backup)) break;
      t++;
    }
    await fs.promises.rename(this.o.path, backup);
    await this.open();
    await this.removeOldBackups();
  }

  private async removeOldBackups(): Promise<void> {
    const { maxBackups = 0, maxAgeDays = 0 } = this.o;
    if (maxBackups <= 0 && maxAgeDays <= 0) return;
    const backups = await listBackups(this.o.path);
    const now = (this.o.now ?? (() => new Date()))().getTime();
    const remove = backups.filter((b, i) => (maxBackups > 0 && i >= maxBackups) || (maxAgeDays > 0 && now - b.time > maxAgeDays * 86_400_000));
    await Promise.all(remove.map((b) => fs.promises.rm(b.file, { force: true })));
  }
}

function parts(file: string): { dir: string; name: string; ext: string } {
  const ext = path.extname(file);
  return { dir: path.dirname(file), name: path.basename(file, ext), ext };
}

/** lumberjack's backupTimeFormat "2006-01-02T15-04-05.000", in UTC. */
export function backupTimestamp(d: Date): string {
  return d.toISOString().slice(0, 23).replace(/:/g, '-');
}

/** Backups of file, newest first. */
export async function listBackups(file: string): Promise<{ file: string; time: number }[]> {
  const { dir, name, ext } = parts(file);
  const re = new RegExp(`^${escape(name)}-(\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3})${escape(ext)}$`);
  const out: { file: string; time: number }[] = [];
  for (const f of await fs.promises.readdir(dir)) {
    const m = re.exec(f);
    if (!m) continue;
    const iso = m[1]!.replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3') + 'Z';
    out.push({ file: path.join(dir, f), time: Date.parse(iso) });
  }
  return out.sort((a, b) => b.time - a.time);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function writeStdout(s: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(s, (e) => (e ? reject(e) : resolve())));
}
