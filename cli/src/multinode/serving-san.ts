// `kts up --nodes`: the node bridge's host address appears after the control plane started, so its serving
// certificate is reissued to name it (like k3s' dynamiclistener adding SANs) and the API server picks the new pair
// up from its files. We wait until the server actually presents it: agents refuse a certificate without that name.
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import { describeCertificate, ensureCertificate, type ClusterPki } from '@kubets/client';

function presentedHosts(url: URL, caPem: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: url.hostname, port: Number(url.port), ca: caPem, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
      const c = s.getPeerCertificate();
      s.destroy();
      resolve((c.subjectaltname ?? '').split(', ').map((x) => x.replace(/^(DNS|IP Address):/, '')));
    });
    s.on('error', reject);
  });
}

export async function serveCertificateFor(pki: ClusterPki, host: string, serverUrl: string, signal: AbortSignal): Promise<void> {
  const current = describeCertificate(fs.readFileSync(pki.serving.certFile, 'utf8'));
  await ensureCertificate(pki.ca, pki.serving, { commonName: 'kube-apiserver', hosts: [...new Set([...current.hosts, host])], usage: 'server' });
  const url = new URL(serverUrl);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const hosts = await presentedHosts(url, pki.ca.certPem).catch(() => [] as string[]);
    if (hosts.includes(host)) return;
    if (signal.aborted || Date.now() > deadline) throw new Error(`the API server does not present a certificate naming ${host} (is it reloading ${pki.serving.certFile}?)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
