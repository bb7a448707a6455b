import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { caHash, createCA, createCSR, describeCertificate, issueCertificate, parseCSR, signCSR } from './x509';
import { ensureClusterPki } from './cluster-pki';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-pki-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('issues certificates that verify against the CA and carry subject and SANs', async () => {
  const ca = await createCA('test-ca');
  const c = await issueCertificate(ca, { commonName: 'bob', organizations: ['dev', 'ops'], hosts: ['127.0.0.1', 'api.local'], usage: 'both' });
  expect(new X509Certificate(c.certPem).verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  const info = describeCertificate(c.certPem);
  expect(info).toMatchObject({ commonName: 'bob', organizations: ['dev', 'ops'], hosts: ['127.0.0.1', 'api.local'] });
  // node's TLS accepts the PEM key and certificate as they are
  expect(() => tls.createSecureContext({ cert: c.certPem, key: c.keyPem, ca: ca.certPem })).not.toThrow();
});

it('round-trips a CSR and signs it with the requested subject; a tampered CSR is refused', async () => {
  const ca = await createCA('test-ca');
  const { csrPem, keyPem } = await createCSR({ commonName: 'system:node:n1', organizations: ['system:nodes'], hosts: ['10.0.0.5', 'n1'] });
  expect(await parseCSR(csrPem)).toEqual({ commonName: 'system:node:n1', organizations: ['system:nodes'], hosts: ['10.0.0.5', 'n1'] });
  const cert = await signCSR(ca, csrPem, { usage: 'client', days: 1 });
  expect(describeCertificate(cert).commonName).toBe('system:node:n1');
  expect(() => tls.createSecureContext({ cert, key: keyPem })).not.toThrow();
  // the same key again (a renewal keeps the key)
  const again = await createCSR({ commonName: 'system:node:n1' }, keyPem);
  expect(again.keyPem).toBe(keyPem);
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
  der[der.length - 10] = (der[der.length - 10] ?? 0) ^ 0xff;
  const bad = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  await expect(parseCSR(bad)).rejects.toThrow();
});

it('creates the cluster PKI with private modes, and reuses it on the next start', async () => {
  fs.chmodSync(dir, 0o755);
  const a = await ensureClusterPki(dir, { hosts: ['192.0.2.10'], kubernetesServiceIP: '10.96.0.1' });
  expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
  expect(fs.statSync(a.dir).mode & 0o777).toBe(0o700);
  for (const f of fs.readdirSync(a.dir).filter((f) => f.endsWith('.key'))) expect(fs.statSync(path.join(a.dir, f)).mode & 0o777).toBe(0o600);
  const serving = describeCertificate(fs.readFileSync(a.serving.certFile, 'utf8'));
  expect(serving.hosts).toEqual(expect.arrayContaining(['127.0.0.1', 'localhost', '192.0.2.10', '10.96.0.1', 'kubernetes.default.svc.cluster.local']));
  expect(describeCertificate(a.client('admin').certPem)).toMatchObject({ commonName: 'kts-admin', organizations: ['system:masters'] });
  expect(describeCertificate(a.client('kube-scheduler').certPem).commonName).toBe('system:kube-scheduler');
  const b = await ensureClusterPki(dir, { hosts: ['192.0.2.10'] });
  expect(b.ca.certPem).toBe(a.ca.certPem);
  expect(b.client('admin').certPem).toBe(a.client('admin').certPem);
  // a new SAN reissues the serving certificate only
  const before = fs.readFileSync(a.serving.certFile, 'utf8');
  await ensureClusterPki(dir, { hosts: ['192.0.2.10', 'kts.example'] });
  expect(fs.readFileSync(a.serving.certFile, 'utf8')).not.toBe(before);
  expect(caHash(a.ca.certPem)).toMatch(/^[0-9a-f]{64}$/);
});
