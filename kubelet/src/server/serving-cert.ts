// The kubelet server's certificate: --tls-cert-file/--tls-private-key-file, or (neither given) <cert-dir>/kubelet.crt
// and kubelet.key, generated self-signed on first start as upstream's certutil.GenerateSelfSignedCertKey does: a
// throwaway CA "<host>-ca@<unix time>" signs "<host>@<unix time>", and the file holds the certificate then the CA.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCA, issueCertificate, ensurePrivateDir, writePrivateFile } from '@kubets/client';

export interface ServingCertFiles {
  certFile?: string;
  keyFile?: string;
  /** --cert-dir: where the self-signed pair lives when no files are given */
  certDir: string;
  /** node name / hostname and IPs for the subjectAltNames of a generated certificate */
  hostname: string;
  ips: string[];
}

export interface LoadedServingCert {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
  generated: boolean;
}

export async function loadOrCreateServingCert(o: ServingCertFiles): Promise<LoadedServingCert> {
  if (!!o.certFile !== !!o.keyFile) throw new Error('--tls-cert-file and --tls-private-key-file must be given together');
  if (o.certFile && o.keyFile) {
    return { cert: fs.readFileSync(o.certFile, 'utf8'), key: fs.readFileSync(o.keyFile, 'utf8'), certFile: o.certFile, keyFile: o.keyFile, generated: false };
  }
  const certFile = path.join(o.certDir, 'kubelet.crt');
  const keyFile = path.join(o.certDir, 'kubelet.key');
  try {
    return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8'), certFile, keyFile, generated: false };
  } catch {
    /* not there yet: generate */
  }
  const stamp = Math.floor(Date.now() / 1000);
  const ca = await createCA(`${o.hostname}-ca@${stamp}`, 365);
  const leaf = await issueCertificate(ca, { commonName: `${o.hostname}@${stamp}`, hosts: [o.hostname, ...o.ips], usage: 'server', days: 365 });
  const nl = (pem: string): string => (pem.endsWith('\n') ? pem : `${pem}\n`);
  const chain = nl(leaf.certPem) + nl(ca.certPem);
  ensurePrivateDir(o.certDir);
  writePrivateFile(keyFile, nl(leaf.keyPem));
  writePrivateFile(certFile, chain);
  return { cert: chain, key: nl(leaf.keyPem), certFile, keyFile, generated: true };
}
