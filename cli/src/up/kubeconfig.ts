// Merges a "kubets" context into ~/.kube/config on request (`kts up --merge-kubeconfig`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import YAML from 'yaml';

interface Named<T> {
  name: string;
  [k: string]: unknown;
  value?: T;
}

interface Kubeconfig {
  apiVersion: string;
  kind: string;
  clusters: Named<unknown>[];
  contexts: Named<unknown>[];
  users: Named<unknown>[];
  'current-context'?: string;
  preferences?: Record<string, unknown>;
}

export function kubeconfigFor(server: string, name = 'kubets'): Kubeconfig {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: 'default' } }],
    users: [{ name, user: {} }],
    'current-context': name,
    preferences: {},
  };
}

/** Replaces the "kubets" cluster, context and user in ~/.kube/config, keeping everything else. */
export function mergeIntoUserKubeconfig(server: string, file = path.join(os.homedir(), '.kube', 'config')): string {
  const ours = kubeconfigFor(server);
  let cfg: Kubeconfig = { apiVersion: 'v1', kind: 'Config', clusters: [], contexts: [], users: [] };
  if (fs.existsSync(file)) cfg = { ...cfg, ...(YAML.parse(fs.readFileSync(file, 'utf8')) as Partial<Kubeconfig>) };
  const replace = (list: Named<unknown>[] | undefined, item: Named<unknown>) => [...(list ?? []).filter((x) => x.name !== item.name), item];
  cfg.clusters = replace(cfg.clusters, ours.clusters[0]!);
  cfg.contexts = replace(cfg.contexts, ours.contexts[0]!);
  cfg.users = replace(cfg.users, ours.users[0]!);
  if (!cfg['current-context']) cfg['current-context'] = 'kubets';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(cfg), { mode: 0o600 });
  return file;
}
