// RBAC escalation prevention on the request path: writes of Roles, ClusterRoles and their bindings go through
// the checks in rbac/escalation.ts with the caller's identity (as upstream's policybased registries do).
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '@kubets/api';
import type { AdmissionPlugin } from '../admission/interface';
import { checkBindingEscalation, checkRoleEscalation } from './rbac/escalation';
import type { Auth } from './setup';

export function rbacEscalationAdmission(auth: Auth): AdmissionPlugin {
  return {
    name: 'RBACEscalation',
    async admit(req) {
      if (req.def.group !== 'rbac.authorization.k8s.io' || req.subresource || !req.userInfo || !auth.rbac) return;
      const ctx = { user: req.userInfo, authorizer: auth.authorizer, resolver: auth.rbac };
      switch (req.def.kind) {
        case 'Role':
        case 'ClusterRole':
          return checkRoleEscalation(ctx, req.def.kind, req.obj as Role | ClusterRole, req.old as Role | ClusterRole | undefined);
        case 'RoleBinding':
        case 'ClusterRoleBinding':
          return checkBindingEscalation(ctx, req.def.kind, req.obj as RoleBinding | ClusterRoleBinding, req.old as RoleBinding | ClusterRoleBinding | undefined);
      }
    },
  };
}
