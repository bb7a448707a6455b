import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CertificateSigningRequestKind, type CertificateSigningRequest } from '@kubets/api';
import { FakeClient, FakeClock, createCA, describeCertificate, flushPromises, inspectCSR, signCSR, type KeyPairPem } from '@kubets/client';
import { ServingCertificateManager, servingHosts, kubeletServingUsages } from './serving';
import { parseKubeletFlags } from '../flags';

const addresses = [
  { type: 'InternalIP', address: '192.0.2.7' },
  { type: 'Hostname', address: 'node-a' },
  { type: 'InternalDNS', address: 'node-a.internal' },
];

let dir: string;
let ca: KeyPairPem;
beforeAll(async () => {
  ca = await createCA('test-ca');
});
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serving-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function until<T>(f: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const v = f();
    if (v !== undefined) return v;
    await flushPromises();
  }
  throw new Error(`timed out waiting for ${what}`);
}

const pending = (client: FakeClient, seen: Set<string>) => async () => {
  const list = await client.resource(CertificateSigningRequestKind).list();
  return list.items.find((c) => !seen.has(c.metadata.name ?? ''));
};

/** Plays csrapproving + csrsigning for one pending request (the signer's day is the certificate's lifetime). */
async function approveNext(client: FakeClient, seen: Set<string>): Promise<CertificateSigningRequest> {
  let csr: CertificateSigningRequest | undefined;
  const next = pending(client, seen);
  for (let i = 0; i < 2000 && !csr; i++) {
    csr = await next();
    if (!csr) await flushPromises();
  }
  if (!csr) throw new Error('no CSR was created');
  seen.add(csr.metadata.name ?? '');
  const cert = await signCSR(ca, Buffer.from(csr.spec.request, 'base64').toString('utf8'), { usage: 'server', days: 1 });
  await client.resource(CertificateSigningRequestKind).updateStatus({
    ...csr,
    status: { conditions: [{ type: 'Approved', status: 'True', reason: 'AutoApproved' }], certificate: Buffer.from(cert).toString('base64') },
  });
  return csr;
}

describe('ServingCertificateManager', () => {
  it('requests a kubelet-serving certificate for the node addresses, serves it, and renews at 70–90% of its lifetime', async () => {
    const clock = new FakeClock(Date.now());
    const client = new FakeClient();
    const installed: string[] = [];
    let known: typeof addresses | undefined;
    const m = new ServingCertificateManager({ nodeName: 'node-a', client, certDir: dir, clock, random: () => 0.5, addresses: () => known, install: (cert) => installed.push(cert), requestTimeoutMs: 60_000 });
    const ac = new AbortController();
    const done = m.run(ac.signal);
    // no Node status yet: nothing is requested, the manager retries later
    await flushPromises();
    expect((await client.resource(CertificateSigningRequestKind).list()).items).toEqual([]);
    known = addresses;
    await clock.tick(2_000);

    const seen = new Set<string>();
    const csr = await approveNext(client, seen);
    expect(csr.spec).toMatchObject({ signerName: 'kubernetes.io/kubelet-serving', usages: kubeletServingUsages });
    const req = await inspectCSR(Buffer.from(csr.spec.request, 'base64').toString('utf8'));
    expect(req).toMatchObject({ commonName: 'system:node:node-a', organizations: ['system:nodes'], ipAddresses: ['192.0.2.7'] });
    expect([...req.dnsNames].sort()).toEqual(['node-a', 'node-a.internal']);

    const first = await until(() => installed[0], 'the first certificate to be installed');
    const info = describeCertificate(first);
    expect(info.hosts).toEqual(expect.arrayContaining(['node-a', 'node-a.internal', '192.0.2.7']));
    expect(fs.statSync(m.file).mode & 0o777).toBe(0o600);
    expect(m.current()?.certPem.trim()).toBe(first.trim());

    const next = await until(() => m.nextRotation, 'the next rotation deadline');
    const life = info.notAfter.getTime() - info.notBefore.getTime();
    const at = next.getTime() - info.notBefore.getTime();
    expect(at).toBeGreaterThanOrEqual(0.7 * life);
    expect(at).toBeLessThanOrEqual(0.9 * life);
    expect(at).toBe(0.8 * life);

    // just before the deadline nothing happens; at it, a new request and a new certificate
    await clock.tick(next.getTime() - clock.now() - 1000);
    expect((await client.resource(CertificateSigningRequestKind).list()).items).toHaveLength(1);
    await clock.tick(1000);
    await approveNext(client, seen);
    const second = await until(() => installed[1], 'the renewed certificate to be installed');
    expect(describeCertificate(second).hosts).toEqual(info.hosts);
    expect(second).not.toBe(first);
    expect(m.rotated).toBe(2);
    ac.abort();
    await done;
  });

  it('reuses a stored valid certificate after a restart and does not request until it is due', async () => {
    const clock = new FakeClock(Date.now());
    const client = new FakeClient();
    const seen = new Set<string>();
    const installed: string[] = [];
    const opts = { nodeName: 'node-a', client, certDir: dir, clock, addresses: () => addresses, install: (cert: string) => installed.push(cert) };
    const first = new ServingCertificateManager(opts);
    const ac1 = new AbortController();
    const done1 = first.run(ac1.signal);
    await approveNext(client, seen);
    await until(() => installed[0], 'the first certificate');
    ac1.abort();
    await done1;

    const again = new ServingCertificateManager(opts);
    expect(again.current()?.certPem.trim()).toBe(installed[0]?.trim());
    const ac2 = new AbortController();
    const done2 = again.run(ac2.signal);
    await until(() => again.nextRotation, 'the rotation deadline');
    expect((await client.resource(CertificateSigningRequestKind).list()).items).toHaveLength(1);
    ac2.abort();
    await done2;
  });

  it('keeps serving the old pair when the server refuses the new one, and retries', async () => {
    const clock = new FakeClock(Date.now());
    const client = new FakeClient();
    let refuse = true;
    const installed: string[] = [];
    const m = new ServingCertificateManager({
      nodeName: 'node-a', client, certDir: dir, clock, random: () => 0, addresses: () => addresses,
      install: (cert) => {
        if (refuse) throw new Error('key values mismatch');
        installed.push(cert);
      },
    });
    const ac = new AbortController();
    const done = m.run(ac.signal);
    const seen = new Set<string>();
    await approveNext(client, seen);
    // the refused pair is not stored
    await until(() => (fs.existsSync(m.file) ? undefined : clock.pendingTimers() > 0 ? true : undefined), 'the retry timer');
    expect(fs.existsSync(m.file)).toBe(false);
    refuse = false;
    await clock.tick(2_000);
    await approveNext(client, seen);
    await until(() => installed[0], 'the retried certificate');
    ac.abort();
    await done;
  });
});

describe('servingHosts', () => {
  it('takes host names and IPs of the node status, as addressesToHostnamesAndIPs', () => {
    expect(servingHosts([...addresses, { type: 'ExternalIP', address: '198.51.100.1' }, { type: 'ExternalDNS', address: 'a.example' }, { type: 'Other', address: 'x' }, { type: 'Hostname', address: 'node-a' }])).toEqual([
      'node-a', 'node-a.internal', 'a.example', '192.0.2.7', '198.51.100.1',
    ]);
  });
});

it('--rotate-server-certificates is off unless given', () => {
  expect(parseKubeletFlags([]).rotateServerCertificates).toBe(false);
  expect(parseKubeletFlags(['--rotate-server-certificates']).rotateServerCertificates).toBe(true);
});
