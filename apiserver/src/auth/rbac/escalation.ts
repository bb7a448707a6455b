// Escalation prevention (pkg/registry/rbac/*/policybased): a user may write a role only with rules they already
// hold (or with the `escalate` verb on it), and a binding only to a role whose rules they hold (or with `bind`).
// The lead calls checkRoleEscalation / checkBindingEscalation from the RBAC registries' create and update hooks.
import { errors, rbacGroup, type ClusterRole, type ClusterRoleBinding, type PolicyRule, type Role, type RoleBinding, type RoleRef } from '@kubets/api';
import { Groups, type Attributes, type Authorizer, type UserInfo } from '../types';
import { aggregateMessage, type RbacRuleResolver } from './authorizer';
import { compactRules, compactString, covers, goQuoteList } from './covers';

export interface EscalationContext {
  user: UserInfo;
  /** The server's whole authorizer chain: asked whether the user may `escalate` / `bind`. */
  authorizer: Authorizer;
  /** Resolves the user's own rules and the referenced role (the RbacAuthorizer). */
  resolver: RbacRuleResolver;
}

type RoleKindName = 'Role' | 'ClusterRole';
type BindingKindName = 'RoleBinding' | 'ClusterRoleBinding';

const resourceOf = { Role: 'roles', ClusterRole: 'clusterroles', RoleBinding: 'rolebindings', ClusterRoleBinding: 'clusterrolebindings' } as const;

/** The rules that only cluster-admin holds: needed to set an aggregationRule, which can gather anything. */
const fullAuthority: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** system:masters can do anything (the API server's own loopback identity is in it). */
export function escalationAllowed(user: UserInfo): boolean {
  return user.groups.includes(Groups.masters);
}

/**
 * Throws Forbidden unless the user may create (old undefined) or update `obj`. `kind` says which registry calls.
 */
export async function checkRoleEscalation(ctx: EscalationContext, kind: RoleKindName, obj: Role | ClusterRole, old?: Role | ClusterRole): Promise<void> {
  if (escalationAllowed(ctx.user)) return;
  if (old && isOnlyMutatingGCFields(obj, old)) return;
  const name = obj.metadata.name ?? '';
  const namespace = kind === 'Role' ? (obj.metadata.namespace ?? '') : '';
  const gr = { group: rbacGroup, resource: resourceOf[kind] };
  // upstream asks with the request's name: empty on create (POST to the collection)
  if (await allowed(ctx.authorizer, attrs(ctx.user, 'escalate', resourceOf[kind], namespace, old ? name : ''))) return;
  const denied = confirmNoEscalation(ctx, namespace, obj.rules ?? []);
  if (denied) throw errors.forbidden(gr, name, denied);
  if (kind === 'ClusterRole') {
    const agg = 'aggregationRule' in obj ? obj.aggregationRule : undefined;
    const oldAgg = old && 'aggregationRule' in old ? old.aggregationRule : undefined;
    const changed = !old || JSON.stringify(agg ?? null) !== JSON.stringify(oldAgg ?? null);
    if (agg && changed && confirmNoEscalation(ctx, '', fullAuthority)) throw errors.forbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
  }
}

/** Throws Forbidden unless the user may create (old undefined) or update the binding `obj`. */
export async function checkBindingEscalation(ctx: EscalationContext, kind: BindingKindName, obj: RoleBinding | ClusterRoleBinding, old?: RoleBinding | ClusterRoleBinding): Promise<void> {
  if (escalationAllowed(ctx.user)) return;
  if (old && isOnlyMutatingGCFields(obj, old)) return;
  const name = obj.metadata.name ?? '';
  const namespace = kind === 'RoleBinding' ? (obj.metadata.namespace ?? '') : '';
  const gr = { group: rbacGroup, resource: resourceOf[kind] };
  if (await bindingAuthorized(ctx, obj.roleRef, namespace)) return;
  let rules: PolicyRule[];
  try {
    rules = ctx.resolver.roleReferenceRules(obj.roleRef, namespace);
  } catch (e) {
    throw errors.forbidden(gr, name, e instanceof Error ? e.message : String(e));
  }
  const denied = confirmNoEscalation(ctx, namespace, rules);
  if (denied) throw errors.forbidden(gr, name, denied);
}

/** `bind` on the referenced role, checked in the binding's namespace ('' for ClusterRoleBindings). */
async function bindingAuthorized(ctx: EscalationContext, roleRef: RoleRef, namespace: string): Promise<boolean> {
  const resource = roleRef.kind === 'ClusterRole' ? 'clusterroles' : roleRef.kind === 'Role' ? 'roles' : undefined;
  if (!resource) return false;
  return allowed(ctx.authorizer, { ...attrs(ctx.user, 'bind', resource, namespace, roleRef.name), apiGroup: roleRef.apiGroup });
}

/** undefined when the user's rules in `namespace` cover `rules`; else upstream's message listing what is missing. */
export function confirmNoEscalation(ctx: Pick<EscalationContext, 'user' | 'resolver'>, namespace: string, rules: readonly PolicyRule[]): string | undefined {
  const own = ctx.resolver.policyRulesFor(ctx.user, namespace);
  const { covered, missing } = covers(own.rules, rules);
  if (covered) return undefined;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(ctx.user.name)} (groups=${goQuoteList(ctx.user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  if (own.errors.length) msg += `; resolution errors: [${aggregateMessage(own.errors)}]`;
  return msg;
}

function attrs(user: UserInfo, verb: string, resource: string, namespace: string, name: string): Attributes {
  return { user, verb, resourceRequest: true, path: '', apiGroup: rbacGroup, apiVersion: '*', resource, subresource: '', namespace, name };
}

async function allowed(a: Authorizer, at: Attributes): Promise<boolean> {
  try {
    return (await a.authorize(at)).decision === 'allow';
  } catch {
    return false;
  }
}

/** True when old and new differ only in ownerReferences/finalizers (what the garbage collector writes). */
function isOnlyMutatingGCFields(obj: { metadata: object }, old: { metadata: object }): boolean {
  const strip = (o: { metadata: object }) => {
    const { ownerReferences: _o, finalizers: _f, managedFields: _m, resourceVersion: _r, generation: _g, ...meta } = o.metadata as Record<string, unknown>;
    return stableJson({ ...o, metadata: meta });
  };
  return strip(obj) === strip(old);
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
}
