// --authorization-mode: authorizers in order, the first allow or deny decides; system:masters is always allowed
// (upstream's privileged-group authorizer runs first).
import type { Attributes, AuthorizationResult, Authorizer } from './types';
import { Groups } from './types';

export const alwaysAllow: Authorizer = { authorize: () => ({ decision: 'allow', reason: '' }) };

export class UnionAuthorizer implements Authorizer {
  constructor(private readonly authorizers: Authorizer[]) {}

  async authorize(a: Attributes): Promise<AuthorizationResult> {
    if (a.user.groups.includes(Groups.masters)) return { decision: 'allow', reason: '' };
    const reasons: string[] = [];
    for (const z of this.authorizers) {
      const r = await z.authorize(a);
      if (r.decision !== 'no-opinion') return r;
      if (r.reason) reasons.push(r.reason);
    }
    return { decision: 'no-opinion', reason: reasons.join('; ') };
  }
}
