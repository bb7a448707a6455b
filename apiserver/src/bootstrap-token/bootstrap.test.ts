import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createTokenSigner, createTokenVerifier, loadOrCreateServiceAccountKey, type TokenSigner } from '@kubets/client';
import { handleBootstrap, BOOTSTRAP_PATH } from './handler';
import { loadOrCreateJoinToken, TOKEN_PATTERN, tokensEqual, readJoinToken, tokenFile } from './token';

async function serve(dataDir: string | undefined, signer: TokenSigner | undefined): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void handleBootstrap(req, res, url, { dataDir, signer, serverAddress: 'unused:1' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('join tokens', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-token-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a kts-<id>.<secret> token once (mode 0600) and reuses it', () => {
    expect(readJoinToken(dir)).toBeUndefined();
    const a = loadOrCreateJoinToken(dir);
    expect(a.created).toBe(true);
    expect(a.token).toMatch(TOKEN_PATTERN);
    expect(fs.statSync(tokenFile(dir)).mode & 0o777).toBe(0o600);
    const b = loadOrCreateJoinToken(dir);
    expect(b).toEqual({ token: a.token, created: false });
  });

  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', 'abc', false],
  ])('tokensEqual(%s, %s) = %s', (x, y, want) => expect(tokensEqual(x, y)).toBe(want));
});

describe(`${BOOTSTRAP_PATH}`, () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-boot-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['no token configured', false, 'Bearer x', 401],
    ['no Authorization header', true, undefined, 401],
    ['a wrong token', true, 'Bearer kts-000000.00', 401],
  ])('refuses %s with a 401 Status', async (_what, withToken, auth, code) => {
    if (withToken) loadOrCreateJoinToken(dir);
    const s = await serve(dir, undefined);
    try {
      const res = await fetch(`${s.url}${BOOTSTRAP_PATH}`, { method: 'POST', headers: auth ? { Authorization: auth } : {} });
      expect(res.status).toBe(code);
      expect(await res.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    } finally {
      await s.close();
    }
  });

  it('returns a kubeconfig carrying the join token when there is no signing key', async () => {
    const { token } = loadOrCreateJoinToken(dir);
    const s = await serve(dir, undefined);
    try {
      const res = await fetch(`${s.url}${BOOTSTRAP_PATH}?nodeName=n1`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { credential: string; kubeconfig: { clusters: Array<{ cluster: { server: string } }>; users: Array<{ name: string; user: { token: string } }> } };
      expect(body.credential).toBe('join-token');
      expect(body.kubeconfig.clusters[0]!.cluster.server).toBe(s.url);
      expect(body.kubeconfig.users[0]).toEqual({ name: 'system:node:n1', user: { token } });
    } finally {
      await s.close();
    }
  });

  it('issues a signed node token when the server has a signing key', async () => {
    const { token } = loadOrCreateJoinToken(dir);
    const key = loadOrCreateServiceAccountKey(undefined, dir);
    const signer = createTokenSigner(key.privateKeyPem);
    const s = await serve(dir, signer);
    try {
      const res = await fetch(`${s.url}${BOOTSTRAP_PATH}?nodeName=n1`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { credential: string; kubeconfig: { users: Array<{ user: { token: string } }> } };
      expect(body.credential).toBe('signed-node-token');
      const jwt = body.kubeconfig.users[0]!.user.token;
      expect(jwt).not.toBe(token);
      const v = createTokenVerifier(signer.publicKeyPem).verify(jwt, { audiences: ['kts-node'] });
      expect(v.username).toBe('system:serviceaccount:kube-system:kts-node-n1');
      expect(v.claims['kubernetes.io'].node?.name).toBe('n1');
    } finally {
      await s.close();
    }
  });

  it('rejects other methods', async () => {
    const { token } = loadOrCreateJoinToken(dir);
    const s = await serve(dir, undefined);
    try {
      const res = await fetch(`${s.url}${BOOTSTRAP_PATH}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(405);
    } finally {
      await s.close();
    }
  });
});
