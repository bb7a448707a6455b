// Publishes this DNS server as the cluster's DNS: the kube-dns Service in kube-system (a fixed ClusterIP, the
// 10th address of the range, as kubeadm does) and one EndpointSlice per node pointing at this server.
import { ServiceKind, EndpointSliceKind, hasReason, type Service, type EndpointSlice } from '@kubets/api';
import type { KubeClient } from '@kubets/client';

export async function ensureKubeDnsService(client: KubeClient, clusterIP: string): Promise<void> {
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    },
    spec: {
      clusterIP,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      ],
    },
  };
  const res = client.resource(ServiceKind).namespace('kube-system');
  // Look first: creating a Service with a taken clusterIP fails as Invalid ("already allocated"), not AlreadyExists.
  try {
    await res.get('kube-dns');
    return;
  } catch (e) {
    if (!hasReason(e, 'NotFound')) throw e;
  }
  try {
    await res.create(svc, { fieldManager: 'kts-dns' });
  } catch (e) {
    if (hasReason(e, 'AlreadyExists')) return;
    // Another node's proxy may have won the race for the fixed IP: then the Service exists now.
    if (hasReason(e, 'Invalid') && (await res.get('kube-dns').then(() => true, () => false))) return;
    throw e;
  }
}

export async function publishDnsEndpoint(client: KubeClient, nodeName: string, ip: string, port: number): Promise<void> {
  const name = `kube-dns-${nodeName}`.slice(0, 63).replace(/[^a-z0-9.-]/g, '-');
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      namespace: 'kube-system',
      labels: { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'kts-dns' },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true, serving: true, terminating: false }, nodeName }],
    ports: [
      { name: 'dns', port, protocol: 'UDP' },
      { name: 'dns-tcp', port, protocol: 'TCP' },
    ],
  };
  const res = client.resource(EndpointSliceKind).namespace('kube-system');
  try {
    await res.create(slice, { fieldManager: 'kts-dns' });
  } catch (e) {
    if (!hasReason(e, 'AlreadyExists')) throw e;
    const cur = await res.get(name);
    await res.update({ ...slice, metadata: { ...slice.metadata, resourceVersion: cur.metadata.resourceVersion } }, { fieldManager: 'kts-dns' });
  }
}
