// certificates.k8s.io CSRs end to end: a real API server, the controller-manager's csrsigning and csrapproving
// controllers with the cluster CA, and the real kubectl approving and denying requests.
import { CertificateSigningRequestKind, NodeKind, type CertificateSigningRequest } from '@kubets/api';
import { RestClient, createCSR, describeCertificate, loadKubeconfig, nopLogger, verifiesAgainst } from '@kubets/client';
import { parseControllerManagerFlags, runControllerManager } from '@kubets/controller-manager';
import { eventually, startTestApiServer, type TestApiServer } from '../harness/apiserver';

jest.setTimeout(120_000);

let api: TestApiServer;
let admin: RestClient;
let cm: Promise<void>;
const ac = new AbortController();
const clients: RestClient[] = [];

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function csrObject(name: string, requestPem: string, signerName: string, usages: string[], extra: Partial<CertificateSigningRequest['spec']> = {}): CertificateSigningRequest {
  return { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name }, spec: { request: b64(requestPem), signerName, usages, ...extra } };
}

async function issued(client: RestClient, name: string): Promise<string> {
  return eventually(async () => {
    const c = await client.resource(CertificateSigningRequestKind).get(name);
    return c.status?.certificate ? Buffer.from(c.status.certificate, 'base64').toString('utf8') : undefined;
  }, 30_000);
}

beforeAll(async () => {
  api = await startTestApiServer();
  admin = new RestClient(loadKubeconfig(api.kubeconfig).config);
  clients.push(admin);
  const { caFile, caKeyFile } = api.pki.pki;
  cm = runControllerManager(
    parseControllerManagerFlags([
      `--kubeconfig=${api.kubeconfig}`,
      '--secure-port=-1',
      '--leader-elect=false',
      '--controllers=csrsigning,csrapproving',
      `--cluster-signing-cert-file=${caFile}`,
      `--cluster-signing-key-file=${caKeyFile}`,
      '--cluster-signing-duration=720h',
    ]),
    ac.signal,
    { logger: nopLogger },
  );
});

afterAll(async () => {
  ac.abort();
  await cm?.catch(() => undefined);
  for (const c of clients) c.close?.();
  await api?.stop();
});

