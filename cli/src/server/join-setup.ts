// What `kts server` (and `kts up --nodes`) set up through the API, with the admin's credentials, so agents can join
// (kubeadm's bootstrap-token and cluster-info phases):
// - kube-public/cluster-info: a kubeconfig naming the server and the CA, readable by system:anonymous. Agents read
//   it before they trust anything and keep it only if its CA hashes to the pin in their token. Chosen over a
//   k3s-style /cacerts endpoint: it is plain API (kubeadm's discovery reads the same object), so the API server has
//   no unauthenticated side door and RBAC says who may read it.
// - the agent's proxy runs with the node's identity: system:nodes gets system:node-proxier and kts' cluster DNS
//   publisher Role (see README: one certificate per node to rotate, no shared kube-proxy credential on every node,
//   and upstream never auto-approves kube-apiserver-client CSRs).
// - the server's join token: a bootstrap-token Secret, its K10 form in <data-dir>/server/token (0600).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClusterRoleBindingKind, ConfigMapKind, RoleBindingKind, RoleKind, SecretKind, hasReason } from '@kubets/api';
import type { KubeClient } from '@kubets/client';
import { stringify as stringifyYaml } from 'yaml';
import { bootstrapTokenSecret, caBundleHash, formatJoinToken, generateBootstrapToken, parseBootstrapToken, parseJoinToken, type BootstrapToken } from './join-token';

const manager = 'kts-server';
export const clusterInfoRole = 'kts:bootstrap-signer-clusterinfo';

export function serverTokenFile(dataDir: string): string {
  return path.join(dataDir, 'server', 'token');
}

/** kube-public/cluster-info and who may read it. */
export async function publishClusterInfo(client: KubeClient, server: string, caPem: string): Promise<void> {
  // kubeadm's shape: one cluster named "", no users or contexts
  const kubeconfig = stringifyYaml({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: '', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }], contexts: [], users: [], preferences: {} });
  await client.resource(ConfigMapKind).applyServerSide({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info', namespace: 'kube-public' }, data: { kubeconfig } }, { fieldManager: manager, force: true });
  await client.resource(RoleKind).applyServerSide(
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: clusterInfoRole, namespace: 'kube-public' }, rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: ['cluster-info'], verbs: ['get'] }] },
    { fieldManager: manager, force: true },
  );
  await client.resource(RoleBindingKind).applyServerSide(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: clusterInfoRole, namespace: 'kube-public' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: clusterInfoRole },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:anonymous' }],
    },
    { fieldManager: manager, force: true },
  );
}

/** The agent's proxy authenticates as its node: give system:nodes what kube-proxy and kts' cluster DNS need. */
export async function grantNodesProxyAccess(client: KubeClient): Promise<void> {
  const nodes = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' }];
  await client.resource(ClusterRoleBindingKind).applyServerSide(
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'kts:node-proxier' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' }, subjects: nodes },
    { fieldManager: manager, force: true },
  );
  await client.resource(RoleBindingKind).applyServerSide(
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'kts:node-cluster-dns-publisher', namespace: 'kube-system' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kts:cluster-dns-publisher' },
      subjects: nodes,
    },
    { fieldManager: manager, force: true },
  );
}

/** Creates the bootstrap-token Secret for `t`; AlreadyExists is an error (ids must not collide silently). */
export async function createBootstrapToken(client: KubeClient, t: BootstrapToken, o: { description?: string; ttlMs?: number }): Promise<void> {
  const s = bootstrapTokenSecret(t, { ...(o.description ? { description: o.description } : {}), ...(o.ttlMs ? { expires: new Date(Date.now() + o.ttlMs) } : {}) });
  await client.resource(SecretKind).create(s, { fieldManager: manager });
}

async function tokenSecretExists(client: KubeClient, id: string): Promise<boolean> {
  try {
    await client.resource(SecretKind).namespace('kube-system').get(`bootstrap-token-${id}`);
    return true;
  } catch (e) {
    if (hasReason(e, 'NotFound')) return false;
    throw e;
  }
}

/**
 * The server's join token: the one in <data-dir>/server/token while its Secret exists and the CA is unchanged,
 * else a new one (or `given`, an `<id>.<secret>` or a full K10 token). Returns the K10 form.
 */
export async function ensureServerToken(client: KubeClient, dataDir: string, caPem: string, o: { given?: string; ttlMs?: number }): Promise<{ token: string; created: boolean }> {
  const file = serverTokenFile(dataDir);
  const hash = caBundleHash(caPem);
  let wanted: BootstrapToken | undefined;
  if (o.given) {
    wanted = parseBootstrapToken(o.given) ?? (() => {
      const j = parseJoinToken(o.given);
      if (j.caHash !== hash) throw new Error('--token: its CA hash is not this cluster\'s CA; pass the <id>.<secret> part');
      return j;
    })();
  } else {
    try {
      const j = parseJoinToken(fs.readFileSync(file, 'utf8'));
      if (j.caHash === hash && (await tokenSecretExists(client, j.id))) return { token: formatJoinToken(j), created: false };
    } catch {
      /* no file, an old-format token, or a deleted token: make a new one */
    }
  }
  const t = wanted ?? generateBootstrapToken();
  if (!(await tokenSecretExists(client, t.id))) await createBootstrapToken(client, t, { description: 'kts server join token', ...(o.ttlMs ? { ttlMs: o.ttlMs } : {}) });
  const token = formatJoinToken({ ...t, caHash: hash });
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, token + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  return { token, created: true };
}

/** Everything agents need to join, in one call. Retries while the API server finishes its own bootstrap. */
export async function prepareJoin(client: KubeClient, o: { dataDir: string; server: string; caPem: string; given?: string; ttlMs?: number; signal?: AbortSignal }): Promise<{ token: string; created: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      await publishClusterInfo(client, o.server, o.caPem);
      await grantNodesProxyAccess(client);
      return await ensureServerToken(client, o.dataDir, o.caPem, { ...(o.given ? { given: o.given } : {}), ...(o.ttlMs ? { ttlMs: o.ttlMs } : {}) });
    } catch (e) {
      // the default RBAC policy and system namespaces appear shortly after the API server listens
      if (attempt >= 40 || o.signal?.aborted || !(hasReason(e, 'NotFound') || hasReason(e, 'Forbidden') || hasReason(e, 'ServiceUnavailable'))) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
