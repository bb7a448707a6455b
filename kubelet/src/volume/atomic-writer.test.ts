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
  it('a hostile ..data link never makes the writer read, follow or delete what it points to', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'marker'), 'host');
      fs.mkdirSync(path.join(outside, 'sub'));
      fs.writeFileSync(path.join(outside, 'sub', 'keep'), 'host');
      atomicWrite(dir, files({ a: '1' }));
      const gen1 = fs.readlinkSync(path.join(dir, '..data'));
      // what a container with write access would plant: ..data at a host dir (absolute and relative), a
      // payload-looking sibling that is a link, and a stale user-visible link to the host dir
      for (const target of [outside, path.relative(dir, outside)]) {
        fs.rmSync(path.join(dir, '..data'));
        fs.symlinkSync(target, path.join(dir, '..data'));
        fs.symlinkSync(outside, path.join(dir, '..2020_01_01_00_00_00.000abc'));
        fs.symlinkSync(outside, path.join(dir, 'stale'));
        expect(atomicWrite(dir, files({ a: '2' }))).toBe(true); // not "unchanged": the link is not ours
        expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('2');
        expect(fs.readFileSync(path.join(outside, 'marker'), 'utf8')).toBe('host');
        expect(fs.readFileSync(path.join(outside, 'sub', 'keep'), 'utf8')).toBe('host');
        expect(fs.lstatSync(path.join(dir, '..2020_01_01_00_00_00.000abc')).isSymbolicLink()).toBe(true); // left, not followed
        expect(fs.existsSync(path.join(dir, 'stale'))).toBe(false); // the link itself is unlinked
        fs.rmSync(path.join(dir, '..2020_01_01_00_00_00.000abc'));
      }
      expect(fs.existsSync(path.join(dir, gen1))).toBe(false); // our own old generation is still cleaned up
      expect(fs.readdirSync(dir).filter((e) => e.startsWith('..')).length).toBe(2); // ..data + current payload
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
  it('rejects escaping paths', () => {
    expect(() => atomicWrite(dir, files({ '../x': '1' }))).toThrow('invalid path');
    expect(() => atomicWrite(dir, files({ '/abs': '1' }))).toThrow('invalid path');
  });
});
