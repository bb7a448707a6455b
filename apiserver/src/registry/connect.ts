// Admission for pods/exec, pods/attach and pods/portforward (upstream's rest.Connecter handler): operation CONNECT
// with the options decoded from the query, run before the pod is read or the kubelet is dialled, so a validating
// webhook or policy on pods/exec … [CONNECT] can deny the request first.
import type { KubeObject } from '@kubets/api';
import type { RequestContext } from './context';
import type { ResourceStore } from './store';

export type ConnectSubresource = 'exec' | 'attach' | 'portforward';

const truthy = (q: URLSearchParams, k: string): boolean => {
  const v = q.get(k);
  return v === 'true' || v === '1' || v === 'True' || v === 'TRUE';
};

/**
 * PodExecOptions / PodAttachOptions / PodPortForwardOptions as upstream's query conversion builds them (false
 * booleans and empty strings omitted, as their JSON does). `metadata` carries the pod's name and namespace: the
 * options kinds have none upstream, but admission requests here take their name from the object.
 */
export function connectOptions(sub: ConnectSubresource, name: string, namespace: string, q: URLSearchParams): KubeObject {
  const metadata = { name, namespace };
  if (sub === 'portforward') {
    const ports = q.getAll('ports').flatMap((p) => p.split(',')).map((p) => Number(p.trim())).filter((n) => Number.isInteger(n) && n > 0);
    return { apiVersion: 'v1', kind: 'PodPortForwardOptions', metadata, ...(ports.length ? { ports } : {}) };
  }
  const streams: Record<string, unknown> = {};
  for (const k of ['stdin', 'stdout', 'stderr', 'tty']) if (truthy(q, k)) streams[k] = true;
  const container = q.get('container');
  if (container) streams.container = container;
  if (sub === 'attach') return { apiVersion: 'v1', kind: 'PodAttachOptions', metadata, ...streams };
  return { apiVersion: 'v1', kind: 'PodExecOptions', metadata, ...streams, command: q.getAll('command') };
}

/** Runs the admission chain for a CONNECT to a pod subresource; throws the chain's error. */
export async function admitConnect(pods: ResourceStore, sub: ConnectSubresource, ctx: Pick<RequestContext, 'namespace' | 'name' | 'user' | 'warnings' | 'auditAnnotations'>, q: URLSearchParams): Promise<void> {
  const admission = pods.deps.admission;
  if (!admission) return;
  await admission.admit({
    def: pods.def,
    operation: 'CONNECT',
    subresource: sub,
    namespace: ctx.namespace,
    obj: connectOptions(sub, ctx.name, ctx.namespace, q),
    dryRun: false,
    ...(ctx.user ? { userInfo: ctx.user } : {}),
    warnings: ctx.warnings,
    ...(ctx.auditAnnotations ? { auditAnnotations: ctx.auditAnnotations } : {}),
  });
}
