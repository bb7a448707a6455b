import { csrOutcome, CsrRefused } from './csr';
import { nextRotationDeadline, splitPem } from './manager';
import type { CertificateSigningRequest } from '@kubets/api';

describe('nextRotationDeadline (client-go: 70–90% of the lifetime)', () => {
  const nb = new Date('2026-01-01T00:00:00Z');
  const na = new Date('2026-01-01T10:00:00Z');
  it.each([
    [0, '2026-01-01T07:00:00.000Z'],
    [0.5, '2026-01-01T08:00:00.000Z'],
    [1, '2026-01-01T09:00:00.000Z'],
  ])('random %s → %s', (r, want) => expect(nextRotationDeadline(nb, na, () => r).toISOString()).toBe(want));
});

it('splits a combined cert+key file', () => {
  const cert = '-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n';
  const key = '-----BEGIN PRIVATE KEY-----\nB\n-----END PRIVATE KEY-----\n';
  expect(splitPem(cert + key)).toEqual({ certPem: cert, keyPem: key });
});

describe('csrOutcome', () => {
  const base = (status: CertificateSigningRequest['status']): CertificateSigningRequest => ({ apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'node-csr-x' }, spec: { request: '', signerName: 'kubernetes.io/kube-apiserver-client-kubelet' }, ...(status ? { status } : {}) });
  it('waits while pending or approved without a certificate', () => {
    expect(csrOutcome(base(undefined))).toBeUndefined();
    expect(csrOutcome(base({ conditions: [{ type: 'Approved', status: 'True' }] }))).toBeUndefined();
  });
  it('returns the certificate once approved and issued', () => {
    expect(csrOutcome(base({ conditions: [{ type: 'Approved', status: 'True' }], certificate: Buffer.from('PEM').toString('base64') }))).toEqual({ certPem: 'PEM' });
  });
  it('reports a denial with its reason and message', () => {
    const r = csrOutcome(base({ conditions: [{ type: 'Denied', status: 'True', reason: 'NodeExists', message: 'node is Ready' }] }));
    expect(r).toBeInstanceOf(CsrRefused);
    expect((r as CsrRefused).message).toBe('certificate signing request node-csr-x was denied (NodeExists): node is Ready');
  });
});
