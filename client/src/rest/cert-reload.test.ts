// RestClient with a client certificate from files (a kubeconfig's client-certificate / client-key): a rotated file
// is used by the next request, while a stream opened with the old certificate keeps flowing.
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { RestClient } from './client';
import { loadKubeconfig } from '../kubeconfig';
import { FakeClock } from '../clock';
import { createCA, issueCertificate, type KeyPairPem } from '../pki';

let dir: string;
let srv: https.Server;
let url: string;
let ca: KeyPairPem;
let streamRes: import('node:http').ServerResponse | undefined;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-certreload-'));
  ca = await createCA('reload-test-ca');
  const serving = await issueCertificate(ca, { commonName: 'srv', hosts: ['127.0.0.1'], usage: 'server' });
  srv = https.createServer({ key: serving.keyPem, cert: serving.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
    if (req.url?.startsWith('/stream')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(JSON.stringify({ cn }) + '\n');
      streamRes = res;
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ cn }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}, 30_000);

afterAll(async () => {
  srv.closeAllConnections();
  await new Promise((r) => srv.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function writePair(file: string, cn: string): Promise<void> {
  const p = await issueCertificate(ca, { commonName: cn, usage: 'client' });
  fs.writeFileSync(`${file}.tmp`, `${p.certPem.trimEnd()}\n${p.keyPem.trimEnd()}\n`, { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

it('uses a rotated certificate file for new requests and keeps open streams', async () => {
  const pem = path.join(dir, 'client-current.pem');
  await writePair(pem, 'node-a');
  const kc = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    kc,
    [
      'apiVersion: v1', 'kind: Config', 'current-context: c',
      `clusters: [{name: c, cluster: {server: "${url}", certificate-authority-data: ${Buffer.from(ca.certPem).toString('base64')}}}]`,
      `users: [{name: u, user: {client-certificate: ${pem}, client-key: ${pem}}}]`,
      'contexts: [{name: c, context: {cluster: c, user: u}}]',
    ].join('\n'),
  );
  const cfg = loadKubeconfig(kc).config;
  expect(cfg.certFile).toBe(pem);
  const clock = new FakeClock(Date.now());
  const client = new RestClient(cfg, { clock });
  try {
    expect(await client.request<{ cn: string }>({ method: 'GET', path: '/a' })).toEqual({ cn: 'node-a' });
    const { res } = await client.stream({ method: 'GET', path: '/stream', timeoutMs: 0 });
    const lines: string[] = [];
    res.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    await writePair(pem, 'node-b');
    // within a second the client does not look at the file again
    expect(await client.request<{ cn: string }>({ method: 'GET', path: '/b' })).toEqual({ cn: 'node-a' });
    clock.step(1500);
    expect(await client.request<{ cn: string }>({ method: 'GET', path: '/c' })).toEqual({ cn: 'node-b' });
    // the stream opened as node-a is still the same connection and still delivers
    streamRes!.write(JSON.stringify({ after: 'rotation' }) + '\n');
    for (let i = 0; i < 100 && lines.length < 2; i++) await new Promise((r) => setImmediate(r));
    await new Promise<void>((r) => (lines.length >= 2 ? r() : res.once('data', () => r())));
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([{ cn: 'node-a' }, { after: 'rotation' }]);
    streamRes!.end();
  } finally {
    client.close();
  }
}, 30_000);