describe('CertificateSigningRequest', () => {
  it('kubectl certificate approve issues a client certificate from the cluster CA; the requester is the caller', async () => {
    const { csrPem } = await createCSR({ commonName: 'jane', organizations: ['devs'] });
    // a client-supplied identity is replaced by the caller's
    await admin.resource(CertificateSigningRequestKind).create(csrObject('jane', csrPem, 'kubernetes.io/kube-apiserver-client', ['digital signature', 'client auth'], { username: 'system:node:evil', groups: ['system:masters'], expirationSeconds: 3600 }));
    const stored = await admin.resource(CertificateSigningRequestKind).get('jane');
    expect(stored.spec.username).toBe('kts-admin');
    expect(stored.spec.groups).toEqual(expect.arrayContaining(['system:masters', 'system:authenticated']));

    const get = await api.kubectl(['get', 'csr', 'jane']);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION\n/);
    expect(get.stdout).toMatch(/jane\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+kts-admin\s+60m\s+Pending/);

    const approve = await api.kubectl(['certificate', 'approve', 'jane']);
    expect(approve).toMatchObject({ code: 0, stdout: 'certificatesigningrequest.certificates.k8s.io/jane approved\n' });
    const certPem = await issued(admin, 'jane');
    const info = describeCertificate(certPem);
    expect(info).toMatchObject({ commonName: 'jane', organizations: ['devs'], hosts: [] });
    // expirationSeconds (1h) caps the validity, plus the 5 minute backdate
    expect(info.notAfter.getTime() - info.notBefore.getTime()).toBe(65 * 60_000);
    expect(await verifiesAgainst(certPem, api.pki.pki.ca.certPem)).toBe(true);
    expect((await api.kubectl(['get', 'csr', 'jane'])).stdout).toMatch(/Approved,Issued/);

    const c = await admin.resource(CertificateSigningRequestKind).get('jane');
    expect(c.status?.conditions).toEqual([expect.objectContaining({ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.' })]);
  });

  it('a node client CSR is signed with the node subject; a denied CSR never gets a certificate and cannot be approved', async () => {
    const node = await createCSR({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
    const other = await createCSR({ commonName: 'mallory', organizations: ['system:masters'] });
    await admin.resource(CertificateSigningRequestKind).create(csrObject('denied', other.csrPem, 'kubernetes.io/kube-apiserver-client', ['client auth']));
    const deny = await api.kubectl(['certificate', 'deny', 'denied']);
    expect(deny).toMatchObject({ code: 0, stdout: 'certificatesigningrequest.certificates.k8s.io/denied denied\n' });
    const approveDenied = await api.kubectl(['certificate', 'approve', 'denied']);
    expect(approveDenied).toMatchObject({ code: 1, stderr: 'error: certificate signing request "denied" is already Denied\n' });
    // kubectl refuses on its own; the API server refuses too
    const live = await admin.resource(CertificateSigningRequestKind).get('denied');
    const conditions = [...(live.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'Sneaky' }];
    await expect(admin.resource(CertificateSigningRequestKind).patch('denied', 'merge', { status: { conditions } }, { subresource: 'approval' })).rejects.toMatchObject({
      status: { code: 422, message: expect.stringContaining('status.conditions[1].type: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive') },
    });

    await admin.resource(CertificateSigningRequestKind).create(csrObject('node-n1', node.csrPem, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth']));
    // the approver may get there first (the admin may create certificatesigningrequests/nodeclient): either way it is approved
    expect((await api.kubectl(['certificate', 'approve', 'node-n1'])).code).toBe(0);
    const certPem = await issued(admin, 'node-n1');
    expect(describeCertificate(certPem)).toMatchObject({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
    expect(await verifiesAgainst(certPem, api.pki.pki.ca.certPem)).toBe(true);

    // issued after the denial: the signer has seen the denied request and left it alone
    const denied = await admin.resource(CertificateSigningRequestKind).get('denied');
    expect(denied.status?.certificate).toBeUndefined();
    expect(denied.status?.conditions?.map((x) => x.type)).toEqual(['Denied']);
    expect((await api.kubectl(['get', 'csr', 'denied'])).stdout).toMatch(/denied\s+.*\s+Denied\n/);
  });

  it('a kubelet serving CSR is auto-approved only for the node’s own names and addresses', async () => {
    await admin.resource(NodeKind).create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n2' },
      spec: {},
      status: { addresses: [{ type: 'Hostname', address: 'n2' }, { type: 'InternalIP', address: '10.250.0.2' }] },
    });
    const creds = await api.pki.clientCert('system:node:n2', ['system:nodes']);
    const asNode = new RestClient(loadKubeconfig(api.kubeconfigFor('node-n2', { cert: creds.certPem, key: creds.keyPem })).config);
    clients.push(asNode);
    const usages = ['digital signature', 'server auth'];
    const foreign = await createCSR({ commonName: 'system:node:n2', organizations: ['system:nodes'], hosts: ['n2', 'kubernetes.default.svc'] });
    const own = await createCSR({ commonName: 'system:node:n2', organizations: ['system:nodes'], hosts: ['n2', '10.250.0.2'] });
    await asNode.resource(CertificateSigningRequestKind).create(csrObject('serving-foreign', foreign.csrPem, 'kubernetes.io/kubelet-serving', usages));
    await asNode.resource(CertificateSigningRequestKind).create(csrObject('serving-own', own.csrPem, 'kubernetes.io/kubelet-serving', usages));

    const certPem = await issued(asNode, 'serving-own');
    expect(describeCertificate(certPem)).toMatchObject({ commonName: 'system:node:n2', organizations: ['system:nodes'], hosts: ['n2', '10.250.0.2'] });
    const approvedOwn = await admin.resource(CertificateSigningRequestKind).get('serving-own');
    expect(approvedOwn.spec.username).toBe('system:node:n2');
    expect(approvedOwn.status?.conditions?.[0]).toMatchObject({ type: 'Approved', reason: 'AutoApproved' });

    const pending = await admin.resource(CertificateSigningRequestKind).get('serving-foreign');
    expect(pending.status?.conditions ?? []).toEqual([]);
    expect(pending.status?.certificate).toBeUndefined();
  });

  it('rejects malformed requests with upstream’s field errors', async () => {
    const { csrPem } = await createCSR({ commonName: 'x' });
    const bad = csrObject('bad', csrPem, 'example', ['client auth', 'bogus'], { expirationSeconds: 60 });
    await expect(admin.resource(CertificateSigningRequestKind).create(bad)).rejects.toMatchObject({
      status: { code: 422, reason: 'Invalid' },
    });
    const res = await api.kubectl(['create', '-f', '-'], { input: JSON.stringify({ ...bad, spec: { ...bad.spec, request: b64('not a pem') } }) });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('spec.request: Invalid value');
    expect(res.stderr).toContain('PEM block type must be CERTIFICATE REQUEST');
    expect(res.stderr).toContain("spec.signerName: Invalid value: \"example\": must be a fully qualified domain and path of the form 'example.com/signer-name'");
    expect(res.stderr).toContain('spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)');
    expect(res.stderr).toContain('spec.usages[1]: Unsupported value: "bogus"');
  });
});
