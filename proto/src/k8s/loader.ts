// Loads our Kubernetes .proto subset (proto/k8s/*.proto, shipped with the package) with protobufjs, once.
// Resolved relative to this file so it works from src (jest) and from dist (tsc): both sit two levels below proto/.
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as protobuf from 'protobufjs';

export const K8S_PROTO_DIR = path.resolve(__dirname, '..', '..', 'k8s');
const FILES = [
  'runtime.proto',
  'meta.proto',
  'resource.proto',
  'intstr.proto',
  'core.proto',
  'apps.proto',
  'batch.proto',
  'rbac.proto',
  'authentication.proto',
  'scheduling.proto',
  'policy.proto',
  'networking.proto',
];

let root: protobuf.Root | undefined;

export function k8sRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => {
    const local = path.join(K8S_PROTO_DIR, path.basename(target));
    return fs.existsSync(local) ? local : target;
  };
  r.loadSync(
    FILES.map((f) => path.join(K8S_PROTO_DIR, f)),
    { keepCase: true },
  );
  r.resolveAll();
  root = r;
  return r;
}

export function k8sType(fullName: string): protobuf.Type {
  return k8sRoot().lookupType(fullName);
}

/** apiVersion + kind → the message that carries the object (the kinds kubectl's typed clients create). */
export const KIND_MESSAGES: Readonly<Record<string, string>> = {
  'v1/Namespace': 'k8s.io.api.core.v1.Namespace',
  'v1/ConfigMap': 'k8s.io.api.core.v1.ConfigMap',
  'v1/Secret': 'k8s.io.api.core.v1.Secret',
  'v1/Service': 'k8s.io.api.core.v1.Service',
  'v1/ServiceAccount': 'k8s.io.api.core.v1.ServiceAccount',
  'v1/Pod': 'k8s.io.api.core.v1.Pod',
  'v1/ResourceQuota': 'k8s.io.api.core.v1.ResourceQuota',
  'apps/v1/Deployment': 'k8s.io.api.apps.v1.Deployment',
  'batch/v1/Job': 'k8s.io.api.batch.v1.Job',
  'batch/v1/CronJob': 'k8s.io.api.batch.v1.CronJob',
  'rbac.authorization.k8s.io/v1/Role': 'k8s.io.api.rbac.v1.Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'k8s.io.api.rbac.v1.ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'k8s.io.api.rbac.v1.RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'k8s.io.api.rbac.v1.ClusterRoleBinding',
  'authentication.k8s.io/v1/TokenRequest': 'k8s.io.api.authentication.v1.TokenRequest',
  'scheduling.k8s.io/v1/PriorityClass': 'k8s.io.api.scheduling.v1.PriorityClass',
  'policy/v1/PodDisruptionBudget': 'k8s.io.api.policy.v1.PodDisruptionBudget',
  'networking.k8s.io/v1/Ingress': 'k8s.io.api.networking.v1.Ingress',
};

export function messageForKind(apiVersion: string, kind: string): protobuf.Type | undefined {
  const name = KIND_MESSAGES[`${apiVersion}/${kind}`];
  return name ? k8sType(name) : undefined;
}
