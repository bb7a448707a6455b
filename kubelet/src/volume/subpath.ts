// volumeMount.subPath, safely (upstream pkg/volume/util/subpath: doSafeMakeDir, safeOpenSubPath, doBindSubPath).
// A container can plant symlinks in a shared volume (emptyDir, hostPath), so the kubelet must never resolve a
// subPath by path string: it walks the path from the volume root one component at a time with O_PATH|O_NOFOLLOW
// (through /proc/self/fd/<parent>/<name>, Node's stand-in for openat), then bind-mounts /proc/<pid>/fd/<fd> — the
// very inode it checked, not a path a swapped symlink could redirect (CVE-2017-1002101) — onto a kubelet-private
// path, verifies the mount by device and inode, and hands that path to the runtime.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

/** open(2) O_PATH (Linux, same value on x86-64 and arm64); Node does not export it. */
const O_PATH = 0o10000000;
const OPEN_NOFOLLOW = O_PATH | fs.constants.O_NOFOLLOW;

export class SubPathError extends Error {}

export interface SubPathRequest {
  /** Host path of the volume (emptyDir dir, hostPath, …). */
  volumePath: string;
  subPath: string;
  volumeName: string;
  containerName: string;
  /** Index of the volumeMount in the container: one bind target per mount. */
  index: number;
  /** The pod's kubelet dir; binds go under <podDir>/volume-subpaths/. */
  podDir: string;
  /** mount(8)/umount(8) runner (tests pass a fake). */
  run?(cmd: 'mount' | 'umount', args: string[]): void;
}

const defaultRun = (cmd: 'mount' | 'umount', args: string[]): void => void execFileSync(cmd, args, { stdio: 'ignore' });

/** The components of a subPath; absolute paths and ".." are rejected (upstream ValidatePathNoBacksteps). */
export function subPathComponents(subPath: string): string[] {
  if (path.isAbsolute(subPath)) throw new SubPathError(`unable to provision SubPath \`${subPath}\`: must be a relative path`);
  const parts = subPath.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new SubPathError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
  if (subPath.includes('\0')) throw new SubPathError(`unable to provision SubPath \`${subPath}\`: invalid character`);
  return parts;
}

