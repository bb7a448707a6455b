// Feeds the enforcer from the proxy's shared informers: pods (all nodes: peers may live anywhere), namespaces
// (for namespaceSelector) and NetworkPolicies. Every event just marks the rules dirty; the enforcer rate-limits.
import { NamespaceKind, NetworkPolicyKind, PodKind } from '@kubets/api';
import type { SharedInformerFactory } from '@kubets/client';
import type { IptablesRunner } from '../iptables/runner';
import { NetpolEnforcer, type EnforcerOptions } from './enforcer';

export function wireNetpol(factory: SharedInformerFactory, runner: IptablesRunner, opts: EnforcerOptions): NetpolEnforcer {
  const pods = factory.informerFor(PodKind);
  const namespaces = factory.informerFor(NamespaceKind);
  const policies = factory.informerFor(NetworkPolicyKind);
  const enforcer = new NetpolEnforcer(runner, { pods: () => pods.lister.list(), namespaces: () => namespaces.lister.list(), policies: () => policies.lister.list() }, opts);
  const changed = () => enforcer.changed();
  for (const inf of [pods, namespaces, policies]) inf.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
  return enforcer;
}
