// Content-addressed image store on disk: blobs/sha256/<hex>, images.json (names -> manifest), unpacked layers shared
// between containers (layers/<hex> used as overlayfs lowerdirs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { normalizeReference, parseReference } from './reference';
import type { ImageConfig, Manifest } from './media-types';

export interface ImageRecord {
  /** Image id = config digest. */
  id: string;
  manifestDigest: string;
  repoTags: string[];
  repoDigests: string[];
  /** Sum of config and layer sizes. */
  size: number;
  layers: string[];
  config: ImageConfig;
  pinned?: boolean;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
}

function hexOf(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m || !m[1]) throw new Error(`unsupported digest ${digest}`);
  return m[1];
}

export class ImageStore {
  readonly root: string;
  private images = new Map<string, ImageRecord>();
  private unpacking = new Map<string, Promise<string>>();

  constructor(root: string) {
    this.root = root;
    fs.mkdirSync(path.join(root, 'blobs', 'sha256'), { recursive: true });
    fs.mkdirSync(path.join(root, 'layers'), { recursive: true });
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
    this.reload();
  }

  private loadedMtime = 0;

  /** Re-reads images.json when another process (e.g. `kts image import`) changed it. */
  private reload(): void {
    const idx = path.join(this.root, 'images.json');
    let mtime = 0;
    try {
      mtime = fs.statSync(idx).mtimeMs;
    } catch {
      return;
    }
    if (mtime === this.loadedMtime) return;
    const list = JSON.parse(fs.readFileSync(idx, 'utf8')) as ImageRecord[];
    this.images = new Map(list.map((r) => [r.id, r]));
    this.loadedMtime = mtime;
  }

  blobPath(digest: string): string {
    return path.join(this.root, 'blobs', 'sha256', hexOf(digest));
  }

  hasBlob(digest: string): boolean {
    return fs.existsSync(this.blobPath(digest));
  }

  readBlob(digest: string): Buffer {
    return fs.readFileSync(this.blobPath(digest));
  }

