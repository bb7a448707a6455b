import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageStore, sha256 } from './store';
import { pullImage } from './puller';
import { MT } from './media-types';

/** A fake registry behind a fake fetch: bearer auth, an index with two platforms. */
function fakeRegistry(opts: { corrupt?: boolean } = {}) {
  const blobs = new Map<string, Buffer>();
  const put = (b: Buffer): string => {
    const d = sha256(b);
    blobs.set(d, b);
    return d;
  };
  const layer = Buffer.from('not really a tar');
  const layerD = put(layer);
  const mk = (arch: string): { buf: Buffer; d: string; cfgD: string } => {
    const cfg = Buffer.from(JSON.stringify({ architecture: arch, os: 'linux', config: { Cmd: ['sh'] } }));
    const cfgD = put(cfg);
    const m = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.dockerManifest, config: { mediaType: MT.dockerConfig, digest: cfgD, size: cfg.length }, layers: [{ mediaType: MT.dockerLayerGzip, digest: layerD, size: layer.length }] }));
    return { buf: m, d: put(m), cfgD };
  };
  const amd = mk('amd64');
  const arm = mk('arm64');
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.dockerList, manifests: [
    { mediaType: MT.dockerManifest, digest: arm.d, size: arm.buf.length, platform: { architecture: 'arm64', os: 'linux' } },
    { mediaType: MT.dockerManifest, digest: amd.d, size: amd.buf.length, platform: { architecture: 'amd64', os: 'linux' } },
  ] }));
  const indexD = put(index);
  const seen: { url: string; auth?: string; accept?: string }[] = [];
  const f = (async (input: string | URL, init?: { headers?: Record<string, string> }) => {
    const url = new URL(String(input));
    const h = init?.headers ?? {};
    seen.push({ url: url.toString(), auth: h['Authorization'], accept: h['Accept'] });
    if (url.host === 'auth.example') {
      if (h['Authorization'] !== `Basic ${Buffer.from('u:p').toString('base64')}`) return new Response('no', { status: 401 });
      return Response.json({ token: 'tok123' });
    }
    if (h['Authorization'] !== 'Bearer tok123') {
      return new Response('', { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example/token",service="reg",scope="repository:lib/app:pull"' } });
    }
    const m = /^\/v2\/lib\/app\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    if (!m) return new Response('', { status: 404 });
    if (m[1] === 'manifests') {
      const ref = m[2] === 'latest' ? indexD : m[2]!;
      const b = blobs.get(ref);
      if (!b) return new Response('', { status: 404 });
      const type = ref === indexD ? MT.dockerList : MT.dockerManifest;
      return new Response(b, { status: 200, headers: { 'content-type': type, 'docker-content-digest': ref } });
    }
    let b = blobs.get(m[2]!);
    if (!b) return new Response('', { status: 404 });
    if (opts.corrupt && m[2] === layerD) b = Buffer.from('tampered');
    return new Response(b, { status: 200 });
  }) as unknown as typeof fetch;
  return { f, seen, amd, indexD };
}

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-puller-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('bearer auth, manifest list -> linux/amd64, Accept lists OCI and Docker types', async () => {
  const reg = fakeRegistry();
  const store = new ImageStore(dir);
  const rec = await pullImage(store, 'reg.example/lib/app', { fetchImpl: reg.f, auth: { username: 'u', password: 'p' } });
  expect(rec.id).toBe(reg.amd.cfgD);
  expect(rec.repoTags).toEqual(['reg.example/lib/app:latest']);
  expect(rec.repoDigests).toEqual([`reg.example/lib/app@${reg.indexD}`]);
  const tokenReq = reg.seen.find((s) => s.url.startsWith('https://auth.example/token'));
  expect(tokenReq?.url).toContain('scope=repository%3Alib%2Fapp%3Apull');
  const manifestReq = reg.seen.find((s) => s.url.includes('/manifests/'));
  for (const t of [MT.ociIndex, MT.ociManifest, MT.dockerList, MT.dockerManifest]) expect(manifestReq?.accept).toContain(t);
  expect(reg.seen.every((s) => s.url.startsWith('https://'))).toBe(true);
});

test('blob digest mismatch fails the pull', async () => {
  const reg = fakeRegistry({ corrupt: true });
  await expect(pullImage(new ImageStore(dir), 'reg.example/lib/app:latest', { fetchImpl: reg.f, auth: { username: 'u', password: 'p' } })).rejects.toThrow(/digest mismatch/);
});

test('bad credentials fail at the token endpoint', async () => {
  const reg = fakeRegistry();
  await expect(pullImage(new ImageStore(dir), 'reg.example/lib/app', { fetchImpl: reg.f, auth: { username: 'u', password: 'wrong' } })).rejects.toThrow(/token request/);
});
