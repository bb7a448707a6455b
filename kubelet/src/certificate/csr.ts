// A kubelet client certificate through the CSR API (pkg/kubelet/certificate/bootstrap + client-go's
// certificate/csr): a new key, a CSR for CN system:node:<name>, O system:nodes to the
// kubernetes.io/kube-apiserver-client-kubelet signer, then a watch until it is issued, denied or failed.
// The same call serves the first join (as a bootstrap token) and renewals (as the node itself).
import { CertificateSigningRequestKind, KubeAPIServerClientKubeletSignerName, type CertificateSigningRequest } from '@kubets/api';
import { createCSR, type KubeClient } from '@kubets/client';

export const nodeClientUsages = ['digital signature', 'client auth'];

export class CsrRefused extends Error {
  constructor(public readonly csrName: string, public readonly condition: 'Denied' | 'Failed', public readonly reason: string, detail: string) {
    super(`certificate signing request ${csrName} was ${condition.toLowerCase()}${reason ? ` (${reason})` : ''}${detail ? `: ${detail}` : ''}`);
  }
}

export interface ClientCertRequest {
  nodeName: string;
  /** how long to wait for approval and signing (upstream: 15 minutes for bootstrap) */
  timeoutMs: number;
  signal?: AbortSignal;
  /** called once the request exists, with its name (for logs: "waiting for approval of …") */
  onCreated?: (name: string) => void;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  csrName: string;
}

/** What a CSR came to: the certificate, a refusal, or nothing yet. */
export function csrOutcome(csr: CertificateSigningRequest): { certPem: string } | CsrRefused | undefined {
  const name = csr.metadata.name ?? '';
  for (const c of csr.status?.conditions ?? []) {
    if ((c.type === 'Denied' || c.type === 'Failed') && c.status === 'True') return new CsrRefused(name, c.type, c.reason ?? '', c.message ?? '');
  }
  const approved = (csr.status?.conditions ?? []).some((c) => c.type === 'Approved' && c.status === 'True');
  const cert = csr.status?.certificate;
  if (approved && cert) return { certPem: Buffer.from(cert, 'base64').toString('utf8') };
  return undefined;
}

/** Creates the request and waits for its certificate; throws CsrRefused, or a timeout error. */
export function requestNodeClientCertificate(client: KubeClient, o: ClientCertRequest): Promise<IssuedCertificate> {
  return requestCertificate(client, { ...o, generateName: 'node-csr-', signerName: KubeAPIServerClientKubeletSignerName, usages: nodeClientUsages, hosts: [] });
}

export interface CertificateRequest extends ClientCertRequest {
  generateName: string;
  signerName: string;
  usages: string[];
  /** DNS names and IP addresses for the subjectAltName extension */
  hosts: string[];
}

/** A new key and a CSR for CN system:node:<name>, O system:nodes to the given signer, then the wait for its certificate. */
export async function requestCertificate(client: KubeClient, o: CertificateRequest): Promise<IssuedCertificate> {
  const { csrPem, keyPem } = await createCSR({ commonName: `system:node:${o.nodeName}`, organizations: ['system:nodes'], hosts: o.hosts });
  const api = client.resource(CertificateSigningRequestKind);
  const created = await api.create(
    {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { generateName: o.generateName },
      spec: { request: Buffer.from(csrPem, 'utf8').toString('base64'), signerName: o.signerName, usages: o.usages },
    },
    o.signal ? { signal: o.signal } : {},
  );
  const name = created.metadata.name ?? '';
  o.onCreated?.(name);
  const deadline = Date.now() + o.timeoutMs;
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => ac.abort(), o.timeoutMs);
  try {
    let current: CertificateSigningRequest = created;
    for (;;) {
      const got = csrOutcome(current);
      if (got instanceof CsrRefused) throw got;
      if (got) return { certPem: got.certPem, keyPem, csrName: name };
      if (ac.signal.aborted) throw new Error(o.signal?.aborted ? 'aborted' : `timed out after ${Math.round(o.timeoutMs / 1000)}s waiting for certificate signing request ${name} to be approved and signed`);
      // a watch from the version we hold: every change arrives in order; when it ends (server timeout) get again
      const w = await api.watch({ fieldSelector: `metadata.name=${name}`, resourceVersion: current.metadata.resourceVersion ?? '', timeoutSeconds: Math.max(1, Math.ceil((deadline - Date.now()) / 1000)), signal: ac.signal });
      try {
        for await (const ev of w) {
          if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
          current = ev.object;
          if (csrOutcome(current)) break;
        }
      } catch (e) {
        if (!ac.signal.aborted) throw e;
      } finally {
        w.close();
      }
      if (!csrOutcome(current) && !ac.signal.aborted) current = await api.get(name, { signal: ac.signal });
    }
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}