  /** Stores a blob, verifying it against `expected` when given. Returns its digest. */
  putBlob(data: Buffer, expected?: string): string {
    const d = sha256(data);
    if (expected && expected !== d) throw new Error(`digest mismatch: expected ${expected}, got ${d}`);
    const p = this.blobPath(d);
    if (!fs.existsSync(p)) {
      const tmp = path.join(this.root, 'tmp', `${hexOf(d)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`);
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, p);
    }
    return d;
  }

  private save(): void {
    const tmp = path.join(this.root, `images.json.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify([...this.images.values()], null, 1));
    fs.renameSync(tmp, path.join(this.root, 'images.json'));
    this.loadedMtime = fs.statSync(path.join(this.root, 'images.json')).mtimeMs;
  }

  /** Registers an image whose manifest and blobs are already stored; names are normalised and moved from older images. */
  addImage(manifestDigest: string, names: string[], repoDigests: string[] = []): ImageRecord {
    this.reload();
    const manifest = JSON.parse(this.readBlob(manifestDigest).toString('utf8')) as Manifest;
    const config = JSON.parse(this.readBlob(manifest.config.digest).toString('utf8')) as ImageConfig;
    const id = manifest.config.digest;
    const tags = names.map(normalizeReference).filter((n) => !n.includes('@'));
    for (const other of this.images.values()) {
      if (other.id === id) continue;
      other.repoTags = other.repoTags.filter((t) => !tags.includes(t));
    }
    const prev = this.images.get(id);
    const rec: ImageRecord = {
      id,
      manifestDigest,
      repoTags: [...new Set([...(prev?.repoTags ?? []), ...tags])],
      repoDigests: [...new Set([...(prev?.repoDigests ?? []), ...repoDigests])],
      size: manifest.config.size + manifest.layers.reduce((s, l) => s + l.size, 0),
      layers: manifest.layers.map((l) => l.digest),
      config,
      pinned: prev?.pinned,
    };
    this.images.set(id, rec);
    this.save();
    return rec;
  }

  list(): ImageRecord[] {
    this.reload();
    return [...this.images.values()];
  }

  /** Finds an image by name (normalised), repo digest, id or unique id prefix. */
  resolve(ref: string): ImageRecord | undefined {
    if (!ref) return undefined;
    this.reload();
    const byId = this.images.get(ref) ?? this.images.get(`sha256:${ref}`);
    if (byId) return byId;
    if (/^[0-9a-f]{12,64}$/.test(ref)) {
      const hits = [...this.images.values()].filter((r) => r.id.startsWith(`sha256:${ref}`));
      if (hits.length === 1) return hits[0];
    }
    let norm: string;
    try {
      norm = normalizeReference(ref);
    } catch {
      return undefined;
    }
    for (const r of this.images.values()) {
      if (r.repoTags.includes(norm) || r.repoDigests.includes(norm)) return r;
    }
    const parsed = parseReference(ref);
    if (parsed.digest) {
      for (const r of this.images.values()) if (r.manifestDigest === parsed.digest) return r;
    }
    return undefined;
  }

  remove(ref: string): boolean {
    const r = this.resolve(ref);
    // Removing a name that other names share only untags it; the image goes when its last name goes.
    const norm = (() => {
      try {
        return normalizeReference(ref);
      } catch {
        return '';
      }
    })();
    if (r && norm && r.repoTags.includes(norm) && r.repoTags.length > 1) {
      r.repoTags = r.repoTags.filter((t) => t !== norm);
      this.save();
      return true;
    }
    if (!r) return false;
    this.images.delete(r.id);
    this.save();
    // Blobs and unpacked layers are kept if another image shares them.
    const stillUsed = new Set<string>();
    for (const o of this.images.values()) {
      stillUsed.add(o.manifestDigest);
      stillUsed.add(o.id);
      for (const l of o.layers) stillUsed.add(l);
    }
    for (const d of [r.manifestDigest, r.id, ...r.layers]) {
      if (stillUsed.has(d)) continue;
      fs.rmSync(this.blobPath(d), { force: true });
    }
    for (const l of r.layers) {
      if (!stillUsed.has(l)) fs.rmSync(path.join(this.root, 'layers', hexOf(l)), { recursive: true, force: true });
    }
    return true;
  }

  /** Unpacks (once) every layer and returns their directories, lowest first. */
  async layerDirs(rec: ImageRecord): Promise<string[]> {
    const dirs: string[] = [];
    for (const l of rec.layers) dirs.push(await this.unpackLayer(l));
    return dirs;
  }

  private unpackLayer(digest: string): Promise<string> {
    const dir = path.join(this.root, 'layers', hexOf(digest));
    if (fs.existsSync(dir)) return Promise.resolve(dir);
    let p = this.unpacking.get(digest);
    if (!p) {
      p = Promise.resolve().then(() => {
        const tmp = path.join(this.root, 'tmp', `layer-${hexOf(digest)}-${crypto.randomBytes(4).toString('hex')}`);
        fs.mkdirSync(tmp);
        // GNU tar detects gzip by itself; numeric owners as in the image.
        execFileSync('tar', ['-xf', this.blobPath(digest), '-C', tmp, '--numeric-owner', '--same-permissions'], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        convertWhiteouts(tmp);
        fs.renameSync(tmp, dir);
        return dir;
      });
      this.unpacking.set(digest, p);
      p.finally(() => this.unpacking.delete(digest)).catch(() => undefined);
    }
    return p;
  }

  usage(): { bytes: number; inodes: number } {
    let bytes = 0;
    let inodes = 0;
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        inodes++;
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) bytes += fs.statSync(p).size;
      }
    };
    try {
      walk(this.root);
    } catch {
      /* racing removals */
    }
    return { bytes, inodes };
  }
}

/** OCI whiteouts (.wh.NAME) become overlayfs whiteouts (0/0 char devices); opaque markers become the xattr. */
function convertWhiteouts(dir: string): void {
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.name === '.wh..wh..opq') {
        fs.rmSync(p);
        try {
          execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', d], { stdio: 'ignore' });
        } catch {
          /* setfattr missing: opaque dirs are not honoured */
        }
      } else if (e.name.startsWith('.wh.')) {
        fs.rmSync(p, { force: true });
        execFileSync('mknod', [path.join(d, e.name.slice(4)), 'c', '0', '0']);
      } else if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
}
