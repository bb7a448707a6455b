// What the control plane's own components and the local node authenticate with: the cluster PKI under
// <data-dir>/tls and one kubeconfig per identity (admin, scheduler, controller-manager, proxy, this node's
// kubelet), each holding the CA and only its own client certificate.
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureClusterPki, issueCertificate, writeKubeconfig, type ClusterPki, type ControlPlaneIdentity, type KeyPairPem } from '@kubets/client';

export interface ClusterCredentials {
  pki: ClusterPki;
  /** <data-dir>/kubeconfig: the admin (system:masters) */
  adminKubeconfig: string;
  /** a kubeconfig for one control-plane identity (written on first use) */
  kubeconfig(identity: ControlPlaneIdentity): string;
  /** a kubeconfig for the kubelet of `nodeName` (system:node:<name> in system:nodes) */
  nodeKubeconfig(nodeName: string): Promise<string>;
}

/** This machine's addresses: the serving certificate names them so agents and pods can verify the server. */
export function localAddresses(): string[] {
  const out: string[] = [];
  for (const addrs of Object.values(os.networkInterfaces())) for (const a of addrs ?? []) if (!a.internal) out.push(a.address);
  return out;
}

export async function prepareCredentials(dataDir: string, o: { bindAddress: string; tlsSans: string[]; kubernetesServiceIP: string }): Promise<{ pki: ClusterPki; finish(apiUrl: string): ClusterCredentials }> {
  const hosts = [...(o.bindAddress && o.bindAddress !== '0.0.0.0' && o.bindAddress !== '::' ? [o.bindAddress] : []), ...localAddresses(), os.hostname().toLowerCase(), ...o.tlsSans];
  const pki = await ensureClusterPki(dataDir, { hosts, kubernetesServiceIP: o.kubernetesServiceIP });
  return {
    pki,
    finish(apiUrl) {
      const write = (file: string, pair: KeyPairPem, user: string) => {
        writeKubeconfig(file, { server: apiUrl, ca: pki.ca.certPem, clientCert: pair.certPem, clientKey: pair.keyPem, userName: user, namespace: 'default' });
        return file;
      };
      const adminKubeconfig = write(path.join(dataDir, 'kubeconfig'), pki.client('admin'), 'admin');
      const written = new Map<string, string>();
      return {
        pki,
        adminKubeconfig,
        kubeconfig(identity) {
          let f = written.get(identity);
          if (!f) written.set(identity, (f = write(path.join(pki.dir, `${identity}.kubeconfig`), pki.client(identity), identity)));
          return f;
        },
        async nodeKubeconfig(nodeName) {
          const pair = await issueCertificate(pki.ca, { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], usage: 'client' });
          return write(path.join(pki.dir, `kubelet-${nodeName}.kubeconfig`), pair, `system:node:${nodeName}`);
        },
      };
    },
  };
}
