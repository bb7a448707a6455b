// How the apiserver reaches a node's kubelet: the address from node.status.addresses and the port from
// node.status.daemonEndpoints.kubeletEndpoint.Port, over HTTPS with the apiserver's kubelet client certificate
// (--kubelet-client-certificate/--kubelet-client-key). pods/log streams and exec/attach/portforward upgrades are
// passed through to it.
import { errors, type KubeObject } from '@kubets/api';

/** kube-apiserver's --kubelet-client-certificate, --kubelet-client-key and --kubelet-certificate-authority (PEM). */
export interface KubeletClientTls {
  cert: string;
  key: string;
  /** verifies the kubelet's serving certificate; absent: not verified (as kube-apiserver), with a warning once */
  ca?: string;
}

/** node:tls connect options for one kubelet. */
export interface KubeletTlsConnect {
  cert?: string;
  key?: string;
  ca?: string;
  rejectUnauthorized: boolean;
}

export interface KubeletLocation {
  host: string;
  port: number;
  scheme: 'http' | 'https';
  /** with scheme https */
  tls?: KubeletTlsConnect;
}

export interface NodeConnection {
  /** Where the kubelet of this node listens. Throws a StatusError when unknown. */
  kubeletFor(nodeName: string): Promise<KubeletLocation>;
}

/** The default: reads the Node object. */
export class NodeObjectConnection implements NodeConnection {
  private readonly tls: KubeletTlsConnect;
  private warned = false;

  constructor(
    private readonly getNode: (name: string) => Promise<KubeObject>,
    tls?: KubeletClientTls,
    private readonly warn: (msg: string) => void = (msg) => process.stderr.write(`${JSON.stringify({ level: 'warning', msg })}\n`),
  ) {
    this.tls = { ...(tls ? { cert: tls.cert, key: tls.key } : {}), ...(tls?.ca ? { ca: tls.ca } : {}), rejectUnauthorized: !!tls?.ca };
  }

  async kubeletFor(nodeName: string): Promise<KubeletLocation> {
    const node = await this.getNode(nodeName);
    const status = (node.status ?? {}) as {
      addresses?: { type: string; address: string }[];
      daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
    };
    const addrs = status.addresses ?? [];
    const pick = addrs.find((a) => a.type === 'InternalIP') ?? addrs.find((a) => a.type === 'ExternalIP') ?? addrs.find((a) => a.type === 'Hostname');
    const port = status.daemonEndpoints?.kubeletEndpoint?.Port;
    if (!pick || !port) throw errors.unavailable(`no kubelet endpoint known for node "${nodeName}"`);
    if (!this.tls.rejectUnauthorized && !this.warned) {
      this.warned = true;
      this.warn('kubelet serving certificates are not verified: set --kubelet-certificate-authority to verify them');
    }
    return { host: pick.address, port, scheme: 'https', tls: this.tls };
  }
}
