// AtomicWriter (upstream pkg/volume/util/atomic_writer.go): a projection of files into a directory that readers
// always see whole. Files live in a timestamped directory "..<ts>"; "..data" is a symlink to it, swapped with
// rename(2); each user-visible path is a symlink through "..data".
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

const DATA = '..data';

function validPath(p: string): boolean {
  return p !== '' && !path.isAbsolute(p) && !p.split('/').some((s) => s === '..' || s.startsWith('..')) && !p.includes('\0');
}

function sameContent(dir: string, files: Map<string, FileProjection>): boolean {
  const cur = path.join(dir, DATA);
  let target: string;
  try {
    target = fs.readlinkSync(cur);
  } catch {
    return false;
  }
  const base = path.join(dir, target);
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
    try {
      const full = path.join(base, p);
      if (!fs.readFileSync(full).equals(f.data)) return false;
      if ((fs.statSync(full).mode & 0o777) !== (f.mode & 0o777)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Writes the projection; returns false when nothing changed. Stale files and old data dirs are removed. */
export function atomicWrite(dir: string, files: Map<string, FileProjection>, now: () => number = Date.now): boolean {
  for (const p of files.keys()) if (!validPath(p)) throw new Error(`invalid path ${JSON.stringify(p)} in projection`);
  fs.mkdirSync(dir, { recursive: true });
  if (sameContent(dir, files)) return false;
  let oldTarget: string | undefined;
  try {
    oldTarget = fs.readlinkSync(path.join(dir, DATA));
  } catch {
    oldTarget = undefined;
  }
  const d = new Date(now());
  const stamp = `..${d.toISOString().replace(/[-:]/g, '_').replace('T', '_').replace('Z', '')}${Math.random().toString(36).slice(2, 8)}`;
  const tsDir = path.join(dir, stamp);
  fs.mkdirSync(tsDir, { mode: 0o755 });
  for (const [p, f] of files) {
    const full = path.join(tsDir, p);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, f.data, { mode: f.mode & 0o777 });
    fs.chmodSync(full, f.mode & 0o777);
  }
  // swap ..data
  const tmpLink = path.join(dir, '..data_tmp');
  fs.rmSync(tmpLink, { force: true });
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
      fs.rmSync(link, { recursive: true, force: true });
      fs.symlinkSync(path.join(DATA, t), link);
    }
  }
  for (const e of fs.readdirSync(dir)) {
    if (e.startsWith('..')) continue;
    if (!tops.has(e)) fs.rmSync(path.join(dir, e), { recursive: true, force: true });
  }
  if (oldTarget && oldTarget !== stamp) fs.rmSync(path.join(dir, oldTarget), { recursive: true, force: true });
  return true;
}
