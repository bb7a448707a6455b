// The API server on an external etcd that requires TLS with client certificates (--etcd-cafile, --etcd-certfile,
// --etcd-keyfile): it works with the right certificate and etcd refuses a client without one.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Etcd3 } from 'etcd3';
import { startApiServer, type RunningApiServer } from '@kubets/apiserver/server';
import { freePort } from '@kubets/apiserver/etcd/ports';
import { findEtcdBinary } from '@kubets/apiserver/etcd/embedded';
import { createCA, issueCertificate } from '@kubets/client';
import { fetchAs } from '@kubets/apiserver/testing/https-fetch';
import { createTestPki } from '@kubets/apiserver/testing/test-pki';

jest.setTimeout(60_000);

let dir: string;
let etcd: ChildProcess | undefined;
let server: RunningApiServer | undefined;
let endpoint: string;
const file = (name: string, data: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, data, { mode: 0o600 });
  return f;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-etcd-tls-'));
  const ca = await createCA('etcd-ca');
  const srv = await issueCertificate(ca, { commonName: 'etcd', hosts: ['127.0.0.1', 'localhost'], usage: 'both' });
  const cli = await issueCertificate(ca, { commonName: 'kube-apiserver-etcd-client', usage: 'client' });
  file('ca.crt', ca.certPem);
  file('server.crt', srv.certPem);
  file('server.key', srv.keyPem);
  file('client.crt', cli.certPem);
  file('client.key', cli.keyPem);
  const port = await freePort();
  const peer = await freePort();
  endpoint = `https://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(dir, 'etcd.log'), 'a');
  etcd = spawn(
    findEtcdBinary(),
    [
      '--name', 'tls', '--data-dir', path.join(dir, 'data'),
      '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `tls=http://127.0.0.1:${peer}`,
      '--cert-file', path.join(dir, 'server.crt'), '--key-file', path.join(dir, 'server.key'),
      '--trusted-ca-file', path.join(dir, 'ca.crt'), '--client-cert-auth',
    ],
    { stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
});

afterAll(async () => {
  await server?.close();
  if (etcd && etcd.exitCode === null) {
    const exited = new Promise((r) => etcd!.once('exit', r));
    etcd.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

it('serves from an etcd that requires client certificates; a client without one is refused', async () => {
  const pki = await createTestPki(path.join(dir, 'apiserver'));
  // the API server retries its bootstrap while etcd comes up
  server = await startApiServer({
    etcdServers: [endpoint],
    etcdCAFile: path.join(dir, 'ca.crt'),
    etcdCertFile: path.join(dir, 'client.crt'),
    etcdKeyFile: path.join(dir, 'client.key'),
    bindAddress: '127.0.0.1',
    port: 0,
    serviceClusterIpRange: '10.96.0.0/12',
    serviceNodePortRange: '30000-32767',
    dataDir: pki.dir,
    etcdCompactionIntervalMs: 0,
  });
  const f = fetchAs({ ca: pki.pki.ca.certPem, cert: pki.admin.certPem, key: pki.admin.keyPem });
  try {
    const created = await f(`${server.url}/api/v1/namespaces/default/configmaps`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ metadata: { name: 'over-tls' }, data: { a: 'b' } }) });
    expect(created.status).toBe(201);
    const got = await f(`${server.url}/api/v1/namespaces/default/configmaps/over-tls`);
    expect(((await got.json()) as { data: Record<string, string> }).data).toEqual({ a: 'b' });
  } finally {
    await f.close();
  }
  // the same etcd, asked without a client certificate, refuses
  const anonymous = new Etcd3({ hosts: endpoint, credentials: { rootCertificate: fs.readFileSync(path.join(dir, 'ca.crt')) }, dialTimeout: 3000 });
  try {
    await expect(anonymous.get('/registry/core/configmaps/default/over-tls').string()).rejects.toThrow();
  } finally {
    anonymous.close();
  }
});
