// `kts image import FILE.tar`: loads OCI image layouts and `docker save` tarballs into the image store.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { MT, isIndex, pickPlatform, type Descriptor, type ImageIndex, type Manifest } from './media-types';
import { ImageStore, sha256, type ImageRecord } from './store';

function readJson(p: string): unknown {
  return JSON.parse(fs.readFileSync(p, 'utf8'));
}

function looksLikeName(n: string | undefined): n is string {
  return !!n && (n.includes('/') || n.includes(':')) && !/^[\w.-]+$/.test(n);
}

function importOciLayout(store: ImageStore, dir: string): ImageRecord[] {
  const blob = (d: string): Buffer => {
    const buf = fs.readFileSync(path.join(dir, 'blobs', 'sha256', d.replace(/^sha256:/, '')));
    store.putBlob(buf, d);
    return buf;
  };
  const out: ImageRecord[] = [];
  const visit = (desc: Descriptor, name: string | undefined): void => {
    const doc: unknown = JSON.parse(blob(desc.digest).toString('utf8'));
    if (isIndex(desc.mediaType, doc)) {
      const chosen = pickPlatform(doc as ImageIndex);
      if (chosen) visit(chosen, name);
      return;
    }
    const m = doc as Manifest;
    blob(m.config.digest);
    for (const l of m.layers) blob(l.digest);
    out.push(store.addImage(desc.digest, name ? [name] : []));
  };
  const index = readJson(path.join(dir, 'index.json')) as ImageIndex;
  for (const d of index.manifests) {
    const a = d.annotations ?? {};
    const name = a['io.containerd.image.name'] ?? (looksLikeName(a['org.opencontainers.image.ref.name']) ? a['org.opencontainers.image.ref.name'] : undefined);
    visit(d, name);
  }
  return out;
}

function importDockerSave(store: ImageStore, dir: string): ImageRecord[] {
  const entries = readJson(path.join(dir, 'manifest.json')) as { Config: string; RepoTags?: string[] | null; Layers: string[] }[];
  const out: ImageRecord[] = [];
  for (const e of entries) {
    const configBuf = fs.readFileSync(path.join(dir, e.Config));
    const configDigest = store.putBlob(configBuf);
    const layers: Descriptor[] = e.Layers.map((l) => {
      const buf = fs.readFileSync(path.join(dir, l));
      const gz = buf[0] === 0x1f && buf[1] === 0x8b;
      return { mediaType: gz ? MT.dockerLayerGzip : MT.dockerLayer, digest: store.putBlob(buf), size: buf.length };
    });
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MT.dockerManifest,
      config: { mediaType: MT.dockerConfig, digest: configDigest, size: configBuf.length },
      layers,
    };
    const mbuf = Buffer.from(JSON.stringify(manifest));
    const md = store.putBlob(mbuf);
    if (md !== sha256(mbuf)) throw new Error('internal digest error');
    out.push(store.addImage(md, e.RepoTags ?? []));
  }
  return out;
}

/** Imports every image in `file` (an OCI layout or docker-save tar) into the store under `rootDir`/images. */
export function importImageTarball(rootDir: string, file: string): ImageRecord[] {
  const store = new ImageStore(path.join(rootDir, 'images'));
  return importIntoStore(store, file);
}

export function importIntoStore(store: ImageStore, file: string): ImageRecord[] {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-import-'));
  try {
    execFileSync('tar', ['-xf', file, '-C', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (fs.existsSync(path.join(tmp, 'index.json')) && fs.existsSync(path.join(tmp, 'blobs'))) return importOciLayout(store, tmp);
    if (fs.existsSync(path.join(tmp, 'manifest.json'))) return importDockerSave(store, tmp);
    throw new Error(`${file} is neither an OCI image layout nor a docker-save tarball`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
