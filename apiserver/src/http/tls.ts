// The serving certificate and the client CA of the API server. Given files (--tls-cert-file,
// --tls-private-key-file, --client-ca-file) are used as they are; otherwise the cluster PKI under the data dir
// (created on first start) or, with no data dir, a throwaway CA in memory — there is never a plain-HTTP listener.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureClusterPki } from '@kubets/client';

export interface ServingTlsOptions {
  certFile: string;
  keyFile: string;
}

export interface ServingTls {
  cert: string;
  key: string;
  /** client certificates signed by this bundle authenticate (x509); undefined: no x509 authentication */
  clientCaPem: string | undefined;
  /** the CA clients should trust for this server (published as kube-root-ca.crt) */
  servingCaPem: string;
  /** re-reads the files (certificate rotation); undefined when nothing can change */
  certFiles?: ServingTlsOptions;
}

export async function loadServingTls(given: ServingTlsOptions | undefined, dataDir: string | undefined, clientCAFile: string | undefined, kubernetesServiceIP: string): Promise<ServingTls> {
  const clientCaFromFile = clientCAFile ? fs.readFileSync(clientCAFile, 'utf8') : undefined;
  if (given) {
    const cert = fs.readFileSync(given.certFile, 'utf8');
    return { cert, key: fs.readFileSync(given.keyFile, 'utf8'), clientCaPem: clientCaFromFile, servingCaPem: clientCaFromFile ?? cert, certFiles: given };
  }
  let tmp: string | undefined;
  const dir = dataDir ?? (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-apiserver-pki-')));
  try {
    const pki = await ensureClusterPki(dir, { hosts: [], kubernetesServiceIP });
    return {
      cert: fs.readFileSync(pki.serving.certFile, 'utf8'),
      key: fs.readFileSync(pki.serving.keyFile, 'utf8'),
      clientCaPem: clientCaFromFile ?? pki.ca.certPem,
      servingCaPem: pki.ca.certPem,
      ...(dataDir ? { certFiles: pki.serving } : {}),
    };
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}
