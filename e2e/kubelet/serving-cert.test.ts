// The API server verifies kubelets' serving certificates (issue 13): an API server with
// --kubelet-certificate-authority, the controller-manager's csrsigning + csrapproving signing with that CA, and a
// real kubelet (as system:node:<name>) with --rotate-server-certificates. The kubelet's kubelet-serving CSR is
// auto-approved and signed, the kubelet serves the issued certificate, and `kubectl logs` works through the API
// server; a kubelet serving a self-signed certificate is refused with a verification error.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { Registry } from 'prom-client';
import { CertificateSigningRequestKind, NodeKind, PodKind } from '@kubets/api';
import { createCA, nopLogger, type KeyPairPem } from '@kubets/client';
import { parseControllerManagerFlags, runControllerManager } from '@kubets/controller-manager';
import { KubeletAuth, loadOrCreateServingCert, startKubeletServer, type KubeletServer, type ServerRuntime } from '@kubets/kubelet/server';
import { eventually } from '../harness/apiserver';
import { startKubeletEnv, type KubeletEnv } from './harness';

jest.setTimeout(180_000);

let env: KubeletEnv;
let servingCA: KeyPairPem;
let caDir: string;
let cm: Promise<void> | undefined;
const cmAC = new AbortController();

beforeAll(async () => {
  // the CA the API server trusts for kubelets and csrsigning signs with (kts up uses the cluster CA for both)
  caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-serving-ca-'));
  servingCA = await createCA('kubelet-serving-ca');
  const caFile = path.join(caDir, 'ca.crt');
  const caKeyFile = path.join(caDir, 'ca.key');
  fs.writeFileSync(caFile, servingCA.certPem);
  fs.writeFileSync(caKeyFile, servingCA.keyPem, { mode: 0o600 });
  env = await startKubeletEnv(49, ['--rotate-server-certificates'], false, { asNode: true, api: { kubeletCertificateAuthority: caFile } });
  cm = runControllerManager(
    parseControllerManagerFlags([
      `--kubeconfig=${env.api.kubeconfig}`, '--secure-port=-1', '--leader-elect=false', '--controllers=csrsigning,csrapproving',
      `--cluster-signing-cert-file=${caFile}`, `--cluster-signing-key-file=${caKeyFile}`,
    ]),
    cmAC.signal,
    { logger: nopLogger },
  );
});

afterAll(async () => {
  cmAC.abort();
  await cm?.catch(() => undefined);
  await env?.cleanup();
  fs.rmSync(caDir, { recursive: true, force: true });
});

/** The certificate a new TLS handshake with the server at 127.0.0.1:port gets (not verified here). */
const servedCert = (port: number) =>
  new Promise<X509Certificate>((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(new X509Certificate(s.getPeerCertificate(false).raw));
      s.end();
    });
    s.on('error', reject);
  });

