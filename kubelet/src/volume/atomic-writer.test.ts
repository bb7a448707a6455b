import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atomicWrite, type FileProjection } from './atomic-writer';

const files = (o: Record<string, string>, mode = 0o644): Map<string, FileProjection> => new Map(Object.entries(o).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

describe('atomicWrite', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('projects files through ..data and swaps atomically', () => {
    expect(atomicWrite(dir, files({ a: '1', 'sub/b': '2' }))).toBe(true);
    expect(fs.readlinkSync(path.join(dir, 'a'))).toBe('..data/a');
    expect(fs.readFileSync(path.join(dir, 'sub/b'), 'utf8')).toBe('2');
    const first = fs.readlinkSync(path.join(dir, '..data'));
    expect(atomicWrite(dir, files({ a: '1', 'sub/b': '2' }))).toBe(false); // unchanged: no new generation
    expect(atomicWrite(dir, files({ a: '3' }))).toBe(true);
    const second = fs.readlinkSync(path.join(dir, '..data'));
    expect(second).not.toBe(first);
    expect(fs.existsSync(path.join(dir, first))).toBe(false); // old generation removed
    expect(fs.existsSync(path.join(dir, 'sub'))).toBe(false); // stale user-visible path removed
    expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('3');
  });
  it('applies modes', () => {
    atomicWrite(dir, files({ key: 's' }, 0o400));
    expect(fs.statSync(path.join(dir, 'key')).mode & 0o777).toBe(0o400);
  });
  it('rejects escaping paths', () => {
    expect(() => atomicWrite(dir, files({ '../x': '1' }))).toThrow('invalid path');
    expect(() => atomicWrite(dir, files({ '/abs': '1' }))).toThrow('invalid path');
  });
});
