// Bindings indexed by the users and groups they name, so an authorization check touches only the caller's bindings.
import type { ClusterRoleBinding, RoleBinding, Subject } from '@kubets/api';
import { serviceAccountUserPrefix, type UserInfo } from '../types';

export type AnyBinding = ClusterRoleBinding | RoleBinding;

/** One subject of one binding; `order` keeps upstream's visiting order (binding list order, then subject order). */
export interface BindingEntry<B extends AnyBinding> {
  binding: B;
  subject: Subject;
  order: number;
}

const maxSubjects = 1 << 20;

/**
 * The user name a subject stands for, or undefined when it can never match (a ServiceAccount with no namespace in a
 * cluster-scoped binding). ServiceAccount subjects default to the binding's namespace, as upstream's appliesToUser.
 */
function userKey(s: Subject, bindingNamespace: string): string | undefined {
  if (s.kind === 'User') return s.name;
  if (s.kind === 'ServiceAccount') {
    const ns = s.namespace || bindingNamespace;
    return ns ? `${serviceAccountUserPrefix}${ns}:${s.name}` : undefined;
  }
  return undefined;
}

export class SubjectIndex<B extends AnyBinding> {
  private readonly byUser = new Map<string, BindingEntry<B>[]>();
  private readonly byGroup = new Map<string, BindingEntry<B>[]>();

  constructor(bindings: readonly B[]) {
    bindings.forEach((binding, bi) => {
      const ns = binding.metadata.namespace ?? '';
      (binding.subjects ?? []).forEach((subject, si) => {
        const entry = { binding, subject, order: bi * maxSubjects + si };
        if (subject.kind === 'Group') return push(this.byGroup, subject.name, entry);
        const u = userKey(subject, ns);
        if (u !== undefined) push(this.byUser, u, entry);
      });
    });
  }

  /** The bindings that apply to `user`, each once (with its first matching subject), in upstream's order. */
  bindingsFor(user: UserInfo): BindingEntry<B>[] {
    const found: BindingEntry<B>[] = [...(this.byUser.get(user.name) ?? [])];
    for (const g of user.groups) found.push(...(this.byGroup.get(g) ?? []));
    if (found.length < 2) return found;
    found.sort((a, b) => a.order - b.order);
    const out: BindingEntry<B>[] = [];
    for (const e of found) if (out[out.length - 1]?.binding !== e.binding) out.push(e);
    return out;
  }
}

function push<B extends AnyBinding>(m: Map<string, BindingEntry<B>[]>, key: string, e: BindingEntry<B>): void {
  const l = m.get(key);
  if (l) l.push(e);
  else m.set(key, [e]);
}

/** Upstream's describeSubject: `User "bob"`, `ServiceAccount "name/ns"`. */
export function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

/** `ClusterRoleBinding "b" of ClusterRole "r" to User "u"` / `RoleBinding "b/ns" of Role "r" to ...`. */
export function describeBinding(e: BindingEntry<AnyBinding>): string {
  const b = e.binding;
  const ns = b.metadata.namespace ?? '';
  const what = ns ? `RoleBinding ${JSON.stringify(`${b.metadata.name ?? ''}/${ns}`)}` : `ClusterRoleBinding ${JSON.stringify(b.metadata.name ?? '')}`;
  return `${what} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} to ${describeSubject(e.subject, ns)}`;
}
