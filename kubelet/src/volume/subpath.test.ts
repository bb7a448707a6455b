import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSubPath, openComponents, prepareSubPath, SubPathError } from './subpath';

describe('subPath', () => {
  let root: string;
  let vol: string;
  const opened: number[] = [];
  const open = (sub: string) => {
    const r = openSubPath(vol, sub);
    opened.push(r.fd);
    return r.stat;
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'subpath-'));
    vol = path.join(root, 'vol');
    fs.mkdirSync(path.join(vol, 'a', 'b'), { recursive: true });
    fs.chmodSync(vol, 0o777);
    fs.writeFileSync(path.join(vol, 'a', 'b', 'file'), 'in');
    fs.mkdirSync(path.join(root, 'host'));
    fs.writeFileSync(path.join(root, 'host', 'marker'), 'host');
    // what a container can plant in a shared volume
    fs.symlinkSync('/', path.join(vol, 'to-root'));
    fs.symlinkSync('../host', path.join(vol, 'to-host'));
    fs.symlinkSync('../../..', path.join(vol, 'a', 'up'));
    fs.symlinkSync('a', path.join(vol, 'inner'));
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(vol, 'dangling'));
  });
  afterEach(() => {
    for (const fd of opened.splice(0)) fs.closeSync(fd);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('opens paths inside the volume, following only links that stay inside', () => {
    expect(open('a/b/file').isFile()).toBe(true);
    expect(open('inner/b').isDirectory()).toBe(true);
    expect(open('./a//b/').isDirectory()).toBe(true);
  });

  it('refuses links out of the volume, backsteps and absolute paths', () => {
    for (const sub of ['to-root', 'to-root/etc', 'to-host', 'to-host/marker', 'a/up/host', 'dangling']) expect(() => open(sub)).toThrow(SubPathError);
    expect(() => open('../host')).toThrow("must not contain '..'");
    expect(() => open('/etc')).toThrow('must be a relative path');
    expect(() => open('to-host')).toThrow('not within volume path');
    expect(fs.existsSync(path.join(root, 'nowhere'))).toBe(false); // nothing created through the dangling link
  });

  it('refuses a symlink met on the walk itself (swapped in after the check)', () => {
    const base = fs.realpathSync(vol);
    expect(() => openComponents(base, ['to-host'], 'x')).toThrow('is a symlink');
    expect(() => openComponents(base, ['to-host', 'marker'], 'x')).toThrow(SubPathError);
  });

  it('creates missing directories with the volume root mode', () => {
    expect(open('new/dir').isDirectory()).toBe(true);
    expect(fs.statSync(path.join(vol, 'new', 'dir')).mode & 0o777).toBe(0o777);
  });

  it('binds /proc/<pid>/fd/<n> without canonicalising it, and refuses a bind that is not the checked inode', () => {
    const calls: Array<[string, string[]]> = [];
    const podDir = path.join(root, 'pod');
    // a fake mount that binds nothing: the verification by device and inode must catch it
    expect(() => prepareSubPath({ volumePath: vol, subPath: 'a/b', volumeName: 'v', containerName: 'c', index: 0, podDir, run: (cmd, args) => void calls.push([cmd, args]) })).toThrow('does not match');
    const target = path.join(podDir, 'volume-subpaths', 'v', 'c', '0');
    expect(calls[0]).toEqual(['mount', ['--no-canonicalize', '--bind', expect.stringMatching(new RegExp(`^/proc/${process.pid}/fd/\\d+$`)), target]]);
    expect(calls[1]).toEqual(['umount', [target]]);
  });
});
