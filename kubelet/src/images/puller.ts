// Pulls images from an OCI distribution registry over HTTP(S): manifest lists/indexes (linux/amd64), OCI and Docker
// media types, digest verification, and Basic or Bearer auth challenges.
import { MANIFEST_ACCEPT, isIndex, pickPlatform, type ImageIndex, type Manifest } from './media-types';
import { parseReference, repoName } from './reference';
import { sha256, type ImageStore, type ImageRecord } from './store';

export interface PullAuth {
  username?: string;
  password?: string;
  /** base64 "user:password" */
  auth?: string;
  registryToken?: string;
  identityToken?: string;
}

export interface PullOptions {
  auth?: PullAuth;
  /** Registries (host[:port]) reached over plain HTTP. Loopback hosts always use HTTP. */
  insecureRegistries?: string[];
  fetchImpl?: typeof fetch;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, '');
  return h === 'localhost' || h.startsWith('127.') || h === '[::1]';
}

function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const sp = header.indexOf(' ');
  const scheme = (sp < 0 ? header : header.slice(0, sp)).toLowerCase();
  const params: Record<string, string> = {};
  const re = /(\w+)="([^"]*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header))) if (m[1]) params[m[1]] = m[2] ?? '';
  return { scheme, params };
}

class RegistryClient {
  private authHeader: string | undefined;
  constructor(
    private readonly base: string,
    private readonly auth: PullAuth | undefined,
    private readonly f: typeof fetch,
  ) {
    if (auth?.registryToken) this.authHeader = `Bearer ${auth.registryToken}`;
  }

  private basic(): string | undefined {
    if (this.auth?.auth) return `Basic ${this.auth.auth}`;
    if (this.auth?.username !== undefined && this.auth.username !== '')
      return `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password ?? ''}`).toString('base64')}`;
    return undefined;
  }

  async get(pathname: string, accept?: string): Promise<Response> {
    const doFetch = (): Promise<Response> => {
      const headers: Record<string, string> = {};
      if (accept) headers['Accept'] = accept;
      if (this.authHeader) headers['Authorization'] = this.authHeader;
      return this.f(this.base + pathname, { headers, redirect: 'follow' });
    };
    let res = await doFetch();
    if (res.status === 401) {
      const challenge = res.headers.get('www-authenticate') ?? '';
      await res.arrayBuffer().catch(() => undefined);
      await this.answer(challenge);
      res = await doFetch();
    }
    return res;
  }

  private async answer(challenge: string): Promise<void> {
    const { scheme, params } = parseChallenge(challenge);
    if (scheme === 'basic') {
      const b = this.basic();
      if (!b) throw new Error('registry requires basic auth and no credentials were given');
      this.authHeader = b;
      return;
    }
    if (scheme !== 'bearer' || !params['realm']) throw new Error(`unsupported auth challenge: ${challenge}`);
    const u = new URL(params['realm']);
    if (params['service']) u.searchParams.set('service', params['service']);
    if (params['scope']) u.searchParams.set('scope', params['scope']);
    const headers: Record<string, string> = {};
    const b = this.basic();
    if (b) headers['Authorization'] = b;
    const res = await this.f(u.toString(), { headers });
    if (!res.ok) throw new Error(`token request to ${u.origin} failed: ${res.status}`);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error('token response carried no token');
    this.authHeader = `Bearer ${token}`;
  }
}

async function body(res: Response, what: string): Promise<Buffer> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Pulls `ref` into the store and returns the image record (its repoDigests include name@manifestDigest). */
export async function pullImage(store: ImageStore, ref: string, opts: PullOptions = {}): Promise<ImageRecord> {
  const r = parseReference(ref);
  const host = r.domain === 'docker.io' ? 'registry-1.docker.io' : r.domain;
  const plain = isLoopback(host) || (opts.insecureRegistries ?? []).includes(r.domain);
  const client = new RegistryClient(`${plain ? 'http' : 'https'}://${host}`, opts.auth, opts.fetchImpl ?? fetch);
  const repo = r.path;

  const getManifest = async (reference: string, expected?: string): Promise<{ doc: unknown; digest: string; type?: string }> => {
    const res = await client.get(`/v2/${repo}/manifests/${reference}`, MANIFEST_ACCEPT);
    const buf = await body(res, `manifest ${repo}:${reference}`);
    const digest = sha256(buf);
    if (expected && digest !== expected) throw new Error(`manifest digest mismatch: expected ${expected}, got ${digest}`);
    const header = res.headers.get('docker-content-digest');
    if (header && header.startsWith('sha256:') && header !== digest) throw new Error(`manifest digest mismatch with registry header ${header}`);
    store.putBlob(buf, digest);
    const doc: unknown = JSON.parse(buf.toString('utf8'));
    const type = res.headers.get('content-type')?.split(';')[0] ?? (doc as { mediaType?: string }).mediaType;
    return { doc, digest, type };
  };

  const top = await getManifest(r.digest ?? r.tag ?? 'latest', r.digest);
  if (isIndex(top.type, top.doc)) {
    const chosen = pickPlatform(top.doc as ImageIndex);
    if (!chosen) throw new Error(`no linux/amd64 manifest in ${ref}`);
    await getManifest(chosen.digest, chosen.digest);
    // The repo digest names what was asked for (the index); the platform manifest is the stored image.
    return finish(chosen.digest, top.digest);
  }
  return finish(top.digest, top.digest);

  async function finish(manifestDigest: string, repoDigest: string): Promise<ImageRecord> {
    const manifest = JSON.parse(store.readBlob(manifestDigest).toString('utf8')) as Manifest;
    if (!manifest.config || !Array.isArray(manifest.layers)) throw new Error(`unsupported manifest in ${ref}`);
    for (const d of [manifest.config, ...manifest.layers]) {
      if (store.hasBlob(d.digest)) continue;
      const res = await client.get(`/v2/${repo}/blobs/${d.digest}`);
      store.putBlob(await body(res, `blob ${d.digest}`), d.digest);
    }
    const names = r.tag ? [`${repoName(r)}:${r.tag}`] : [];
    return store.addImage(manifestDigest, names, [`${repoName(r)}@${repoDigest}`]);
  }
}
