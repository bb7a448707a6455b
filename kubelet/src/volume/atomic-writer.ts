// AtomicWriter (upstream pkg/volume/util/atomic_writer.go): a projection of files into a directory that readers
// always see whole. Files live in a timestamped directory "..<ts>"; "..data" is a symlink to it, swapped with
// rename(2); each user-visible path is a symlink through "..data".
//
// The kubelet runs as root and the volume is shared with containers, so nothing here trusts what it finds in the
// volume: "..data" is read with readlink and accepted only when it names a sibling "..<ts>" that lstat shows is a
// real directory; removal never follows a symlink (a hostile "..data -> /etc" must never make us delete /etc).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

const DATA = '..data';
const DATA_TMP = '..data_tmp';
/** Names of payload directories we create: "..2024_01_02_03_04_05.123" plus a random suffix. */
const PAYLOAD_DIR = /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d{3}[a-z0-9]*$/;

function validPath(p: string): boolean {
  return p !== '' && !path.isAbsolute(p) && !p.split('/').some((s) => s === '..' || s.startsWith('..')) && !p.includes('\0');
}

/** A real directory (not a symlink) directly inside `dir`, named like a payload dir. */
function isPayloadDir(dir: string, name: string): boolean {
  if (!PAYLOAD_DIR.test(name)) return false;
  return !!fs.lstatSync(path.join(dir, name), { throwIfNoEntry: false })?.isDirectory();
}

/** The current payload dir's name, or undefined when "..data" is missing or not one of ours. */
export function currentPayload(dir: string): string | undefined {
  const st = fs.lstatSync(path.join(dir, DATA), { throwIfNoEntry: false });
  if (!st?.isSymbolicLink()) return undefined;
  const target = fs.readlinkSync(path.join(dir, DATA));
  return isPayloadDir(dir, target) ? target : undefined;
}

/**
 * Removes `p` without ever following a symlink: links and files are unlinked, directories emptied the same way.
 * `p` itself is checked with lstat, so a link is removed, never what it points to.
 */
export function removeNoFollow(p: string): void {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return;
  if (!st.isDirectory()) {
    fs.unlinkSync(p);
    return;
  }
  for (const e of fs.readdirSync(p)) removeNoFollow(path.join(p, e));
  fs.rmdirSync(p);
}

/** Reads a regular file under the payload dir without following links (O_NOFOLLOW on the last component). */
function readNoFollow(p: string): { data: Buffer; mode: number } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return undefined;
    return { data: fs.readFileSync(fd), mode: st.mode & 0o777 };
  } finally {
    fs.closeSync(fd);
  }
}

function sameContent(dir: string, cur: string | undefined, files: Map<string, FileProjection>): boolean {
  if (!cur) return false;
  const base = path.join(dir, cur);
  const existing = new Set<string>();
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else existing.add(r);
    }
  };
  try {
    walk(base, '');
  } catch {
    return false;
  }
  if (existing.size !== files.size) return false;
  for (const [p, f] of files) {
    if (!existing.has(p)) return false;
    const got = readNoFollow(path.join(base, p));
    if (!got || !got.data.equals(f.data) || got.mode !== (f.mode & 0o777)) return false;
  }
  return true;
}

function stampOf(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.123Z
  return `..${iso.replace(/[-:]/g, '_').replace('T', '_').replace('Z', '')}${Math.random().toString(36).slice(2, 8)}`;
}

/** Writes the projection; returns false when nothing changed. Stale files and old payload dirs are removed. */
export function atomicWrite(dir: string, files: Map<string, FileProjection>, now: () => number = Date.now): boolean {
  for (const p of files.keys()) if (!validPath(p)) throw new Error(`invalid path ${JSON.stringify(p)} in projection`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const dirSt = fs.lstatSync(dir);
  if (!dirSt.isDirectory()) throw new Error(`volume dir ${dir} is not a directory`);
  const cur = currentPayload(dir);
  if (sameContent(dir, cur, files)) return false;
  const stamp = stampOf(now());
  const tsDir = path.join(dir, stamp);
  // 0755 like upstream: containers of any uid read through it; the file modes decide what they may read.
  fs.mkdirSync(tsDir, { mode: 0o755 });
  fs.chmodSync(tsDir, 0o755);
  for (const [p, f] of files) {
    const full = path.join(tsDir, p);
    fs.mkdirSync(path.dirname(full), { recursive: true, mode: 0o755 });
    fs.writeFileSync(full, f.data, { mode: f.mode & 0o777, flag: 'wx' });
    fs.chmodSync(full, f.mode & 0o777);
  }
  // swap ..data
  const tmpLink = path.join(dir, DATA_TMP);
  removeNoFollow(tmpLink);
  fs.symlinkSync(stamp, tmpLink);
  fs.renameSync(tmpLink, path.join(dir, DATA));
  // user-visible top-level symlinks
  const tops = new Set([...files.keys()].map((p) => p.split('/')[0] ?? p));
  for (const t of tops) {
    const link = path.join(dir, t);
    let ok = false;
    try {
      ok = fs.readlinkSync(link) === path.join(DATA, t);
    } catch {
      ok = false;
    }
    if (!ok) {
      removeNoFollow(link);
      fs.symlinkSync(path.join(DATA, t), link);
    }
  }
  // Stale user-visible paths and every old payload dir we recognise; anything else starting with ".." is left alone.
  for (const e of fs.readdirSync(dir)) {
    if (e === DATA || e === stamp) continue;
    if (e.startsWith('..')) {
      if (isPayloadDir(dir, e)) removeNoFollow(path.join(dir, e));
      continue;
    }
    if (!tops.has(e)) removeNoFollow(path.join(dir, e));
  }
  return true;
}
