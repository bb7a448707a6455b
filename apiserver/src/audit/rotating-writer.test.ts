import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backupTimestamp, listBackups, RotatingWriter } from './rotating-writer';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-audit-rot-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const line = (i: number) => `{"n":${String(i).padStart(4, '0')}}`; // 12 bytes + newline = 13

describe('RotatingWriter', () => {
  it('rotates before a write would pass maxSize, naming backups <name>-<UTC timestamp><ext>', async () => {
    const file = path.join(dir, 'audit.log');
    let clock = Date.parse('2025-03-04T05:06:07.089Z');
    const w = new RotatingWriter({ path: file, maxSizeBytes: 30, now: () => new Date(clock++) });
    for (let i = 0; i < 7; i++) w.write(line(i)); // 2 lines (26 bytes) fit per file
    await w.close();
    const backups = await listBackups(file);
    expect(backups.map((b) => path.basename(b.file))).toEqual(['audit-2025-03-04T05-06-07.091.log', 'audit-2025-03-04T05-06-07.090.log', 'audit-2025-03-04T05-06-07.089.log']);
    const all = [...backups.reverse().map((b) => b.file), file].map((f) => fs.readFileSync(f, 'utf8'));
    for (const content of all) expect(Buffer.byteLength(content)).toBeLessThanOrEqual(30);
    expect(all.join('')).toBe([0, 1, 2, 3, 4, 5, 6].map((i) => line(i) + '\n').join(''));
    for (const f of fs.readdirSync(dir)) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
  });

  it('counts an existing file\'s size and keeps at most maxBackups backups', async () => {
    const file = path.join(dir, 'audit.log');
    fs.writeFileSync(file, line(99) + '\n', { mode: 0o600 });
    let clock = Date.parse('2025-03-04T05:06:07.000Z');
    const w = new RotatingWriter({ path: file, maxSizeBytes: 13, maxBackups: 2, now: () => new Date((clock += 1000)) });
    for (let i = 0; i < 5; i++) w.write(line(i));
    await w.close();
    const backups = await listBackups(file);
    expect(backups).toHaveLength(2);
    expect(backups.map((b) => fs.readFileSync(b.file, 'utf8'))).toEqual([line(3) + '\n', line(2) + '\n']);
    expect(fs.readFileSync(file, 'utf8')).toBe(line(4) + '\n');
  });

  it('removes backups older than maxAge days', async () => {
    const file = path.join(dir, 'audit.log');
    const old = path.join(dir, `audit-${backupTimestamp(new Date('2020-01-01T00:00:00Z'))}.log`);
    fs.writeFileSync(old, 'x\n');
    const w = new RotatingWriter({ path: file, maxSizeBytes: 13, maxAgeDays: 7 });
    w.write(line(1));
    w.write(line(2));
    await w.close();
    expect(fs.existsSync(old)).toBe(false);
    expect(await listBackups(file)).toHaveLength(1);
  });

  it('never blocks the caller: write() returns before anything is on disk; a full buffer drops and reports', async () => {
    const file = path.join(dir, 'audit.log');
    const errors: Error[] = [];
    const w = new RotatingWriter({ path: file, maxBufferedBytes: 30, onError: (e) => errors.push(e) });
    expect(w.write(line(1))).toBe(true);
    expect(w.write(line(2))).toBe(true);
    expect(w.write(line(3))).toBe(false);
    expect(fs.existsSync(file)).toBe(false); // the open happens asynchronously
    await w.close();
    expect(fs.readFileSync(file, 'utf8')).toBe(`${line(1)}\n${line(2)}\n`);
    expect(w.dropped).toBe(1);
    expect(errors[0]!.message).toMatch(/buffer is full/);
  });
});
