import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTailStart, parseLogQuery, streamCriLog, toRfc3339NanoUtc, type LogReadOptions } from './logs';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-logs-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const T = (s: number): string => `2026-01-02T03:04:${String(s).padStart(2, '0')}.123456789+00:00`;
const rec = (s: number, stream: 'stdout' | 'stderr', tag: 'F' | 'P', text: string): string => `${T(s)} ${stream} ${tag} ${text}\n`;

async function read(file: string, o: LogReadOptions, ctx: { isRunning?: () => boolean; pollMs?: number; signal?: AbortSignal } = {}): Promise<string> {
  let out = '';
  await streamCriLog(file, o, { write: (c) => void (out += c), ...ctx });
  return out;
}

describe('CRI log reader', () => {
  const log = [
    rec(1, 'stdout', 'F', 'one'),
    rec(2, 'stdout', 'P', 'tw'),
    rec(3, 'stderr', 'F', 'err line'),
    rec(4, 'stdout', 'F', 'o'),
    rec(5, 'stdout', 'F', ''),
    rec(6, 'stdout', 'F', 'four'),
  ].join('');

  it.each<[string, LogReadOptions, string]>([
    ['all', {}, 'one\nerr line\ntwo\n\nfour\n'],
    ['tail 2', { tailLines: 2 }, '\nfour\n'],
    ['tail counts full records (a joined line loses fragments before the tail start)', { tailLines: 3 }, 'o\n\nfour\n'],
    ['tail 0', { tailLines: 0 }, ''],
    ['tail more than there is', { tailLines: 100 }, 'one\nerr line\ntwo\n\nfour\n'],
    ['stdout only', { stream: 'stdout' }, 'one\ntwo\n\nfour\n'],
    ['limitBytes', { limitBytes: 6 }, 'one\ner'],
    ['since (a joined line has its first fragment\'s time)', { sinceMs: Date.parse('2026-01-02T03:04:04Z') }, '\nfour\n'],
  ])('%s', async (_name, o, want) => {
    const f = path.join(dir, 'c.log');
    fs.writeFileSync(f, log);
    expect(await read(f, o)).toBe(want);
  });

  it('timestamps prefix RFC3339Nano UTC times (the first fragment of a joined line)', async () => {
    const f = path.join(dir, 'c.log');
    fs.writeFileSync(f, rec(1, 'stdout', 'F', 'a') + rec(2, 'stdout', 'P', 'b') + rec(3, 'stdout', 'F', 'c'));
    expect(await read(f, { timestamps: true })).toBe('2026-01-02T03:04:01.123456789Z a\n2026-01-02T03:04:02.123456789Z bc\n');
  });

  it('ignores an incomplete last line and unparseable lines; flushes a trailing partial', async () => {
    const f = path.join(dir, 'c.log');
    fs.writeFileSync(f, rec(1, 'stdout', 'F', 'a') + 'garbage\n' + rec(2, 'stdout', 'P', 'part') + `${T(3)} stdout F unterminated`);
    expect(await read(f, {})).toBe('a\npart');
    expect(await read(f, { tailLines: 1 })).toBe('a\npart');
  });

  it('finds the tail across chunk boundaries in a large file', async () => {
    const f = path.join(dir, 'big.log');
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(rec(i % 60, 'stdout', 'F', `line ${i} ${'x'.repeat(50)}`));
    fs.writeFileSync(f, lines.join(''));
    const fd = fs.openSync(f, 'r');
    const size = fs.fstatSync(fd).size;
    const start = findTailStart(fd, size, 1234);
    fs.closeSync(fd);
    expect(start).toBe(lines.slice(0, 5000 - 1234).join('').length);
    const out = await read(f, { tailLines: 3 });
    expect(out).toBe([4997, 4998, 4999].map((i) => `line ${i} ${'x'.repeat(50)}\n`).join(''));
  });

  it('missing file without follow is empty', async () => {
    expect(await read(path.join(dir, 'nope.log'), {})).toBe('');
  });

  it('follows appends, truncation and rotation until the container stops', async () => {
    const f = path.join(dir, 'c.log');
    fs.writeFileSync(f, rec(1, 'stdout', 'F', 'first'));
    let running = true;
    let out = '';
    const seen = (s: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const end = Date.now() + 10_000;
        const t = setInterval(() => {
          if (out.includes(s)) {
            clearInterval(t);
            resolve();
          } else if (Date.now() > end) {
            clearInterval(t);
            reject(new Error(`never saw ${s}; got ${JSON.stringify(out)}`));
          }
        }, 10);
      });
    const done = streamCriLog(f, { follow: true }, { write: (c) => void (out += c), isRunning: () => running, pollMs: 50 });
    await seen('first\n');
    fs.appendFileSync(f, rec(2, 'stdout', 'P', 'sec'));
    fs.appendFileSync(f, rec(2, 'stdout', 'F', 'ond'));
    await seen('second\n');
    // rotation: the file is renamed and a new one created
    fs.renameSync(f, `${f}.1`);
    fs.writeFileSync(f, rec(3, 'stderr', 'F', 'after rotation'));
    await seen('after rotation\n');
    // truncation
    fs.truncateSync(f, 0);
    fs.appendFileSync(f, rec(4, 'stdout', 'F', 'trunc'));
    await seen('trunc\n');
    fs.appendFileSync(f, rec(5, 'stdout', 'F', 'last'));
    running = false;
    await done;
    expect(out).toBe('first\nsecond\nafter rotation\ntrunc\nlast\n');
  });

  it('follow with tail starts at the tail and stops on abort', async () => {
    const f = path.join(dir, 'c.log');
    fs.writeFileSync(f, rec(1, 'stdout', 'F', 'a') + rec(2, 'stdout', 'F', 'b'));
    const ac = new AbortController();
    let out = '';
    const done = streamCriLog(f, { follow: true, tailLines: 1 }, { write: (c) => void (out += c), isRunning: () => true, signal: ac.signal, pollMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    await done;
    expect(out).toBe('b\n');
  });
});

describe('log query', () => {
  it('parses what kubectl sends', () => {
    const q = new URLSearchParams('follow=true&tailLines=5&timestamps=true&previous=true&limitBytes=10&sinceSeconds=300');
    expect(parseLogQuery(q, 1_000_000)).toEqual({ follow: true, timestamps: true, previous: true, tailLines: 5, limitBytes: 10, sinceMs: 700_000 });
    expect(parseLogQuery(new URLSearchParams('sinceTime=2026-01-02T03:04:05Z')).sinceMs).toBe(Date.parse('2026-01-02T03:04:05Z'));
  });
  it.each(['tailLines=x', 'tailLines=-1', 'limitBytes=0', 'sinceSeconds=0', 'sinceSeconds=1&sinceTime=2026-01-02T03:04:05Z', 'sinceTime=yesterday'])('rejects %s', (s) => {
    expect(() => parseLogQuery(new URLSearchParams(s))).toThrow();
  });
  it('formats timestamps like Go RFC3339Nano', () => {
    expect(toRfc3339NanoUtc('2026-01-02T03:04:05.120000000+00:00')).toBe('2026-01-02T03:04:05.12Z');
    expect(toRfc3339NanoUtc('2026-01-02T03:04:05.000000000Z')).toBe('2026-01-02T03:04:05Z');
    expect(toRfc3339NanoUtc('2026-01-02T03:04:05.5+01:00')).toBe('2026-01-02T02:04:05.5Z');
  });
});
