// ClusterRole aggregation controller (pkg/controller/clusterroleaggregation): keeps the rules of every ClusterRole
// with an aggregationRule equal to the union of the rules of the ClusterRoles its selectors pick. Any ClusterRole
// change may change any aggregate, so every change requeues every aggregated role (there are few).
import { ClusterRoleKind, aggregatedRules, policyRuleEqual, type ClusterRole, type PolicyRule, type ReadOnly } from '@kubets/api';
import type { Informer, KubeClient, Lister, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import type { InformerSource } from '../../controller/informer-source';

export interface ClusterRoleAggregationControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
}

export class ClusterRoleAggregationController extends BaseController {
  private readonly roles: Lister<ClusterRole>;
  private readonly api: ResourceInterface<ClusterRole>;

  constructor(opts: ClusterRoleAggregationControllerOptions) {
    super('clusterrole-aggregation', opts);
    this.api = opts.client.resource(ClusterRoleKind);
    const inf: Informer<ClusterRole> = opts.informers.informerFor(ClusterRoleKind);
    this.roles = inf.lister;
    this.syncables.push(inf);
    const all = () => this.enqueueAll();
    inf.addEventHandler({ onAdd: all, onUpdate: all, onDelete: all });
  }

  private enqueueAll(): void {
    for (const r of this.roles.list()) if (r.aggregationRule) this.queue.add(r.metadata.name ?? '');
  }

  async sync(name: string): Promise<void> {
    const role = this.roles.get(name);
    if (!role?.aggregationRule) return;
    const rules = aggregatedRules(role, this.roles.list());
    if (!rules || sameRules(rules, role.rules ?? [])) return;
    const updated: ClusterRole = structuredClone(role) as ClusterRole;
    updated.rules = rules;
    // a Conflict (stale cache) is retried with backoff; the informer will have caught up by then
    await this.api.update(updated);
    this.logger.v(2).info('Updated aggregated ClusterRole rules', { name, rules: rules.length });
  }
}

function sameRules(a: readonly PolicyRule[], b: ReadOnly<PolicyRule[]>): boolean {
  return a.length === b.length && a.every((r, i) => {
    const o = b[i];
    return o !== undefined && policyRuleEqual(r, o);
  });
}
