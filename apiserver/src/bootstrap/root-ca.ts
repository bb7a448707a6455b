// The kube-root-ca.crt ConfigMap in every namespace (upstream's root-ca-cert-publisher), which projected
// service account volumes mount as ca.crt. We publish at startup for existing namespaces and when a namespace
// is created; the data is --client-ca-file's contents, or empty while the apiserver serves plain HTTP.
import type { KubeObject } from '@kubets/api';
import type { RequestContext } from '../registry/context';
import type { ResourceStore } from '../registry/store';

export const RootCAConfigMap = 'kube-root-ca.crt';

function ctx(namespace: string): RequestContext {
  return { namespace, name: RootCAConfigMap, subresource: '', query: new URLSearchParams(), manager: 'kube-apiserver', fieldValidation: 'Ignore', dryRun: false, warnings: [] };
}

export async function publishRootCA(configMaps: ResourceStore, namespace: string, caPem: string): Promise<void> {
  const data = { 'ca.crt': caPem };
  try {
    const cur = await configMaps.get(ctx(namespace));
    if ((cur.data as Record<string, string> | undefined)?.['ca.crt'] === caPem) return;
    await configMaps.updateWith(ctx(namespace), (c) => ({ ...c, data }), 'Update');
  } catch (e) {
    const code = (e as { status?: { code?: number } }).status?.code;
    if (code !== 404) throw e;
    const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: RootCAConfigMap, namespace, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } }, data };
    try {
      await configMaps.createObject(ctx(namespace), obj, 'Update');
    } catch (e2) {
      const c2 = (e2 as { status?: { code?: number } }).status?.code;
      // 409: someone else published it; 403: the namespace is terminating
      if (c2 !== 409 && c2 !== 403 && c2 !== 404) throw e2;
    }
  }
}

export async function publishRootCAEverywhere(namespaces: ResourceStore, configMaps: ResourceStore, caPem: string): Promise<void> {
  const list = await namespaces.list('', {});
  for (const ns of list.items) {
    if (ns.metadata.deletionTimestamp) continue;
    await publishRootCA(configMaps, ns.metadata.name!, caPem);
  }
}