function within(base: string, p: string): boolean {
  const rel = path.relative(base, p);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * Where the subPath really is, as components under the (resolved) volume root: symlinks that stay inside the
 * volume are allowed, as upstream allows them; the part that does not exist yet is kept as given.
 */
export function resolveInside(base: string, parts: string[]): string[] {
  let existing = parts.length;
  while (existing > 0 && !fs.lstatSync(path.join(base, ...parts.slice(0, existing)), { throwIfNoEntry: false })) existing--;
  let resolved: string;
  try {
    resolved = fs.realpathSync(path.join(base, ...parts.slice(0, existing)));
  } catch (e) {
    // a dangling symlink: its target may be created outside the volume later
    throw new SubPathError(`subpath ${path.join(...parts)} cannot be resolved: ${(e as Error).message}`);
  }
  if (!within(base, resolved)) throw new SubPathError(`subpath ${JSON.stringify(resolved)} not within volume path ${JSON.stringify(base)}`);
  const rel = path.relative(base, resolved);
  return [...(rel ? rel.split(path.sep) : []), ...parts.slice(existing)];
}

/**
 * Opens the subPath with every component opened without following symlinks, creating missing directories with the
 * volume root's mode (upstream SafeMakeDir). Returns an O_PATH fd of the target; the caller closes it.
 */
export function openSubPath(volumePath: string, subPath: string): { fd: number; stat: fs.Stats } {
  const parts = subPathComponents(subPath);
  const base = fs.realpathSync(volumePath);
  return openComponents(base, resolveInside(base, parts), subPath);
}

/** Opens base/comps[0]/comps[1]/… refusing any symlink on the way (the TOCTOU guard of openSubPath). */
export function openComponents(base: string, comps: string[], subPath: string): { fd: number; stat: fs.Stats } {
  const mode = fs.statSync(base).mode & 0o7777;
  let fd = fs.openSync(base, OPEN_NOFOLLOW | fs.constants.O_DIRECTORY);
  try {
    for (let i = 0; i < comps.length; i++) {
      const name = comps[i] ?? '';
      const at = `/proc/self/fd/${fd}/${name}`;
      let next: number;
      try {
        next = fs.openSync(at, OPEN_NOFOLLOW);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        fs.mkdirSync(at, { mode }); // mkdir never follows a symlink in its last component
        // chmod past the umask through an fd of the new directory itself (chmod by path would follow a swapped link)
        const dfd = fs.openSync(at, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_DIRECTORY);
        try {
          fs.fchmodSync(dfd, mode);
        } finally {
          fs.closeSync(dfd);
        }
        next = fs.openSync(at, OPEN_NOFOLLOW);
      }
      fs.closeSync(fd);
      fd = next;
      const st = fs.fstatSync(fd);
      // a symlink here was planted after resolveInside looked (or points outside): refuse, never follow
      if (st.isSymbolicLink()) throw new SubPathError(`subpath component ${JSON.stringify(name)} of ${JSON.stringify(subPath)} is a symlink`);
      if (i < comps.length - 1 && !st.isDirectory()) throw new SubPathError(`subpath component ${JSON.stringify(name)} of ${JSON.stringify(subPath)} is not a directory`);
    }
    return { fd, stat: fs.fstatSync(fd) };
  } catch (e) {
    fs.closeSync(fd);
    throw e instanceof SubPathError ? e : new SubPathError((e as Error).message);
  }
}

function isMountPoint(p: string): boolean {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  const parent = fs.statSync(path.dirname(p), { throwIfNoEntry: false });
  if (!st || !parent) return false;
  if (st.dev !== parent.dev) return true;
  // a bind from the same filesystem keeps the device: ask the kernel
  try {
    return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => (l.split(' ')[4] ?? '') === p);
  } catch {
    return false;
  }
}

/**
 * Bind-mounts the checked subPath onto <podDir>/volume-subpaths/<volume>/<container>/<index> and returns that path,
 * which the runtime then binds into the container. A previous bind there (an earlier attempt) is replaced.
 */
export function prepareSubPath(req: SubPathRequest): string {
  const run = req.run ?? defaultRun;
  const { fd, stat } = openSubPath(req.volumePath, req.subPath);
  try {
    const dir = path.join(req.podDir, 'volume-subpaths', req.volumeName, req.containerName);
    fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
    const target = path.join(dir, String(req.index));
    while (isMountPoint(target)) {
      try {
        run('umount', [target]);
      } catch {
        run('umount', ['-l', target]);
      }
    }
    const cur = fs.lstatSync(target, { throwIfNoEntry: false });
    if (cur && cur.isDirectory() !== stat.isDirectory()) {
      if (cur.isDirectory()) fs.rmdirSync(target);
      else fs.unlinkSync(target);
    }
    if (!fs.lstatSync(target, { throwIfNoEntry: false })) {
      if (stat.isDirectory()) fs.mkdirSync(target, { mode: 0o750 });
      else fs.writeFileSync(target, '', { mode: 0o640, flag: 'wx' });
    }
    // --no-canonicalize: mount(8) must not resolve the /proc fd link back into a path string
    run('mount', ['--no-canonicalize', '--bind', `/proc/${process.pid}/fd/${fd}`, target]);
    const got = fs.statSync(target);
    if (got.dev !== stat.dev || got.ino !== stat.ino) {
      try {
        run('umount', [target]);
      } catch {
        run('umount', ['-l', target]);
      }
      throw new SubPathError(`subpath bind of ${JSON.stringify(req.subPath)} does not match what was checked`);
    }
    return target;
  } finally {
    fs.closeSync(fd);
  }
}
