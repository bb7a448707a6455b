import { CertificateSigningRequestKind, NodeKind, type CertificateSigningRequest, type Node } from '@kubets/api';
import { createCA, createCSR, describeCertificate, inspectCSR, verifiesAgainst, type KeyPairPem } from '@kubets/client';
import { Harness } from '../../testing/harness';
import { CSRSigningController, certificateDurationMs } from './signer';
import { CSRApprovingController, type AccessReviewSpec } from './approver';
import { signerValidationError } from './rules';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const HOUR = 3600_000;
const nodeSubject = { commonName: 'system:node:n1', organizations: ['system:nodes'] };

function csrObj(name: string, pem: string, signerName: string, usages: string[], spec: Partial<CertificateSigningRequest['spec']> = {}, conditions: string[] = []): CertificateSigningRequest {
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: b64(pem), signerName, usages, ...spec },
    ...(conditions.length ? { status: { conditions: conditions.map((type) => ({ type, status: 'True' })) } } : {}),
  };
}

let ca: KeyPairPem;
beforeAll(async () => {
  ca = await createCA('test-ca');
});

describe('signer rules', () => {
  const serving = ['digital signature', 'key encipherment', 'server auth'];
  it.each<[string, { commonName: string; organizations?: string[]; hosts?: string[] }, string, string[], string | undefined]>([
    ['kubelet client', nodeSubject, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'], undefined],
    ['kubelet client with RSA usages', nodeSubject, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'key encipherment', 'client auth'], undefined],
    ['kubelet client not in system:nodes', { commonName: 'system:node:n1' }, 'kubernetes.io/kube-apiserver-client-kubelet', ['client auth'], 'subject organization is not system:nodes'],
    ['kubelet client with a SAN', { ...nodeSubject, hosts: ['n1'] }, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'], 'DNS subjectAltNames are not allowed'],
    ['kubelet client with an IP SAN', { ...nodeSubject, hosts: ['10.0.0.1'] }, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'], 'IP subjectAltNames are not allowed'],
    ['kubelet client for a user', { commonName: 'jane', organizations: ['system:nodes'] }, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'], 'subject common name does not begin with system:node:'],
    ['kubelet client asking server auth', nodeSubject, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'server auth'], 'usages did not match [client auth digital signature key encipherment]'],
    ['kubelet serving', { ...nodeSubject, hosts: ['n1', '10.0.0.1'] }, 'kubernetes.io/kubelet-serving', serving, undefined],
    ['kubelet serving without SANs', nodeSubject, 'kubernetes.io/kubelet-serving', serving, 'DNS or IP subjectAltName is required'],
    ['kubelet serving asking client auth', { ...nodeSubject, hosts: ['n1'] }, 'kubernetes.io/kubelet-serving', ['digital signature', 'client auth'], 'usages did not match [digital signature key encipherment server auth]'],
    ['apiserver client', { commonName: 'jane', organizations: ['devs'] }, 'kubernetes.io/kube-apiserver-client', ['client auth', 'digital signature'], undefined],
    ['apiserver client asking server auth', { commonName: 'jane' }, 'kubernetes.io/kube-apiserver-client', ['client auth', 'server auth'], 'invalid usage for client certificate: server auth'],
    ['apiserver client without client auth', { commonName: 'jane' }, 'kubernetes.io/kube-apiserver-client', ['digital signature'], 'missing required usage for client certificate: client auth'],
  ])('%s', async (_n, subject, signer, usages, want) => {
    const req = await inspectCSR((await createCSR(subject)).csrPem);
    expect(signerValidationError(signer, req, usages)).toBe(want);
  });

  it.each([
    [undefined, 8760 * HOUR],
    [3600, HOUR],
    [10 * 8760 * 3600, 8760 * HOUR],
  ])('duration for expirationSeconds=%s', (exp, want) => {
    expect(certificateDurationMs(8760 * HOUR, exp)).toBe(want);
  });
});

describe('CSRSigningController', () => {
  let h: Harness;
  let c: CSRSigningController;
  const get = (name: string) => h.get(CertificateSigningRequestKind, name);
  beforeEach(() => {
    h = new Harness();
    c = new CSRSigningController({ client: h.client, informers: h.informers, clock: h.clock, ca, certTTLMs: 24 * HOUR });
  });
  afterEach(() => h.stop());

  it('signs approved requests for its signers with the CA, and only those', async () => {
    const node = (await createCSR(nodeSubject)).csrPem;
    const user = (await createCSR({ commonName: 'jane', organizations: ['devs'] })).csrPem;
    h.client.seed(
      CertificateSigningRequestKind,
      csrObj('node', node, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'], { expirationSeconds: 3600 }, ['Approved']),
      csrObj('pending', user, 'kubernetes.io/kube-apiserver-client', ['client auth']),
      csrObj('denied', user, 'kubernetes.io/kube-apiserver-client', ['client auth'], {}, ['Denied']),
      csrObj('foreign-signer', user, 'example.com/signer', ['client auth'], {}, ['Approved']),
      csrObj('legacy', user, 'kubernetes.io/legacy-unknown', ['client auth'], {}, ['Approved']),
    );
    await h.start();
    for (const n of ['node', 'pending', 'denied', 'foreign-signer', 'legacy']) await c.sync(n);

    const signed = await get('node');
    const pem = Buffer.from(signed.status?.certificate ?? '', 'base64').toString('utf8');
    const info = describeCertificate(pem);
    expect(info).toMatchObject({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
    expect(info.notBefore.getTime()).toBe(h.clock.now() - 5 * 60_000);
    expect(info.notAfter.getTime()).toBe(h.clock.now() + HOUR);
    expect(await verifiesAgainst(pem, ca.certPem)).toBe(true);
    for (const n of ['pending', 'denied', 'foreign-signer', 'legacy']) expect((await get(n)).status?.certificate).toBeUndefined();
    expect(h.client.actions.filter((a) => a.verb === 'update').map((a) => `${a.name}/${a.subresource}`)).toEqual(['node/status']);
  });

  it('marks a request that breaks its signer’s rules Failed and never signs it', async () => {
    const pem = (await createCSR({ commonName: 'system:node:n1' })).csrPem;
    h.client.seed(CertificateSigningRequestKind, csrObj('bad', pem, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth'], {}, ['Approved']));
    await h.start();
    await c.sync('bad');
    const bad = await get('bad');
    expect(bad.status?.certificate).toBeUndefined();
    expect(bad.status?.conditions?.[1]).toMatchObject({ type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: 'subject organization is not system:nodes' });
    await h.settle();
    await c.sync('bad'); // Failed is terminal
    expect(h.client.actions.filter((a) => a.verb === 'update')).toHaveLength(1);
  });
});

describe('CSRApprovingController', () => {
  let h: Harness;
  let c: CSRApprovingController;
  let reviews: AccessReviewSpec[];
  let allowed: Set<string>;
  const conditionsOf = async (name: string) => (await h.get(CertificateSigningRequestKind, name)).status?.conditions ?? [];
  const node = (name: string, addresses: { type: string; address: string }[]): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: {}, status: { addresses } });

  beforeEach(() => {
    h = new Harness();
    reviews = [];
    allowed = new Set();
    c = new CSRApprovingController({
      client: h.client,
      informers: h.informers,
      clock: h.clock,
      reviewAccess: async (spec) => {
        reviews.push(spec);
        return allowed.has(`${spec.user}:${spec.resourceAttributes.subresource}`);
      },
    });
  });
  afterEach(() => h.stop());

  const client = ['digital signature', 'client auth'];
  const serving = ['digital signature', 'server auth'];
  type Case = [string, { subject: { commonName: string; organizations?: string[]; hosts?: string[] }; signer: string; usages: string[]; user: string; groups?: string[]; allow?: string[] }, string | undefined, string[]];
  it.each<Case>([
    ['renewal: a node for itself with selfnodeclient', { subject: nodeSubject, signer: 'kubernetes.io/kube-apiserver-client-kubelet', usages: client, user: 'system:node:n1', allow: ['system:node:n1:selfnodeclient'] }, 'Auto approving self kubelet client certificate after SubjectAccessReview.', ['selfnodeclient']],
    ['bootstrap: a bootstrap token with nodeclient', { subject: nodeSubject, signer: 'kubernetes.io/kube-apiserver-client-kubelet', usages: client, user: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'], allow: ['system:bootstrap:abcdef:nodeclient'] }, 'Auto approving kubelet client certificate after SubjectAccessReview.', ['nodeclient']],
    ['a requester without the permission', { subject: nodeSubject, signer: 'kubernetes.io/kube-apiserver-client-kubelet', usages: client, user: 'jane' }, undefined, ['nodeclient']],
    ['a node client CSR with a SAN is not recognised', { subject: { ...nodeSubject, hosts: ['n1'] }, signer: 'kubernetes.io/kube-apiserver-client-kubelet', usages: client, user: 'system:node:n1', allow: ['system:node:n1:selfnodeclient', 'system:node:n1:nodeclient'] }, undefined, []],
    ['an apiserver-client CSR is left to people', { subject: { commonName: 'jane' }, signer: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], user: 'jane', allow: ['jane:nodeclient'] }, undefined, []],
    ['serving: the node for its own name and address', { subject: { ...nodeSubject, hosts: ['n1', '10.0.0.1'] }, signer: 'kubernetes.io/kubelet-serving', usages: serving, user: 'system:node:n1', groups: ['system:nodes'] }, 'Auto approving kubelet serving certificate: the node asked for its own names and addresses.', []],
    ['serving: a foreign DNS name', { subject: { ...nodeSubject, hosts: ['n1', 'kubernetes.default'] }, signer: 'kubernetes.io/kubelet-serving', usages: serving, user: 'system:node:n1', groups: ['system:nodes'] }, undefined, []],
    ['serving: a foreign IP', { subject: { ...nodeSubject, hosts: ['10.0.0.2'] }, signer: 'kubernetes.io/kubelet-serving', usages: serving, user: 'system:node:n1', groups: ['system:nodes'] }, undefined, []],
    ['serving: asked by another node', { subject: { ...nodeSubject, hosts: ['n1'] }, signer: 'kubernetes.io/kubelet-serving', usages: serving, user: 'system:node:n2', groups: ['system:nodes'] }, undefined, []],
    ['serving: asked by a user named like the node but not in system:nodes', { subject: { ...nodeSubject, hosts: ['n1'] }, signer: 'kubernetes.io/kubelet-serving', usages: serving, user: 'system:node:n1', groups: ['devs'] }, undefined, []],
    ['serving: for a node that does not exist', { subject: { commonName: 'system:node:ghost', organizations: ['system:nodes'], hosts: ['ghost'] }, signer: 'kubernetes.io/kubelet-serving', usages: serving, user: 'system:node:ghost', groups: ['system:nodes'] }, undefined, []],
  ])('%s', async (_n, o, approvedMessage, reviewed) => {
    const pem = (await createCSR(o.subject)).csrPem;
    // serving requests are checked against the Node; a bootstrap client request for an existing Node is refused
    if (o.signer === 'kubernetes.io/kubelet-serving') h.client.seed(NodeKind, node('n1', [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.0.0.1' }]));
    h.client.seed(CertificateSigningRequestKind, csrObj('c', pem, o.signer, o.usages, { username: o.user, groups: o.groups ?? [] }));
    for (const a of o.allow ?? []) allowed.add(a);
    await h.start();
    await c.processKey('c');
    const conds = await conditionsOf('c');
    if (approvedMessage) expect(conds).toEqual([{ type: 'Approved', status: 'True', reason: 'AutoApproved', message: approvedMessage }]);
    else expect(conds).toEqual([]);
    // the first recognizer that the review allows wins; the reviews ask about create on the CSR subresource
    expect(reviews.map((r) => r.resourceAttributes.subresource)).toEqual(reviewed);
    for (const r of reviews) expect(r).toMatchObject({ user: o.user, resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create' } });
    // a recognised request the review refused is retried with backoff (a binding may appear later)
    expect(c.queue.numRequeues('c')).toBe(reviewed.length && !approvedMessage ? 1 : 0);
  });

  it('judges a kubelet-serving request again when its Node gets the addresses it asks for', async () => {
    const pem = (await createCSR({ ...nodeSubject, hosts: ['n1', '10.0.0.1'] })).csrPem;
    h.client.seed(NodeKind, node('n1', []));
    h.client.seed(CertificateSigningRequestKind, csrObj('c', pem, 'kubernetes.io/kubelet-serving', serving, { username: 'system:node:n1', groups: ['system:nodes'] }));
    await h.start();
    await c.processKey('c');
    expect(await conditionsOf('c')).toEqual([]);
    // drain what the informers' initial adds queued: only the Node change may queue it again
    while (c.queue.len() > 0) {
      const k = await c.queue.get();
      if (k !== undefined) c.queue.done(k);
    }
    const n = await h.get(NodeKind, 'n1');
    await h.client.resource(NodeKind).updateStatus({ ...n, status: { addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.0.0.1' }] } });
    await h.settle();
    expect(c.queue.len()).toBe(1);
    await c.processKey('c');
    expect(await conditionsOf('c')).toMatchObject([{ type: 'Approved', status: 'True' }]);
  });

  it.each([
    ['Ready', 'True'],
    ['NotReady', 'Unknown'],
  ])('denies a bootstrap request for the name of an existing (%s) node; the node itself still renews', async (_what, readyStatus) => {
    const pem = (await createCSR(nodeSubject)).csrPem;
    const existing: Node = { ...node('n1', []), status: { conditions: [{ type: 'Ready', status: readyStatus }] } };
    h.client.seed(NodeKind, existing);
    h.client.seed(
      CertificateSigningRequestKind,
      csrObj('takeover', pem, 'kubernetes.io/kube-apiserver-client-kubelet', client, { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] }),
      csrObj('renewal', pem, 'kubernetes.io/kube-apiserver-client-kubelet', client, { username: 'system:node:n1', groups: ['system:nodes'] }),
    );
    allowed.add('system:bootstrap:abcdef:nodeclient');
    allowed.add('system:node:n1:selfnodeclient');
    await h.start();
    await c.processKey('takeover');
    await c.processKey('renewal');
    expect(await conditionsOf('takeover')).toEqual([expect.objectContaining({ type: 'Denied', status: 'True', reason: 'NodeExists' })]);
    expect(await conditionsOf('renewal')).toEqual([expect.objectContaining({ type: 'Approved', status: 'True' })]);
  });

  it('leaves approved, denied and issued requests alone', async () => {
    const pem = (await createCSR(nodeSubject)).csrPem;
    const base = (name: string, conds: string[]) => csrObj(name, pem, 'kubernetes.io/kube-apiserver-client-kubelet', client, { username: 'system:node:n1' }, conds);
    h.client.seed(CertificateSigningRequestKind, base('approved', ['Approved']), base('denied', ['Denied']));
    allowed.add('system:node:n1:selfnodeclient');
    await h.start();
    await c.sync('approved');
    await c.sync('denied');
    expect(reviews).toEqual([]);
    expect(h.client.actions.filter((a) => a.verb === 'patch')).toEqual([]);
  });
});
