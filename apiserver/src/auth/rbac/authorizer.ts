// The RBAC authorizer (plugin/pkg/auth/authorizer/rbac): allow when a ClusterRoleBinding, or a RoleBinding in the
// request's namespace, binds the caller to a role with a rule that allows the request; otherwise no opinion.
// Bindings are indexed by subject and the index is rebuilt only when the source's revision changes, so a check costs
// O(bindings of the caller), not O(all bindings).
import { errors, type ClusterRoleBinding, type PolicyRule, type RoleBinding, type RoleRef } from '@kubets/api';
import type { Attributes, AuthorizationResult, Authorizer, UserInfo } from '../types';
import type { RbacSource } from './source';
import { rulesAllow } from './rule-matching';
import { SubjectIndex, describeBinding, type AnyBinding, type BindingEntry } from './subject-index';

/** Resolves a caller's rules and a binding's role: what escalation checks need. */
export interface RbacRuleResolver {
  /** Every rule bound to `user` cluster-wide, plus (when namespace is set) in that namespace; errors are non-fatal. */
  policyRulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] };
  /** The rules of the role a binding in `namespace` ('' for ClusterRoleBindings) references; throws NotFound. */
  roleReferenceRules(roleRef: RoleRef, namespace: string): PolicyRule[];
}

/** authorizationv1.SubjectRulesReviewStatus. */
export interface SubjectRulesReviewStatus {
  resourceRules: Array<{ verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }>;
  nonResourceRules: Array<{ verbs: string[]; nonResourceURLs?: string[] }>;
  incomplete: boolean;
  evaluationError?: string;
}

interface Indexes {
  revision: number | string;
  cluster: SubjectIndex<ClusterRoleBinding>;
  namespaced: Map<string, SubjectIndex<RoleBinding>>;
}

export class RbacAuthorizer implements Authorizer, RbacRuleResolver {
  private indexes: Indexes | undefined;

  constructor(private readonly source: RbacSource) {}

  authorize(a: Attributes): AuthorizationResult {
    const errs: string[] = [];
    const check = (e: BindingEntry<AnyBinding>, ns: string): AuthorizationResult | undefined => {
      const rules = this.tryRoleRules(e.binding.roleRef, ns, errs);
      if (rules && rulesAllow(a, rules)) return { decision: 'allow', reason: `RBAC: allowed by ${describeBinding(e)}` };
      return undefined;
    };
    for (const e of this.clusterIndex().bindingsFor(a.user)) {
      const r = check(e, '');
      if (r) return r;
    }
    if (a.namespace) {
      for (const e of this.namespaceIndex(a.namespace).bindingsFor(a.user)) {
        const r = check(e, a.namespace);
        if (r) return r;
      }
    }
    // As upstream: the reason is empty unless resolving a role failed.
    return { decision: 'no-opinion', reason: errs.length ? `RBAC: ${aggregateMessage(errs)}` : '' };
  }

  policyRulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    const errs: string[] = [];
    const rules: PolicyRule[] = [];
    for (const e of this.clusterIndex().bindingsFor(user)) rules.push(...(this.tryRoleRules(e.binding.roleRef, '', errs) ?? []));
    if (namespace) {
      for (const e of this.namespaceIndex(namespace).bindingsFor(user)) rules.push(...(this.tryRoleRules(e.binding.roleRef, namespace, errs) ?? []));
    }
    return { rules, errors: errs };
  }

  /** SelfSubjectRulesReview: the caller's rules split as upstream does; RBAC never reports itself incomplete. */
  rulesFor(user: UserInfo, namespace: string): SubjectRulesReviewStatus {
    const { rules, errors: errs } = this.policyRulesFor(user, namespace);
    const status: SubjectRulesReviewStatus = { resourceRules: [], nonResourceRules: [], incomplete: false };
    for (const r of rules) {
      if (r.resources?.length) {
        status.resourceRules.push({ verbs: [...r.verbs], ...(r.apiGroups ? { apiGroups: [...r.apiGroups] } : {}), resources: [...r.resources], ...(r.resourceNames?.length ? { resourceNames: [...r.resourceNames] } : {}) });
      }
      if (r.nonResourceURLs?.length) status.nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] });
    }
    if (errs.length) status.evaluationError = aggregateMessage(errs);
    return status;
  }

  roleReferenceRules(roleRef: RoleRef, namespace: string): PolicyRule[] {
    switch (roleRef.kind) {
      case 'ClusterRole': {
        const r = this.source.getClusterRole(roleRef.name);
        if (!r) throw errors.notFound({ group: 'rbac.authorization.k8s.io', resource: 'clusterrole' }, roleRef.name);
        return r.rules ?? [];
      }
      case 'Role': {
        const r = namespace ? this.source.getRole(namespace, roleRef.name) : undefined;
        if (!r) throw errors.notFound({ group: 'rbac.authorization.k8s.io', resource: 'role' }, roleRef.name);
        return r.rules ?? [];
      }
      default:
        throw new Error(`unsupported role reference kind: ${JSON.stringify(roleRef.kind)}`);
    }
  }

  private tryRoleRules(roleRef: RoleRef, namespace: string, errs: string[]): PolicyRule[] | undefined {
    try {
      return this.roleReferenceRules(roleRef, namespace);
    } catch (e) {
      errs.push(e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }

  private current(): Indexes {
    const revision = this.source.revision();
    if (this.indexes?.revision !== revision) {
      this.indexes = { revision, cluster: new SubjectIndex(this.source.listClusterRoleBindings()), namespaced: new Map() };
    }
    return this.indexes;
  }

  private clusterIndex(): SubjectIndex<ClusterRoleBinding> {
    return this.current().cluster;
  }

  private namespaceIndex(namespace: string): SubjectIndex<RoleBinding> {
    const idx = this.current();
    let n = idx.namespaced.get(namespace);
    if (!n) idx.namespaced.set(namespace, (n = new SubjectIndex(this.source.listRoleBindings(namespace))));
    return n;
  }
}

/** utilerrors.NewAggregate's message: one error as is, several as "[a, b]". */
export function aggregateMessage(errs: readonly string[]): string {
  return errs.length === 1 ? (errs[0] ?? '') : `[${errs.join(', ')}]`;
}
