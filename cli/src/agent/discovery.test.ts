// CA discovery against fake TLS servers: the pinned CA is accepted; any other CA is refused, and no request ever
// carries a credential.
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { stringify as stringifyYaml } from 'yaml';
import { createCA, issueCertificate } from '@kubets/client';
import { caBundleHash } from '../server/join-token';
import { clusterInfoPath, discoverClusterCA, JoinRefused } from './discovery';

async function fakeServer(caPem: string, serving: { certPem: string; keyPem: string }, seen: Array<string | undefined>): Promise<{ url: string; close(): Promise<void> }> {
  const kubeconfig = stringifyYaml({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: '', cluster: { server: 'x', 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }] });
  const srv = https.createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    seen.push(req.headers.authorization);
    if (req.url !== clusterInfoPath) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'ConfigMap', data: { kubeconfig } }));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `https://127.0.0.1:${(srv.address() as AddressInfo).port}`, close: () => new Promise((r) => srv.close(() => r())) };
}

describe('discoverClusterCA', () => {
  it('returns the CA whose hash the token pins, and refuses another CA without sending credentials', async () => {
    const ca = await createCA('real');
    const other = await createCA('mitm');
    const seen: Array<string | undefined> = [];
    const real = await fakeServer(ca.certPem, await issueCertificate(ca, { commonName: 's', hosts: ['127.0.0.1'], usage: 'server' }), seen);
    const mitm = await fakeServer(other.certPem, await issueCertificate(other, { commonName: 's', hosts: ['127.0.0.1'], usage: 'server' }), seen);
    const signal = new AbortController().signal;
    try {
      await expect(discoverClusterCA({ server: real.url, caHash: caBundleHash(ca.certPem), signal, timeoutMs: 5000 })).resolves.toBe(ca.certPem);
      const refused = discoverClusterCA({ server: mitm.url, caHash: caBundleHash(ca.certPem), signal, timeoutMs: 5000 });
      await expect(refused).rejects.toThrow(JoinRefused);
      await expect(refused).rejects.toThrow(/does not match the join token.*sending no credential/);
      expect(seen).toHaveLength(2);
      expect(seen.every((a) => a === undefined)).toBe(true);
    } finally {
      await real.close();
      await mitm.close();
    }
  }, 20_000);

  it('refuses plain http', async () => {
    await expect(discoverClusterCA({ server: 'http://127.0.0.1:1', caHash: 'x', signal: new AbortController().signal, timeoutMs: 0 })).rejects.toThrow(/must be an https/);
  });
});
