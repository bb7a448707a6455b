import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { CertificateSigningRequestKind, type CertificateSigningRequest, type KindDef, type KubeObject } from '@kubets/api';
import { createCSR } from '@kubets/client';
import { MemoryStorage } from '../../testing/memory-storage';
import { ResourceStore } from '../store';
import type { RequestContext } from '../context';
import { csrHooks } from './csr-hooks';
import { serveCSRSubresource } from './csr-subresources';

const def = CertificateSigningRequestKind as unknown as KindDef;
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const store = () => new ResourceStore(def, { storage: new MemoryStorage(), prefix: '/registry', hooks: () => csrHooks, now: () => new Date('2026-03-01T00:00:00Z') });
const ctx = (name = '', subresource = '', user?: RequestContext['user']): RequestContext => ({
  namespace: '',
  name,
  subresource,
  query: new URLSearchParams(),
  manager: 'test',
  fieldValidation: 'Strict',
  dryRun: false,
  warnings: [],
  ...(user ? { user } : {}),
});
const request = (method: string, body: unknown, contentType = 'application/json'): IncomingMessage =>
  Object.assign(Readable.from([Buffer.from(JSON.stringify(body))]), { method, headers: { 'content-type': contentType } }) as unknown as IncomingMessage;
const asCSR = (o: KubeObject) => o as unknown as CertificateSigningRequest;

async function created(s: ResourceStore, user: RequestContext['user'] = { name: 'jane', uid: 'u1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a'] } }) {
  const { csrPem } = await createCSR({ commonName: 'jane' });
  const body = { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'c' }, spec: { request: b64(csrPem), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], username: 'system:admin', groups: ['system:masters'] } };
  return asCSR(await s.create(ctx('', '', user), body));
}

describe('CertificateSigningRequest registry', () => {
  it('fills the requester from the caller, ignoring what the client sent', async () => {
    const c = await created(store());
    expect(c.spec).toMatchObject({ username: 'jane', uid: 'u1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a'] } });
  });

  it('rejects a request whose signature does not verify', async () => {
    const { csrPem } = await createCSR({ commonName: 'jane' });
    const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff; // inside the signature
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const body = { metadata: { name: 'c' }, spec: { request: b64(tampered), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] } };
    await expect(store().create(ctx(), body)).rejects.toMatchObject({ status: { code: 422, details: { causes: [{ field: 'spec.request' }] } } });
  });

  it('keeps spec and status on the main resource', async () => {
    const s = store();
    const c = await created(s);
    const upd = asCSR(await s.update(ctx('c'), { ...c, metadata: { ...c.metadata, labels: { a: 'b' } }, spec: { ...c.spec, signerName: 'example.com/x' }, status: { conditions: [{ type: 'Approved', status: 'True' }] } }));
    expect(upd.metadata.labels).toEqual({ a: 'b' });
    expect(upd.spec.signerName).toBe('kubernetes.io/kube-apiserver-client');
    expect(upd.status?.conditions ?? []).toEqual([]);
  });

  it('approval adds conditions only; status sets the certificate once and cannot approve', async () => {
    const s = store();
    const c = await created(s);
    const approved = asCSR(await serveCSRSubresource(s, ctx('c', 'approval'), request('PUT', { ...c, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'R' }], certificate: b64('nope') } })));
    expect(approved.status).toEqual({ conditions: [{ type: 'Approved', status: 'True', reason: 'R', lastUpdateTime: '2026-03-01T00:00:00Z', lastTransitionTime: '2026-03-01T00:00:00Z' }] });

    await expect(serveCSRSubresource(s, ctx('c', 'approval'), request('PATCH', { status: { conditions: [{ type: 'Approved', status: 'True', reason: 'R' }, { type: 'Denied', status: 'True' }] } }, 'application/merge-patch+json'))).rejects.toMatchObject({
      status: { code: 422, message: expect.stringContaining('Approved and Denied conditions are mutually exclusive') },
    });
    await expect(serveCSRSubresource(s, ctx('c', 'status'), request('PATCH', { status: { conditions: [...(approved.status?.conditions ?? []), { type: 'Denied', status: 'True' }] } }, 'application/merge-patch+json'))).rejects.toMatchObject({
      status: { code: 422, message: expect.stringContaining('updates may not add a condition of type "Denied"') },
    });

    const cert = b64('-----BEGIN CERTIFICATE-----\nMIIBAzCBqwIBADAQMQ4wDAYDVQQDEwVqYW5lMA==\n-----END CERTIFICATE-----\n');
    const issued = asCSR(await serveCSRSubresource(s, ctx('c', 'status'), request('PATCH', { status: { certificate: cert } }, 'application/merge-patch+json')));
    expect(issued.status?.certificate).toBe(cert);
    expect(issued.status?.conditions?.map((x) => x.type)).toEqual(['Approved']);
    await expect(serveCSRSubresource(s, ctx('c', 'status'), request('PATCH', { status: { certificate: b64(Buffer.from(cert, 'base64').toString().replace('MIIB', 'MIIC')) } }, 'application/merge-patch+json'))).rejects.toMatchObject({
      status: { code: 422, message: expect.stringContaining('updates may not modify existing certificate content') },
    });
  });
});
