// The cluster's PKI on disk, created on first start by `kts up` / `kts server` and renewed on start when close to
// expiry: one CA (serving, client and CSR signing, as kubeadm does), the API server's serving certificate, and a
// client certificate per control-plane identity with the user and groups Kubernetes gives it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCA, describeCertificate, issueCertificate, keyMatchesCertificate, type CertRequest, type KeyPairPem } from './x509';

/** Client identities of the control plane (CN = user, O = groups). */
export const controlPlaneIdentities = {
  /** the admin: system:masters is bound to cluster-admin */
  admin: { commonName: 'kts-admin', organizations: ['system:masters'] },
  'kube-scheduler': { commonName: 'system:kube-scheduler', organizations: [] },
  'kube-controller-manager': { commonName: 'system:kube-controller-manager', organizations: [] },
  'kube-proxy': { commonName: 'system:kube-proxy', organizations: [] },
  /** the API server calling kubelets (logs, exec, port-forward) */
  'apiserver-kubelet-client': { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] },
} as const;
export type ControlPlaneIdentity = keyof typeof controlPlaneIdentities;

/** Renew a certificate on start when less than this is left (k3s uses 90 days). */
const RENEW_BEFORE_MS = 90 * 24 * 3600 * 1000;

export interface CertFiles {
  certFile: string;
  keyFile: string;
}

export interface ClusterPki {
  dir: string;
  caFile: string;
  caKeyFile: string;
  ca: KeyPairPem;
  serving: CertFiles;
  client(name: ControlPlaneIdentity): CertFiles & KeyPairPem;
}

export interface ClusterPkiOptions {
  /** the serving certificate's SANs: DNS names and IPs (127.0.0.1, localhost and the kubernetes service names are always added) */
  hosts: string[];
  /** the first address of the service CIDR (kubernetes.default) */
  kubernetesServiceIP?: string;
  clusterDomain?: string;
}

/** 0700 for directories and 0600 for keys, even when they already existed with looser modes. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

export function writePrivateFile(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

function writePublicFile(file: string, data: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data, { mode: 0o644 });
  fs.renameSync(tmp, file);
}

function readPair(files: CertFiles): KeyPairPem | undefined {
  try {
    const pair = { certPem: fs.readFileSync(files.certFile, 'utf8'), keyPem: fs.readFileSync(files.keyFile, 'utf8') };
    fs.chmodSync(files.keyFile, 0o600);
    return keyMatchesCertificate(pair.certPem, pair.keyPem) ? pair : undefined;
  } catch {
    return undefined;
  }
}

function usable(pair: KeyPairPem | undefined, now: number, hosts: string[] = []): pair is KeyPairPem {
  if (!pair) return false;
  const info = describeCertificate(pair.certPem);
  if (info.notAfter.getTime() - now < RENEW_BEFORE_MS) return false;
  return hosts.every((h) => info.hosts.includes(h));
}

/** Loads the certificate pair at `files`, or issues (and writes) a new one from the CA when missing, mismatched,
 * close to expiry or lacking a required host. */
export async function ensureCertificate(ca: KeyPairPem, files: CertFiles, req: CertRequest, now = Date.now()): Promise<KeyPairPem> {
  const existing = readPair(files);
  if (usable(existing, now, req.hosts) && describeCertificate(existing.certPem).issuer === describeCertificate(ca.certPem).issuer) return existing;
  const pair = await issueCertificate(ca, req);
  writePrivateFile(files.keyFile, pair.keyPem);
  writePublicFile(files.certFile, pair.certPem);
  return pair;
}

function kubernetesNames(domain: string): string[] {
  return ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${domain}`];
}

/** Creates or loads `<dataDir>/tls`: the CA, the serving certificate and the control-plane client certificates. */
export async function ensureClusterPki(dataDir: string, o: ClusterPkiOptions): Promise<ClusterPki> {
  const dir = path.join(dataDir, 'tls');
  ensurePrivateDir(dataDir);
  ensurePrivateDir(dir);
  const caFiles = { certFile: path.join(dir, 'ca.crt'), keyFile: path.join(dir, 'ca.key') };
  let ca = readPair(caFiles);
  if (!ca) {
    // A new CA invalidates every certificate issued by an old one; those are reissued below.
    ca = await createCA(`kts-ca@${Math.floor(Date.now() / 1000)}`);
    writePrivateFile(caFiles.keyFile, ca.keyPem);
    writePublicFile(caFiles.certFile, ca.certPem);
  }
  const hosts = [...new Set(['127.0.0.1', 'localhost', ...kubernetesNames(o.clusterDomain ?? 'cluster.local'), ...(o.kubernetesServiceIP ? [o.kubernetesServiceIP] : []), ...o.hosts])];
  const serving = { certFile: path.join(dir, 'apiserver.crt'), keyFile: path.join(dir, 'apiserver.key') };
  await ensureCertificate(ca, serving, { commonName: 'kube-apiserver', hosts, usage: 'server' });
  const clients = new Map<ControlPlaneIdentity, CertFiles & KeyPairPem>();
  for (const [name, id] of Object.entries(controlPlaneIdentities) as [ControlPlaneIdentity, (typeof controlPlaneIdentities)[ControlPlaneIdentity]][]) {
    const files = { certFile: path.join(dir, `${name}.crt`), keyFile: path.join(dir, `${name}.key`) };
    const pair = await ensureCertificate(ca, files, { commonName: id.commonName, organizations: [...id.organizations], usage: 'client' });
    clients.set(name, { ...files, ...pair });
  }
  const caPair = ca;
  return {
    dir,
    caFile: caFiles.certFile,
    caKeyFile: caFiles.keyFile,
    ca: caPair,
    serving,
    client(name) {
      const c = clients.get(name);
      if (!c) throw new Error(`no client certificate for ${name}`);
      return c;
    },
  };
}
