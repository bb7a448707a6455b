// Image service: pulls from a real docker-registry (OCI and Docker media types, index selection, basic auth),
// tarball import (OCI layout and docker save), built-in images, and running a pulled image.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { importImageTarball, runImageImport } from '@kubets/kubelet/runtime';
import { ImageStore, exportOciLayout, MT, sha256, BUSYBOX_IMAGE, PAUSE_IMAGE, type Manifest } from '@kubets/kubelet/images';
import { runPod, startTestRuntime, waitExited, type TestRuntime } from '../harness/runtime';
import { push, startRegistry, type Registry } from './registry-helpers';

jest.setTimeout(120000);

let t: TestRuntime;
let reg: Registry;
let authReg: Registry | undefined;
let tmp: string;
beforeAll(async () => {
  t = await startTestRuntime(204);
  reg = await startRegistry();
  // htpasswd needs a bcrypt hash (python3 crypt); without it the basic-auth case is skipped.
  authReg = await startRegistry({ user: 'kts', password: 's3cret' }).catch(() => undefined);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-img-'));
});
afterAll(async () => {
  await reg?.stop();
  await authReg?.stop();
  await t?.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function busybox(): { store: ImageStore; manifest: Manifest; manifestBuf: Buffer; blobs: { digest: string; data: Buffer }[] } {
  const store = t.running.runtime.images;
  const rec = store.resolve('busybox')!;
  const manifestBuf = store.readBlob(rec.manifestDigest);
  const manifest = JSON.parse(manifestBuf.toString()) as Manifest;
  const blobs = [manifest.config, ...manifest.layers].map((d) => ({ digest: d.digest, data: store.readBlob(d.digest) }));
  return { store, manifest, manifestBuf, blobs };
}

test('built-in busybox and pause images have stable digests and all three busybox names', async () => {
  for (const name of ['busybox', 'busybox:latest', 'docker.io/library/busybox:latest', PAUSE_IMAGE]) {
    const r = (await t.clients.img('ImageStatus', { image: { image: name } })) as { image?: { id: string; repo_tags: string[] } };
    expect(r.image?.id).toMatch(/^sha256:/);
  }
  const other = new ImageStore(path.join(tmp, 'store2'));
  const { ensureBuiltinImages } = await import('@kubets/kubelet/images');
  ensureBuiltinImages(other);
  expect(other.resolve(BUSYBOX_IMAGE)?.manifestDigest).toBe(t.running.runtime.images.resolve(BUSYBOX_IMAGE)?.manifestDigest);
  const list = (await t.clients.img('ListImages', {})) as { images: { repo_tags: string[]; pinned: boolean }[] };
  expect(list.images.find((i) => i.repo_tags.includes(PAUSE_IMAGE))?.pinned).toBe(true);
  const bbId = t.running.runtime.images.resolve('busybox')?.id;
  expect(((await t.clients.img('PullImage', { image: { image: 'busybox' } })) as { image_ref: string }).image_ref).toBe(bbId); // local, no network
  const fsInfo = (await t.clients.img('ImageFsInfo', {})) as { image_filesystems: { used_bytes: { value: number } }[] };
  expect(fsInfo.image_filesystems[0]?.used_bytes.value).toBeGreaterThan(1000000);
});

test('pull an OCI image by tag and by digest, run it, remove it', async () => {
  const bb = busybox();
  const digest = await push(reg.host, 'test/bb', '1', bb.blobs, bb.manifestBuf, MT.ociManifest);
  expect(digest).toBe(sha256(bb.manifestBuf));
  const name = `${reg.host}/test/bb:1`;
  // make the store need the blobs: a fresh runtime store would; here the blobs exist, so pull verifies and re-links
  const res = (await t.clients.img('PullImage', { image: { image: name } })) as { image_ref: string };
  expect(res.image_ref).toBe(bb.manifest.config.digest);
  const st = (await t.clients.img('ImageStatus', { image: { image: name } })) as { image: { repo_tags: string[]; repo_digests: string[] } };
  expect(st.image.repo_tags).toContain(name);
  expect(st.image.repo_digests).toContain(`${reg.host}/test/bb@${digest}`);
  await t.clients.img('PullImage', { image: { image: `${reg.host}/test/bb@${digest}` } });

  const { podId, ctrId } = await runPod(t.clients, 'pulled', ['sh', '-c', 'echo ran-pulled'], { ctr: { image: { image: name } } });
  expect(await waitExited(t.clients, ctrId)).toMatchObject({ exit_code: 0 });
  await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
});

test('pull into an empty store: blobs fetched and verified; Docker media types; index picks linux/amd64', async () => {
  const bb = busybox();
  // Docker v2s2 manifest for the same blobs
  const docker = {
    schemaVersion: 2,
    mediaType: MT.dockerManifest,
    config: { ...bb.manifest.config, mediaType: MT.dockerConfig },
    layers: bb.manifest.layers.map((l) => ({ ...l, mediaType: MT.dockerLayerGzip })),
  };
  const dockerBuf = Buffer.from(JSON.stringify(docker));
  await push(reg.host, 'test/docker', 'v2', bb.blobs, dockerBuf, MT.dockerManifest);
  // An index with an arm64 decoy (the pause manifest) and the amd64 busybox manifest
  const pause = bb.store.resolve(PAUSE_IMAGE)!;
  const pauseBuf = bb.store.readBlob(pause.manifestDigest);
  const pauseM = JSON.parse(pauseBuf.toString()) as Manifest;
  await push(reg.host, 'test/multi', 'decoy', [pauseM.config, ...pauseM.layers].map((d) => ({ digest: d.digest, data: bb.store.readBlob(d.digest) })), pauseBuf, MT.ociManifest);
  await push(reg.host, 'test/multi', 'amd', bb.blobs, bb.manifestBuf, MT.ociManifest);
  const index = {
    schemaVersion: 2,
    mediaType: MT.ociIndex,
    manifests: [
      { mediaType: MT.ociManifest, digest: pause.manifestDigest, size: pauseBuf.length, platform: { architecture: 'arm64', os: 'linux' } },
      { mediaType: MT.ociManifest, digest: sha256(bb.manifestBuf), size: bb.manifestBuf.length, platform: { architecture: 'amd64', os: 'linux' } },
    ],
  };
  const indexBuf = Buffer.from(JSON.stringify(index));
  await push(reg.host, 'test/multi', 'latest', [], indexBuf, MT.ociIndex);

  const { pullImage } = await import('@kubets/kubelet/images');
  const store = new ImageStore(path.join(tmp, 'empty-store'));
  const d = await pullImage(store, `${reg.host}/test/docker:v2`);
  expect(d.id).toBe(bb.manifest.config.digest);
  expect(store.hasBlob(bb.manifest.layers[0]!.digest)).toBe(true);
  const m = await pullImage(store, `${reg.host}/test/multi`);
  expect(m.id).toBe(bb.manifest.config.digest);
  expect(m.repoDigests).toContain(`${reg.host}/test/multi@${sha256(indexBuf)}`);
  const dirs = await store.layerDirs(m);
  expect(fs.existsSync(path.join(dirs[0]!, 'bin', 'busybox'))).toBe(true);
  await expect(pullImage(store, `${reg.host}/test/multi@sha256:${'0'.repeat(64)}`)).rejects.toThrow();
});

test('basic auth challenge', async () => {
  if (!authReg) return console.warn('no bcrypt available: basic-auth registry case skipped');
  const bb = busybox();
  const auth = `Basic ${Buffer.from('kts:s3cret').toString('base64')}`;
  await push(authReg.host, 'private/bb', '1', bb.blobs, bb.manifestBuf, MT.ociManifest, auth);
  const name = `${authReg.host}/private/bb:1`;
  await expect(t.clients.img('PullImage', { image: { image: name } })).rejects.toThrow(/credentials|401/);
  const r = (await t.clients.img('PullImage', { image: { image: name }, auth: { username: 'kts', password: 's3cret' } })) as { image_ref: string };
  expect(r.image_ref).toBe(bb.manifest.config.digest);
});

test('import OCI-layout and docker-save tarballs', async () => {
  const bb = busybox();
  // OCI layout tar, named through the containerd annotation
  const layout = path.join(tmp, 'layout');
  exportOciLayout(bb.store, 'busybox', layout, 'example.com/imported/oci:1');
  const ann = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: { annotations: Record<string, string> }[] };
  ann.manifests[0]!.annotations['io.containerd.image.name'] = 'example.com/imported/oci:1';
  fs.writeFileSync(path.join(layout, 'index.json'), JSON.stringify(ann));
  const ociTar = path.join(tmp, 'oci.tar');
  execFileSync('tar', ['-cf', ociTar, '-C', layout, '.']);
  const recs = importImageTarball(t.rootDir, ociTar);
  expect(recs[0]?.repoTags).toContain('example.com/imported/oci:1');

  // docker save: manifest.json + config + uncompressed layer.tar
  const ds = path.join(tmp, 'dsave');
  fs.mkdirSync(path.join(ds, 'layer1'), { recursive: true });
  const layerTar = zlib.gunzipSync(bb.store.readBlob(bb.manifest.layers[0]!.digest));
  fs.writeFileSync(path.join(ds, 'layer1', 'layer.tar'), layerTar);
  const cfgName = `${bb.manifest.config.digest.slice(7)}.json`;
  fs.writeFileSync(path.join(ds, cfgName), bb.store.readBlob(bb.manifest.config.digest));
  fs.writeFileSync(path.join(ds, 'manifest.json'), JSON.stringify([{ Config: cfgName, RepoTags: ['imported/dsave:2'], Layers: ['layer1/layer.tar'] }]));
  const dsTar = path.join(tmp, 'dsave.tar');
  execFileSync('tar', ['-cf', dsTar, '-C', ds, '.']);
  const lines: string[] = [];
  expect(runImageImport([dsTar, '--root-dir', t.rootDir], (l) => lines.push(l))).toBe(0); // `kts image import`
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/docker\.io\/imported\/dsave:2.* sha256:[0-9a-f]{64}$/);

  // the running runtime's store picks up images imported on disk by another process
  for (const name of ['example.com/imported/oci:1', 'imported/dsave:2']) {
    const { podId, ctrId } = await runPod(t.clients, `imp${name.length}`, ['sh', '-c', 'test -x /bin/busybox'], { ctr: { image: { image: name } } });
    expect(await waitExited(t.clients, ctrId)).toMatchObject({ exit_code: 0 });
    await t.clients.rt('RemovePodSandbox', { pod_sandbox_id: podId });
  }
  await t.clients.img('RemoveImage', { image: { image: 'imported/dsave:2' } });
  expect(((await t.clients.img('ImageStatus', { image: { image: 'imported/dsave:2' } })) as { image?: unknown }).image).toBeFalsy();
  expect(((await t.clients.img('ImageStatus', { image: { image: 'busybox' } })) as { image?: unknown }).image).toBeTruthy();
});
