// ServiceAccount: pods run as serviceAccountName "default" unless they name one. When the apiserver can issue
// tokens (TokenRequest is served) and the namespace has the kube-root-ca.crt ConfigMap, pods that automount get
// upstream's projected kube-api-access-<5 chars> volume, mounted read-only at
// /var/run/secrets/kubernetes.io/serviceaccount in every container.
import { randomBytes } from 'node:crypto';
import type { AdmissionPlugin } from './interface';
import { isPod } from './interface';

export const DefaultServiceAccountName = 'default';
export const ServiceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
export const RootCAConfigMapName = 'kube-root-ca.crt';
export const DefaultTokenExpirationSeconds = 3607;

export interface ServiceAccountAdmissionOptions {
  /** add the projected token volume (only when the TokenRequest endpoint exists) */
  mountTokenVolume?: boolean;
}

interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}
interface ContainerLike {
  volumeMounts?: VolumeMount[];
}
interface PodSpecSA {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  volumes?: Array<{ name: string }>;
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
}

const alnum = 'bcdfghjklmnpqrstvwxz2456789'; // upstream's utilrand alphabet
function suffix(): string {
  return [...randomBytes(5)].map((b) => alnum[b % alnum.length]).join('');
}

export function projectedTokenVolume(name: string): Record<string, unknown> {
  return {
    name,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: DefaultTokenExpirationSeconds, path: 'token' } },
        { configMap: { name: RootCAConfigMapName, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

export function serviceAccountAdmission(opts: ServiceAccountAdmissionOptions = {}): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    async admit(req, lookup) {
      if (req.operation !== 'CREATE' || !isPod(req)) return;
      // mirror pods (static pods from a kubelet) get no service account, as upstream
      if (req.obj.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return;
      const spec = (req.obj.spec ??= {}) as PodSpecSA;
      spec.serviceAccountName ||= spec.serviceAccount || DefaultServiceAccountName;
      spec.serviceAccount = spec.serviceAccountName;
      if (!opts.mountTokenVolume) return;
      if (spec.automountServiceAccountToken === false) return;
      const sa = await lookup.get('', 'serviceaccounts', req.namespace, spec.serviceAccountName);
      if ((sa as { automountServiceAccountToken?: boolean } | undefined)?.automountServiceAccountToken === false && spec.automountServiceAccountToken !== true) return;
      const all = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
      if (all.some((c) => c.volumeMounts?.some((m) => m.mountPath === ServiceAccountMountPath))) return;
      if (!(await lookup.get('', 'configmaps', req.namespace, RootCAConfigMapName))) return;
      let name = `kube-api-access-${suffix()}`;
      while (spec.volumes?.some((v) => v.name === name)) name = `kube-api-access-${suffix()}`;
      (spec.volumes ??= []).push(projectedTokenVolume(name) as { name: string });
      for (const c of all) (c.volumeMounts ??= []).push({ name, readOnly: true, mountPath: ServiceAccountMountPath });
    },
  };
}
