import { validateObject } from '../../validation/object';
import type { KubeObject } from '../../meta/types';
import { CertificateSigningRequestKind, csrConditionSummary, type CertificateSigningRequest } from './csr';
import { prepareCSRApprovalUpdate, prepareCSRStatusUpdate, validateCSREndpointUpdate, validateCSRUpdate, validateSignerName } from './csr-validation';

const pem = (type: string) => `-----BEGIN ${type}-----\nMIIBAzCBqwIBADAQMQ4wDAYDVQQDEwVqYW5lMA==\n-----END ${type}-----\n`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const certB64 = b64(pem('CERTIFICATE'));

function csr(over: Partial<CertificateSigningRequest['spec']> = {}, status?: CertificateSigningRequest['status']): CertificateSigningRequest {
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: 'c' },
    spec: { request: b64(pem('CERTIFICATE REQUEST')), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...over },
    ...(status ? { status } : {}),
  };
}
const messages = (o: CertificateSigningRequest, old?: CertificateSigningRequest) =>
  validateObject(CertificateSigningRequestKind as never, o as KubeObject, old ? { old: old as KubeObject } : {}).map((c) => `${c.field}: ${c.message}`);
const approved = { type: 'Approved', status: 'True', reason: 'R' };
const denied = { type: 'Denied', status: 'True', reason: 'R' };
const failed = { type: 'Failed', status: 'True', reason: 'R' };

describe('CertificateSigningRequest validation', () => {
  it.each<[string, CertificateSigningRequest, string[]]>([
    ['a valid request', csr(), []],
    ['any name (path segment)', { ...csr(), metadata: { name: 'Node:CSR_1' } }, []],
    ['a request that is not a CSR PEM block', csr({ request: b64(pem('CERTIFICATE')) }), ['spec.request']],
    ['no usages', csr({ usages: [] }), ['spec.usages: Required value']],
    ['an unknown usage', csr({ usages: ['client auth', 'bogus'] }), ['spec.usages[1]: Unsupported value: "bogus": supported values: "any", "cert sign"']],
    ['a duplicate usage', csr({ usages: ['client auth', 'client auth'] }), ['spec.usages[1]: Duplicate value: "client auth"']],
    ['the legacy signer', csr({ signerName: 'kubernetes.io/legacy-unknown' }), ['spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version']],
    ['a signer without a path', csr({ signerName: 'example.com' }), ["spec.signerName: Invalid value: \"example.com\": must be a fully qualified domain and path of the form 'example.com/signer-name'"]],
    ['a one-label domain', csr({ signerName: 'example/signer' }), ['spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots']],
    ['a short expiration', csr({ expirationSeconds: 599 }), ['spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)']],
    ['the minimum expiration', csr({ expirationSeconds: 600 }), []],
    ['Approved and Denied together', csr({}, { conditions: [approved, denied] }), ['status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive']],
    ['an Approved condition that is not True', csr({}, { conditions: [{ type: 'Approved', status: 'False' }] }), ['status.conditions[0].status: Unsupported value: "False": supported values: "True"']],
    ['a duplicate condition type', csr({}, { conditions: [failed, failed] }), ['status.conditions[1].type: Duplicate value: "Failed"']],
    ['a certificate that is not a CERTIFICATE block', csr({}, { certificate: b64(pem('PRIVATE KEY')) }), ['status.certificate: Invalid value: "<certificate data>": only CERTIFICATE PEM blocks are allowed, found "PRIVATE KEY"']],
  ])('%s', (_name, obj, want) => {
    const got = messages(obj);
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => expect(got[i]).toContain(w));
  });

  it('reports a missing signerName and request as required', () => {
    const o = csr();
    delete (o.spec as Partial<CertificateSigningRequest['spec']>).signerName;
    expect(messages(o)).toEqual(expect.arrayContaining([expect.stringContaining('spec.signerName: Required value')]));
  });

  it.each([
    ['Example.com/x', ['Invalid value: "Example.com": validating label "Example": a lowercase RFC 1123 label']],
    ['example.com/Bad_Path', ['Invalid value: "Bad_Path": validating component "Bad_Path"']],
    ['example.com/' + 'x'.repeat(560), ['Too long: may not be more than 571 bytes']],
  ])('signerName %s', (name, want) => {
    const got = validateSignerName('spec.signerName', name).map((c) => c.message ?? '');
    for (const w of want) expect(got.join('\n')).toContain(w);
  });
});

