// pods/binding and namespaces/<ns>/bindings: assign a pod to a node (the scheduler's write).
import { errors, type KubeObject } from '@kubets/api';
import type { RequestContext } from './context';
import { rfc3339 } from './context';
import type { ResourceStore } from './store';

interface Binding {
  metadata?: { name?: string; namespace?: string; uid?: string; annotations?: Record<string, string> };
  target?: { kind?: string; name?: string };
}

export async function bindPod(pods: ResourceStore, ctx: RequestContext, body: unknown): Promise<void> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('the body of the request must be a Binding object');
  const b = body as Binding & { kind?: string };
  if (b.kind !== undefined && b.kind !== 'Binding') throw errors.badRequest(`the kind in the data (${b.kind}) does not match the expected kind (Binding)`);
  const podName = ctx.name || b.metadata?.name || '';
  if (!podName) throw errors.invalid({ group: '', kind: 'Binding' }, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  if (b.metadata?.namespace && b.metadata.namespace !== ctx.namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const node = b.target?.name ?? '';
  if (!node) throw errors.invalid({ group: '', kind: 'Binding' }, podName, [{ reason: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  if (ctx.dryRun) return;
  // One write, as upstream: spec.nodeName and the PodScheduled=True condition together.
  await pods.updateWith(
    { ...ctx, name: podName, subresource: '' },
    (pod: KubeObject) => {
      const spec = (pod.spec ?? {}) as { nodeName?: string };
      if (pod.metadata.deletionTimestamp) throw errors.conflict({ group: '', resource: 'pods' }, podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
      if (b.metadata?.uid && b.metadata.uid !== pod.metadata.uid) throw errors.conflict({ group: '', resource: 'pods' }, podName, 'Precondition failed: UID mismatch');
      if (spec.nodeName) throw errors.conflict({ group: '', resource: 'pods' }, podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
      spec.nodeName = node;
      pod.spec = spec;
      if (b.metadata?.annotations) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...b.metadata.annotations };
      const status = (pod.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string; lastProbeTime?: null }[] };
      const conds = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(new Date()) });
      status.conditions = conds;
      pod.status = status;
      return pod;
    },
    'Update',
    { skipUpdateRules: true, writesStatus: true },
  );
}
