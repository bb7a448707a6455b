// `kts token create`: a signed service-account token from the TokenRequest API, verifiable with the server's key.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { main } from '../../cli/src/main';

let api: TestApiServer;
beforeAll(async () => {
  api = await startTestApiServer();
  // The ServiceAccount controller is not running here: create the account the token is for.
  await api.kubectl(['create', 'serviceaccount', 'robot']);
});
afterAll(() => api.stop());

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  const error = jest.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

test('kts token create prints a JWT for the service account', async () => {
  const r = await run(['token', 'create', 'robot', '--kubeconfig', api.kubeconfig, '--duration', '1h', '--audience', 'demo']);
  expect(r.code).toBe(0);
  const [, payload] = r.out.trim().split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { sub: string; aud: string[]; exp: number; iat: number };
  expect(claims.sub).toBe('system:serviceaccount:default:robot');
  expect(claims.aud).toEqual(['demo']);
  expect(claims.exp - claims.iat).toBe(3600);
  expect(fs.existsSync(path.join(api.dir, 'sa.key'))).toBe(true);
});

test('an unknown service account is a NotFound error', async () => {
  const r = await run(['token', 'create', 'nobody', '--kubeconfig', api.kubeconfig]);
  expect(r.code).toBe(1);
  expect(r.err).toContain('Error from server (NotFound)');
});
