// RBAC for the API server: the authorizer, escalation checks for the RBAC registries, the bootstrap policy and its
// start-up reconciliation. The lead wires these into the request path and registries.
export { type RbacSource, MemoryRbacSource } from './source';
export { ruleAllows, rulesAllow } from './rule-matching';
export { RbacAuthorizer, type RbacRuleResolver, type SubjectRulesReviewStatus } from './authorizer';
export { checkRoleEscalation, checkBindingEscalation, confirmNoEscalation, escalationAllowed, type EscalationContext } from './escalation';
export { covers, breakdownRule, compactRules, compactString } from './covers';
export { bootstrapPolicy, bootstrapClusterRoles, bootstrapClusterRoleBindings, aggregateToAdmin, aggregateToEdit, aggregateToView, type BootstrapPolicy } from './bootstrap-policy';
export { controllerNames, controllerRolePrefix } from './bootstrap-controller-policy';
export { namespaceRoles, namespaceRoleBindings } from './bootstrap-namespace-policy';
export { AutoUpdateAnnotation, BootstrappingLabel } from './policy-builders';
export { reconcileRole, reconcileBinding, type ReconcileResult, type ReconcileOperation } from './reconcile';
export { aggregatedRules, aggregateClusterRoles } from './aggregate';
