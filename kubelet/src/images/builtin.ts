// Built-in images, built deterministically from /usr/bin/busybox: busybox (busybox:latest) and the pause image.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { buildTar, type TarEntry } from './tar';
import { MT, type ImageConfig, type Manifest } from './media-types';
import { sha256, type ImageStore } from './store';

export const BUSYBOX_IMAGE = 'docker.io/library/busybox:latest';
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.9';
const MTIME = 946684800; // 2000-01-01T00:00:00Z, fixed so the digest is stable
const CREATED = '2000-01-01T00:00:00Z';
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface BuiltLayer {
  tar: Buffer;
  gz: Buffer;
}

/** The busybox rootfs layer: /bin/busybox, a symlink per applet, /etc/passwd, /etc/group, /tmp, /root, /var/www. */
export function buildBusyboxLayer(busyboxPath = '/usr/bin/busybox'): BuiltLayer {
  const bin = fs.readFileSync(busyboxPath);
  const applets = execFileSync(busyboxPath, ['--list'], { encoding: 'utf8' })
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'busybox' && /^[A-Za-z0-9_.\-[\]]+$/.test(s))
    .sort();
  const d = (name: string, mode = 0o755): TarEntry => ({ name, type: 'dir', mode, mtime: MTIME });
  const f = (name: string, data: string | Buffer, mode = 0o644): TarEntry => ({
    name,
    type: 'file',
    mode,
    data: Buffer.isBuffer(data) ? data : Buffer.from(data),
    mtime: MTIME,
  });
  const entries: TarEntry[] = [
    d('bin'),
    f('bin/busybox', bin, 0o755),
    ...applets.map((a): TarEntry => ({ name: `bin/${a}`, type: 'symlink', mode: 0o777, linkname: 'busybox', mtime: MTIME })),
    d('dev'),
    d('etc'),
    f('etc/group', 'root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n'),
    f('etc/passwd', 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n'),
    d('proc'),
    d('root', 0o700),
    d('sys'),
    d('tmp', 0o1777),
    d('var'),
    d('var/www'),
  ];
  const tar = buildTar(entries);
  return { tar, gz: zlib.gzipSync(tar, { level: 6 }) };
}

function storeImage(store: ImageStore, layer: BuiltLayer, cfg: ImageConfig['config'], name: string): string {
  const layerDigest = store.putBlob(layer.gz);
  const config: ImageConfig & { created: string; history: unknown[] } = {
    architecture: 'amd64',
    os: 'linux',
    created: CREATED,
    config: cfg,
    rootfs: { type: 'layers', diff_ids: [sha256(layer.tar)] },
    history: [{ created: CREATED, created_by: 'kubets built-in image from /usr/bin/busybox' }],
  };
  const configBuf = Buffer.from(JSON.stringify(config));
  const configDigest = store.putBlob(configBuf);
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, digest: configDigest, size: configBuf.length },
    layers: [{ mediaType: MT.ociLayerGzip, digest: layerDigest, size: layer.gz.length }],
  };
  const manifestDigest = store.putBlob(Buffer.from(JSON.stringify(manifest)));
  store.addImage(manifestDigest, [name]);
  return manifestDigest;
}

/** Ensures busybox and pause exist in the store (no work if both names already resolve). */
export function ensureBuiltinImages(store: ImageStore, busyboxPath = '/usr/bin/busybox'): void {
  if (store.resolve(BUSYBOX_IMAGE) && store.resolve(PAUSE_IMAGE)) return;
  const layer = buildBusyboxLayer(busyboxPath);
  if (!store.resolve(BUSYBOX_IMAGE)) storeImage(store, layer, { Env: [PATH_ENV], Cmd: ['sh'] }, BUSYBOX_IMAGE);
  if (!store.resolve(PAUSE_IMAGE)) storeImage(store, layer, { Env: [PATH_ENV], Entrypoint: ['/bin/sleep', 'infinity'] }, PAUSE_IMAGE);
}

/** Writes an OCI image layout for `name` from the store into `dir` (used by tests and `skopeo copy oci:`). */
export function exportOciLayout(store: ImageStore, name: string, dir: string, refName = name): void {
  const rec = store.resolve(name);
  if (!rec) throw new Error(`image ${name} not found`);
  fs.mkdirSync(`${dir}/blobs/sha256`, { recursive: true });
  const manifest = JSON.parse(store.readBlob(rec.manifestDigest).toString('utf8')) as Manifest;
  for (const d of [rec.manifestDigest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) {
    fs.copyFileSync(store.blobPath(d), `${dir}/blobs/sha256/${d.slice(7)}`);
  }
  fs.writeFileSync(`${dir}/oci-layout`, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const size = fs.statSync(store.blobPath(rec.manifestDigest)).size;
  fs.writeFileSync(
    `${dir}/index.json`,
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MT.ociManifest,
          digest: rec.manifestDigest,
          size,
          annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': refName },
        },
      ],
    }),
  );
}
