// setServingCertificate: a new pair is served from the next handshake on, without a restart; a connection opened
// before keeps working; a pair whose key does not match is refused and the old one stays.
import * as https from 'node:https';
import * as tls from 'node:tls';
import { Registry } from 'prom-client';
import { createCA, issueCertificate, type KeyPairPem } from '@kubets/client';
import { KubeletAuth, startKubeletServer, type KubeletServer, type ServerRuntime } from './index';

let ca: KeyPairPem;
let kubelet: KubeletServer;
const none = async (): Promise<never> => Promise.reject(new Error('not used'));
const runtime: ServerRuntime = { listPodSandboxes: async () => [], listContainers: async () => [], containerStatus: none, listContainerStats: async () => [], exec: none, attach: none, portForward: none };

beforeAll(async () => {
  ca = await createCA('serving-ca');
  const first = await issueCertificate(ca, { commonName: 'system:node:n1', hosts: ['127.0.0.1'], usage: 'server', days: 1 });
  kubelet = await startKubeletServer({
    address: '127.0.0.1',
    port: 0,
    tls: { cert: first.certPem, key: first.keyPem },
    auth: new KubeletAuth({ nodeName: 'n1', anonymous: true, authorization: { mode: 'AlwaysAllow' } }),
    runtime,
    registry: new Registry(),
    pods: { listPods: () => [], getPod: () => undefined, sandboxId: () => undefined, containerId: () => undefined },
  });
});
afterAll(() => kubelet.close());

/** The serial number of the certificate a new TLS handshake gets (verified against the CA). */
const servedSerial = () =>
  new Promise<string>((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: kubelet.port, ca: ca.certPem }, () => {
      resolve(s.getPeerCertificate().serialNumber);
      s.end();
    });
    s.on('error', reject);
  });

const healthz = (agent: https.Agent) =>
  new Promise<number>((resolve, reject) => {
    https.get({ host: '127.0.0.1', port: kubelet.port, path: '/healthz', agent, ca: ca.certPem }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });

it('serves a new pair from the next handshake on; an open connection keeps going', async () => {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  expect(await healthz(agent)).toBe(200);
  const before = await servedSerial();
  const next = await issueCertificate(ca, { commonName: 'system:node:n1', hosts: ['127.0.0.1'], usage: 'server', days: 1 });
  kubelet.setServingCertificate(next.certPem, next.keyPem);
  const after = await servedSerial();
  expect(after).not.toBe(before);
  expect(after.toLowerCase()).toBe(new (await import('node:crypto')).X509Certificate(next.certPem).serialNumber.toLowerCase());
  // the keep-alive socket opened with the old certificate still serves requests
  expect(await healthz(agent)).toBe(200);
  agent.destroy();
});

it('refuses a pair whose key does not match, and keeps serving the current one', async () => {
  const current = await servedSerial();
  const a = await issueCertificate(ca, { commonName: 'a', hosts: ['127.0.0.1'], usage: 'server', days: 1 });
  const b = await issueCertificate(ca, { commonName: 'b', hosts: ['127.0.0.1'], usage: 'server', days: 1 });
  expect(() => kubelet.setServingCertificate(a.certPem, b.keyPem)).toThrow();
  expect(await servedSerial()).toBe(current);
});
