// Test helpers: a real docker-registry on 127.0.0.1:<free port> and a small OCI distribution push client.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export interface Registry {
  host: string;
  stop(): Promise<void>;
}

/** Starts `docker-registry serve` with filesystem storage in a temp dir; optional htpasswd basic auth. */
export async function startRegistry(auth?: { user: string; password: string }): Promise<Registry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-registry-'));
  const port = await freePort();
  let authYaml = '';
  if (auth) {
    const hash = execFileSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', auth.password], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (!hash.startsWith('$2')) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error('bcrypt unavailable');
    }
    fs.writeFileSync(path.join(dir, 'htpasswd'), `${auth.user}:${hash}\n`);
    authYaml = `auth:\n  htpasswd:\n    realm: kts-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
  }
  const cfg = path.join(dir, 'config.yml');
  fs.writeFileSync(
    cfg,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authYaml}`,
  );
  const log = fs.openSync(path.join(dir, 'registry.log'), 'a');
  const child: ChildProcess = spawn('docker-registry', ['serve', cfg], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`http://${host}/v2/`);
      if (r.status === 200 || r.status === 401) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    host,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PushBlob {
  digest: string;
  data: Buffer;
}

/** Pushes blobs (monolithic upload) and a manifest to http://host/v2/<repo>. */
export async function push(host: string, repo: string, ref: string, blobs: PushBlob[], manifest: Buffer, mediaType: string, authHeader?: string): Promise<string> {
  const h = (extra: Record<string, string> = {}): Record<string, string> => (authHeader ? { Authorization: authHeader, ...extra } : extra);
  for (const b of blobs) {
    const head = await fetch(`http://${host}/v2/${repo}/blobs/${b.digest}`, { method: 'HEAD', headers: h() });
    if (head.status === 200) continue;
    const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers: h() });
    if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
    const loc = new URL(start.headers.get('location') ?? '', `http://${host}`);
    loc.searchParams.set('digest', b.digest);
    const put = await fetch(loc, { method: 'PUT', headers: h({ 'Content-Type': 'application/octet-stream' }), body: b.data });
    if (put.status !== 201) throw new Error(`blob put ${b.digest}: ${put.status} ${await put.text()}`);
  }
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, { method: 'PUT', headers: h({ 'Content-Type': mediaType }), body: manifest });
  if (res.status !== 201) throw new Error(`manifest put: ${res.status} ${await res.text()}`);
  return res.headers.get('docker-content-digest') ?? '';
}
