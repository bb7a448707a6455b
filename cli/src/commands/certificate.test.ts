import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeCertificate, ensureClusterPki, loadKubeconfig, writeKubeconfig } from '@kubets/client';
import { certificate, findCertificates } from './certificate';

it('lists every certificate and rotates the control-plane ones (not the CA), updating the kubeconfigs', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-certcmd-'));
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const pki = await ensureClusterPki(dir, { hosts: ['192.0.2.10'] });
    const admin = pki.client('admin');
    writeKubeconfig(path.join(dir, 'kubeconfig'), { server: 'https://127.0.0.1:6443', ca: pki.ca.certPem, clientCert: admin.certPem, clientKey: admin.keyPem });
    const names = findCertificates(dir).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['tls/ca.crt', 'tls/apiserver.crt', 'tls/admin.crt', 'tls/kube-proxy.crt']));
    expect(await certificate(['list', `--data-dir=${dir}`])).toBe(0);
    expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/tls\/apiserver\.crt\s+kube-apiserver\s+\S+\s+364d/);
    const before = fs.readFileSync(path.join(dir, 'tls', 'apiserver.crt'), 'utf8');
    const caBefore = fs.readFileSync(path.join(dir, 'tls', 'ca.crt'), 'utf8');
    expect(await certificate(['rotate', `--data-dir=${dir}`])).toBe(0);
    const after = fs.readFileSync(path.join(dir, 'tls', 'apiserver.crt'), 'utf8');
    expect(after).not.toBe(before);
    expect(describeCertificate(after).hosts).toEqual(describeCertificate(before).hosts);
    expect(fs.readFileSync(path.join(dir, 'tls', 'ca.crt'), 'utf8')).toBe(caBefore);
    const kc = loadKubeconfig(path.join(dir, 'kubeconfig')).config;
    expect(String(kc.certData)).toBe(fs.readFileSync(path.join(dir, 'tls', 'admin.crt'), 'utf8'));
  } finally {
    log.mockRestore();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);

it('kts status names the data dir, whether kts up runs, the API server, and every certificate', async () => {
  const { status } = await import('./status');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-status-'));
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const pki = await ensureClusterPki(dir, { hosts: [] });
    const admin = pki.client('admin');
    writeKubeconfig(path.join(dir, 'kubeconfig'), { server: 'https://127.0.0.1:6443', ca: pki.ca.certPem, clientCert: admin.certPem, clientKey: admin.keyPem });
    fs.writeFileSync(path.join(dir, 'kts.pid'), String(process.pid));
    expect(status([`--data-dir=${dir}`])).toBe(0);
    const out = log.mock.calls.map((c) => String(c[0])).join('\n');
    expect(out).toContain(`kts up:     running (pid ${process.pid})`);
    expect(out).toContain('API server: https://127.0.0.1:6443');
    expect(out).toMatch(/tls\/ca\.crt\s+/);
    expect(out).toMatch(/tls\/admin\.crt\s+kts-admin/);
  } finally {
    log.mockRestore();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
