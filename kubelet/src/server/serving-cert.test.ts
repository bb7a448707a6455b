// The kubelet's serving certificate: given files, or a self-signed pair generated once in --cert-dir.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { loadOrCreateServingCert } from './serving-cert';

describe('loadOrCreateServingCert', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-kcert-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates <cert-dir>/kubelet.crt (certificate then its CA) and kubelet.key 0600 once, then reuses them', async () => {
    const certDir = path.join(dir, 'pki');
    const a = await loadOrCreateServingCert({ certDir, hostname: 'node-1', ips: ['10.0.0.5'] });
    expect(a).toMatchObject({ generated: true, certFile: path.join(certDir, 'kubelet.crt'), keyFile: path.join(certDir, 'kubelet.key') });
    expect(fs.statSync(a.keyFile).mode & 0o777).toBe(0o600);
    const leaf = new X509Certificate(a.cert);
    expect(leaf.subject).toMatch(/CN=node-1@\d+/);
    expect(leaf.issuer).toMatch(/CN=node-1-ca@\d+/);
    expect(leaf.subjectAltName).toBe('DNS:node-1, IP Address:10.0.0.5');
    const b = await loadOrCreateServingCert({ certDir, hostname: 'node-1', ips: ['10.0.0.5'] });
    expect(b).toMatchObject({ generated: false, cert: a.cert, key: a.key });
  });

  it('uses --tls-cert-file/--tls-private-key-file as given, and only together', async () => {
    fs.writeFileSync(path.join(dir, 'c.pem'), 'CERT');
    fs.writeFileSync(path.join(dir, 'k.pem'), 'KEY');
    await expect(loadOrCreateServingCert({ certFile: path.join(dir, 'c.pem'), keyFile: path.join(dir, 'k.pem'), certDir: dir, hostname: 'n', ips: [] })).resolves.toMatchObject({ cert: 'CERT', key: 'KEY', generated: false });
    await expect(loadOrCreateServingCert({ certFile: path.join(dir, 'c.pem'), certDir: dir, hostname: 'n', ips: [] })).rejects.toThrow('must be given together');
  });
});