describe('kubelet serving certificates verified by the API server', () => {
  it("the kubelet's kubelet-serving CSR is auto-approved and signed, and the kubelet serves the issued certificate", async () => {
    const csr = await eventually(async () => {
      const list = await env.client.resource(CertificateSigningRequestKind).list();
      const c = list.items.find((x) => x.spec.signerName === 'kubernetes.io/kubelet-serving' && x.status?.certificate);
      if (!c) throw new Error(`no issued kubelet-serving CSR yet: ${JSON.stringify(list.items.map((x) => [x.metadata.name, x.status?.conditions]))}`);
      return c;
    }, 60_000, 250);
    expect(csr.spec.username).toBe(`system:node:${env.nodeName}`);
    expect(csr.spec.usages).toEqual(['digital signature', 'key encipherment', 'server auth']);
    expect(csr.status?.conditions?.find((c) => c.type === 'Approved')).toMatchObject({ status: 'True' });

    const port = env.kubelet.server?.port ?? 0;
    const ca = new X509Certificate(servingCA.certPem);
    const served = await eventually(async () => {
      const c = await servedCert(port);
      if (!c.verify(ca.publicKey)) throw new Error(`still serving ${c.issuer}`);
      return c;
    }, 30_000, 200);
    expect(served.subject).toContain(`CN=system:node:${env.nodeName}`);
    expect(served.subjectAltName).toContain(`DNS:${env.nodeName}`);
    expect(served.subjectAltName).toContain('IP Address:127.0.0.1');
    // kept for a restart
    expect(fs.statSync(path.join(env.rootDir, 'pki', 'kubelet-server-current.pem')).mode & 0o777).toBe(0o600);
  });

  it('kubectl logs and exec work through the API server, which verified the kubelet', async () => {
    await env.createPod({ metadata: { name: 'talker' }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo hello-verified; exec sleep 3600'] }] } });
    await env.waitPod('talker', (p) => p.status?.phase === 'Running', 60_000);
    const logs = await eventually(async () => {
      const r = await env.api.kubectl(['logs', 'talker']);
      if (r.code !== 0 || !r.stdout.includes('hello-verified')) throw new Error(`kubectl logs: ${r.code} ${r.stdout} ${r.stderr}`);
      return r;
    }, 30_000, 250);
    expect(logs.stdout).toBe('hello-verified\n');
    const exec = await env.api.kubectl(['exec', 'talker', '--', 'echo', 'exec-ok']);
    expect(exec).toMatchObject({ code: 0, stdout: 'exec-ok\n' });
  });

  describe('a kubelet serving a certificate the CA did not sign', () => {
    let rogue: KubeletServer | undefined;
    const rogueNode = 'rogue-node';
    afterAll(async () => {
      await rogue?.close();
      await env.client.resource(PodKind).namespace('default').delete('on-rogue', { gracePeriodSeconds: 0 }).catch(() => undefined);
      await env.client.resource(NodeKind).delete(rogueNode).catch(() => undefined);
    });

    it('is refused: kubectl logs fails with a certificate verification error and the kubelet gets no request', async () => {
      const self = await loadOrCreateServingCert({ certDir: path.join(env.rootDir, 'rogue-pki'), hostname: rogueNode, ips: ['127.0.0.1'] });
      expect(self.generated).toBe(true);
      const requests: string[] = [];
      const open = new KubeletAuth({ nodeName: rogueNode, anonymous: true, authorization: { mode: 'AlwaysAllow' } });
      const none = async (): Promise<never> => Promise.reject(new Error('not used'));
      const runtime: ServerRuntime = { listPodSandboxes: async () => [], listContainers: async () => [], containerStatus: none, listContainerStats: async () => [], exec: none, attach: none, portForward: none };
      rogue = await startKubeletServer({
        address: '127.0.0.1', port: 0, tls: { cert: self.cert, key: self.key }, runtime, registry: new Registry(),
        auth: { authenticate: (req) => (requests.push(req.url ?? ''), open.authenticate(req)), authorize: (u, m, p) => open.authorize(u, m, p) },
        pods: { listPods: () => [], getPod: () => undefined, sandboxId: () => undefined, containerId: () => undefined },
      });
      const node = await env.client.resource(NodeKind).create({ apiVersion: 'v1', kind: 'Node', metadata: { name: rogueNode } });
      await env.client.resource(NodeKind).updateStatus({
        ...node,
        status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: rogueNode }], daemonEndpoints: { kubeletEndpoint: { Port: rogue.port } } },
      });
      await env.client.resource(PodKind).namespace('default').create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'on-rogue', namespace: 'default' }, spec: { nodeName: rogueNode, containers: [{ name: 'c', image: 'busybox' }] } });

      const r = await env.api.kubectl(['logs', 'on-rogue']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/error dialing kubelet: self-signed certificate in certificate chain/);
      const exec = await env.api.kubectl(['exec', 'on-rogue', '--', 'true']);
      expect(exec.code).not.toBe(0);
      expect(requests).toEqual([]);
    });
  });
});