describe('CertificateSigningRequest update rules', () => {
  const old = csr({}, { conditions: [approved] });
  it.each<[string, CertificateSigningRequest['status'], { approvalConditions: boolean; certificate: boolean }, string[]]>([
    ['main: no status change', { conditions: [approved] }, { approvalConditions: false, certificate: false }, []],
    ['main: setting the certificate', { conditions: [approved], certificate: certB64 }, { approvalConditions: false, certificate: false }, ['updates may not set certificate content']],
    ['status: setting the certificate', { conditions: [approved], certificate: certB64 }, { approvalConditions: false, certificate: true }, []],
    ['status: adding Denied', { conditions: [approved, denied] }, { approvalConditions: false, certificate: true }, ['updates may not add a condition of type "Denied"']],
    ['status: changing Approved', { conditions: [{ ...approved, reason: 'Other' }] }, { approvalConditions: false, certificate: true }, ['updates may not modify a condition of type "Approved"']],
    ['approval: adding Failed is not its business but allowed by validation', { conditions: [approved, failed] }, { approvalConditions: true, certificate: false }, []],
    ['approval: setting the certificate', { conditions: [approved], certificate: certB64 }, { approvalConditions: true, certificate: false }, ['updates may not set certificate content']],
  ])('%s', (_name, status, allow, want) => {
    const got = validateCSREndpointUpdate(csr({}, status), old, allow).map((c) => c.message ?? '');
    expect(got).toEqual(want.map((w) => `Forbidden: ${w}`));
  });

  it('never lets a certificate change once set, nor a condition be removed', () => {
    const issued = csr({}, { conditions: [approved], certificate: certB64 });
    const other = b64(pem('CERTIFICATE').replace('MIIB', 'MIIC'));
    expect(validateCSREndpointUpdate(csr({}, { conditions: [approved], certificate: other }), issued, { approvalConditions: false, certificate: true }).map((c) => c.message)).toEqual([
      'Forbidden: updates may not modify existing certificate content',
    ]);
    expect(validateCSRUpdate(csr({}, { conditions: [] }), issued).map((c) => c.message)).toEqual(['Forbidden: updates may not remove a condition of type "Approved"']);
  });

  it('/status keeps spec and the stored Approved instance, and stamps new conditions', () => {
    const stored = csr({}, { conditions: [{ ...approved, lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' }] });
    const next = csr({ signerName: 'example.com/changed' }, { conditions: [{ ...approved, message: 'rewritten' }, { type: 'Failed', status: 'True' }], certificate: certB64 });
    prepareCSRStatusUpdate(next, stored, '2026-02-02T00:00:00Z');
    expect(next.spec.signerName).toBe('kubernetes.io/kube-apiserver-client');
    expect(next.status?.conditions).toEqual([stored.status?.conditions?.[0], { type: 'Failed', status: 'True', lastUpdateTime: '2026-02-02T00:00:00Z', lastTransitionTime: '2026-02-02T00:00:00Z' }]);
    expect(next.status?.certificate).toBe(certB64);
  });

  it('/approval keeps the certificate and the stored Failed instance', () => {
    const stored = csr({}, { conditions: [{ ...failed, message: 'stored' }], certificate: certB64 });
    const next = csr({ usages: ['any'] }, { conditions: [{ ...failed, message: 'changed' }, approved] });
    prepareCSRApprovalUpdate(next, stored, '2026-02-02T00:00:00Z');
    expect(next.spec.usages).toEqual(['client auth']);
    expect(next.status?.certificate).toBe(certB64);
    expect(next.status?.conditions?.map((c) => c.message ?? c.type)).toEqual(['stored', 'Approved']);
  });
});

describe('CertificateSigningRequest table', () => {
  it.each<[string, CertificateSigningRequest['status'], string]>([
    ['pending', undefined, 'Pending'],
    ['approved and issued', { conditions: [approved], certificate: certB64 }, 'Approved,Issued'],
    ['denied wins', { conditions: [approved, denied] }, 'Denied'],
    ['failed', { conditions: [approved, failed] }, 'Approved,Failed'],
  ])('condition column: %s', (_n, status, want) => {
    expect(csrConditionSummary(csr({}, status))).toBe(want);
  });

  it('prints kubectl’s columns', () => {
    const o = { ...csr({ expirationSeconds: 3600, username: 'jane' }), metadata: { name: 'c', creationTimestamp: '2026-01-01T00:00:00Z' } };
    const t = CertificateSigningRequestKind.table!;
    expect(t.columns.map((c) => c.name)).toEqual(['Name', 'Age', 'SignerName', 'Requestor', 'RequestedDuration', 'Condition']);
    expect(t.cells(o, new Date('2026-01-01T00:05:00Z'))).toEqual(['c', '5m', 'kubernetes.io/kube-apiserver-client', 'jane', '60m', 'Pending']);
  });
});
