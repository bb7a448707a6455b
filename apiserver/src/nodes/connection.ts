// How the apiserver reaches a node's kubelet: the address from node.status.addresses and the port from
// node.status.daemonEndpoints.kubeletEndpoint.Port. pods/log streams and exec/attach/portforward upgrades
// are passed through to it.
import { errors, type KubeObject } from '@kubets/api';

export interface KubeletLocation {
  host: string;
  port: number;
  scheme: 'http' | 'https';
}

export interface NodeConnection {
  /** Where the kubelet of this node listens. Throws a StatusError when unknown. */
  kubeletFor(nodeName: string): Promise<KubeletLocation>;
}

/** The default: reads the Node object. */
export class NodeObjectConnection implements NodeConnection {
  constructor(private readonly getNode: (name: string) => Promise<KubeObject>) {}

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
    return { host: pick.address, port, scheme: 'http' };
  }
}
