// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy: CEL validations evaluated in-process by the
// ValidatingAdmissionPolicy admission plugin (apiserver/src/admission/policy/). Whether expressions compile is
// checked by the apiserver (the CEL library lives there); this file holds shape, defaults and static rules.
import { Type, Struct, Opt, AtomicList, MergeList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema, ConditionSchema } from '../../meta/schemas';
import { objectSchema, age, nameColumn, ageColumn, Int64 } from '../common';
import { fieldErr, validateLabelSelector } from '../validators';
import type { StatusCause } from '../../errors/status-error';
import { MatchConditionSchema, supportedOperations } from './webhook-common';

const ResourceNames = () => Opt(AtomicList(Type.String()), 'ResourceNames is an optional white list of names that the rule applies to. An empty set means that everything is allowed.');

export const NamedRuleWithOperationsSchema = Struct(
  'NamedRuleWithOperations is a tuple of Operations and Resources with ResourceNames.',
  {
    resourceNames: ResourceNames(),
    operations: Opt(AtomicList(Type.String()), "Operations is the operations the admission hook cares about - CREATE, UPDATE, DELETE, CONNECT or * for all of those operations and any future admission operations that are added. If '*' is present, the length of the slice must be one. Required."),
    apiGroups: Opt(AtomicList(Type.String()), "APIGroups is the API groups the resources belong to. '*' is all groups. If '*' is present, the length of the slice must be one. Required."),
    apiVersions: Opt(AtomicList(Type.String()), "APIVersions is the API versions the resources belong to. '*' is all versions. If '*' is present, the length of the slice must be one. Required."),
    resources: Opt(AtomicList(Type.String()), "Resources is a list of resources this rule applies to. 'pods' means pods, 'pods/log' the log subresource, '*' all resources, '*/*' all resources and their subresources."),
    scope: Opt(Enum(['Cluster', 'Namespaced', '*'] as const), 'scope specifies the scope of this rule. Valid values are "Cluster", "Namespaced", and "*". Default is "*".'),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.NamedRuleWithOperations', 'x-kubernetes-map-type': 'atomic' },
);
export type NamedRuleWithOperations = Static<typeof NamedRuleWithOperationsSchema>;

export const MatchResourcesSchema = Struct(
  'MatchResources decides whether to run the admission control policy on an object based on whether it meets the match criteria. The exclude rules take precedence over include rules (if a resource matches both, it is excluded)',
  {
    namespaceSelector: Opt(LabelSelectorSchema, 'NamespaceSelector decides whether to run the admission control policy on an object based on whether the namespace for that object matches the selector. Default to the empty LabelSelector, which matches everything.'),
    objectSelector: Opt(LabelSelectorSchema, 'ObjectSelector decides whether to run the validation based on if the object has matching labels. Default to the empty LabelSelector, which matches everything.'),
    resourceRules: Opt(AtomicList(NamedRuleWithOperationsSchema), 'ResourceRules describes what operations on what resources/subresources the ValidatingAdmissionPolicy matches. The policy cares about an operation if it matches _any_ Rule.'),
    excludeResourceRules: Opt(AtomicList(NamedRuleWithOperationsSchema), 'ExcludeResourceRules describes what operations on what resources/subresources the ValidatingAdmissionPolicy should not care about.'),
    matchPolicy: Opt(Enum(['Exact', 'Equivalent'] as const), 'matchPolicy defines how the "MatchResources" list is used to match incoming requests. Allowed values are "Exact" or "Equivalent". Defaults to "Equivalent"'),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.MatchResources', 'x-kubernetes-map-type': 'atomic' },
);
export type MatchResources = Static<typeof MatchResourcesSchema>;

export const ValidationSchema = Struct(
  'Validation specifies the CEL expression which is used to apply the validation.',
  {
    expression: Type.String({ description: 'Expression represents the expression which will be evaluated by CEL. Required.' }),
    message: Opt(Type.String(), 'Message represents the message displayed when validation fails.'),
    reason: Opt(Type.String(), 'Reason represents a machine-readable description of why this validation failed. Supported values: "Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge". Default: "Invalid".'),
    messageExpression: Opt(Type.String(), 'messageExpression declares a CEL expression that evaluates to the validation failure message that is returned when this rule fails.'),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.Validation' },
);

export const AuditAnnotationSchema = Struct(
  'AuditAnnotation describes how to produce an audit annotation for an API request.',
  {
    key: Type.String({ description: 'key specifies the audit annotation key. Required.' }),
    valueExpression: Type.String({ description: 'valueExpression represents the expression which is evaluated by CEL to produce an audit annotation value (a string or null). Required.' }),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.AuditAnnotation' },
);

export const VariableSchema = Struct(
  'Variable is the definition of a variable that is used for composition. A variable is defined as a named expression.',
  {
    name: Type.String({ description: 'Name is the name of the variable. It is accessible as `variables.{name}` in other expressions. Required.' }),
    expression: Type.String({ description: 'Expression is the expression that will be evaluated as the value of the variable. Required.' }),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.Variable', 'x-kubernetes-map-type': 'atomic' },
);

export const ParamKindSchema = Struct(
  'ParamKind is a tuple of Group Kind and Version.',
  {
    apiVersion: Opt(Type.String(), 'APIVersion is the API group version the resources belong to. In format of "group/version". Required.'),
    kind: Opt(Type.String(), 'Kind is the API kind the resources belong to. Required.'),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.ParamKind', 'x-kubernetes-map-type': 'atomic' },
);

export const FailurePolicyValues = ['Ignore', 'Fail'] as const;

export const ValidatingAdmissionPolicySpecSchema = Struct(
  'ValidatingAdmissionPolicySpec is the specification of the desired behavior of the AdmissionPolicy.',
  {
    paramKind: Opt(ParamKindSchema, 'ParamKind specifies the kind of resources used to parameterize this policy.'),
    matchConstraints: Opt(MatchResourcesSchema, 'MatchConstraints specifies what resources this policy is designed to validate. Required.'),
    validations: Opt(AtomicList(ValidationSchema), 'Validations contain CEL expressions which is used to apply the validation.'),
    failurePolicy: Opt(Enum(FailurePolicyValues), 'failurePolicy defines how to handle failures for the admission policy. Allowed values are Ignore or Fail. Defaults to Fail.'),
    auditAnnotations: Opt(AtomicList(AuditAnnotationSchema), 'auditAnnotations contains CEL expressions which are used to produce audit annotations for the audit event of the API request.'),
    matchConditions: Opt(MergeList(MatchConditionSchema, 'name', 'MatchConditions is a list of conditions that must be met for a request to be validated.')),
    variables: Opt(AtomicList(VariableSchema), 'Variables contain definitions of variables that can be used in composition of other expressions.'),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec' },
);

export const ValidatingAdmissionPolicyStatusSchema = Struct(
  'ValidatingAdmissionPolicyStatus represents the status of an admission validation policy.',
  {
    observedGeneration: Opt(Int64(), 'The generation observed by the controller.'),
    typeChecking: Opt(
      Struct('TypeChecking contains results of type checking the expressions in the ValidatingAdmissionPolicy', {
        expressionWarnings: Opt(AtomicList(Struct('ExpressionWarning is a warning information that targets a specific expression.', { fieldRef: Type.String(), warning: Type.String() }, { $id: 'io.k8s.api.admissionregistration.v1.ExpressionWarning' }))),
      }, { $id: 'io.k8s.api.admissionregistration.v1.TypeChecking' }),
      'The results of type checking for each expression. Presence of this field indicates the completion of the type checking.',
    ),
    conditions: Opt(MergeList(ConditionSchema, 'type', 'The conditions represent the latest available observations of a policy\'s current state.')),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus' },
);

export const ValidatingAdmissionPolicySchema = objectSchema('io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicy describes the definition of an admission validation policy that accepts or rejects an object without changing it.', {
  spec: Opt(ValidatingAdmissionPolicySpecSchema, 'Specification of the desired behavior of the ValidatingAdmissionPolicy.'),
  status: Opt(ValidatingAdmissionPolicyStatusSchema, 'The status of the ValidatingAdmissionPolicy, including warnings that are useful to determine if the policy behaves in the expected way. Populated by the system. Read-only.'),
});
export type ValidatingAdmissionPolicy = Static<typeof ValidatingAdmissionPolicySchema>;

/** Upstream's SetDefaults for MatchResources and its rules (shared with the binding). */
export function defaultMatchResources(m: MatchResources | undefined): void {
  if (!m) return;
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  for (const r of [...(m.resourceRules ?? []), ...(m.excludeResourceRules ?? [])]) r.scope ??= '*';
}

function validateRules(rules: NamedRuleWithOperations[] | undefined, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  (rules ?? []).forEach((r, i) => {
    const p = `${path}[${i}]`;
    for (const [field, v] of [['operations', r.operations], ['apiGroups', r.apiGroups], ['apiVersions', r.apiVersions], ['resources', r.resources]] as const) {
      if (!v?.length) out.push(fieldErr.required(`${p}.${field}`));
      else if (v.includes('*') && v.length > 1) out.push(fieldErr.invalid(`${p}.${field}`, v, "if '*' is present, must not specify other " + field));
    }
    (r.operations ?? []).forEach((o, j) => {
      if (!(supportedOperations as readonly string[]).includes(o)) out.push(fieldErr.notSupported(`${p}.operations[${j}]`, o, supportedOperations));
    });
  });
  return out;
}

export function validateMatchResources(m: MatchResources | undefined, path: string, requireRules: boolean): StatusCause[] {
  if (!m) return requireRules ? [fieldErr.required(path)] : [];
  const out: StatusCause[] = [];
  if (requireRules && !m.resourceRules?.length) out.push(fieldErr.required(`${path}.resourceRules`));
  out.push(...validateRules(m.resourceRules, `${path}.resourceRules`), ...validateRules(m.excludeResourceRules, `${path}.excludeResourceRules`));
  if (m.namespaceSelector) out.push(...validateLabelSelector(m.namespaceSelector, `${path}.namespaceSelector`));
  if (m.objectSelector) out.push(...validateLabelSelector(m.objectSelector, `${path}.objectSelector`));
  return out;
}

const reasons = ['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge'];

function validatePolicySpec(spec: ValidatingAdmissionPolicy['spec']): StatusCause[] {
  if (!spec) return [fieldErr.required('spec')];
  const out: StatusCause[] = [];
  if (!spec.validations?.length && !spec.auditAnnotations?.length) out.push(fieldErr.required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  out.push(...validateMatchResources(spec.matchConstraints, 'spec.matchConstraints', true));
  if (spec.paramKind) {
    if (!spec.paramKind.kind) out.push(fieldErr.required('spec.paramKind.kind'));
    if (!spec.paramKind.apiVersion) out.push(fieldErr.required('spec.paramKind.apiVersion'));
  }
  (spec.validations ?? []).forEach((v, i) => {
    if (!v.expression.trim()) out.push(fieldErr.required(`spec.validations[${i}].expression`));
    if (v.message !== undefined && v.message.includes('\n')) out.push(fieldErr.invalid(`spec.validations[${i}].message`, v.message, 'message must not contain line breaks'));
    if (v.reason !== undefined && !reasons.includes(v.reason)) out.push(fieldErr.notSupported(`spec.validations[${i}].reason`, v.reason, reasons));
  });
  const seen = new Set<string>();
  (spec.auditAnnotations ?? []).forEach((a, i) => {
    if (!a.key) out.push(fieldErr.required(`spec.auditAnnotations[${i}].key`));
    else if (seen.has(a.key)) out.push(fieldErr.duplicate(`spec.auditAnnotations[${i}].key`, a.key));
    seen.add(a.key);
  });
  (spec.variables ?? []).forEach((v, i) => {
    if (!/^[_a-zA-Z][_a-zA-Z0-9]*$/.test(v.name)) out.push(fieldErr.invalid(`spec.variables[${i}].name`, v.name, 'name is not a valid CEL identifier'));
  });
  (spec.matchConditions ?? []).forEach((c, i) => {
    if (!c.name) out.push(fieldErr.required(`spec.matchConditions[${i}].name`));
  });
  return out;
}

export const ValidatingAdmissionPolicyKind = defineKind<ValidatingAdmissionPolicy>({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicy',
  plural: 'validatingadmissionpolicies',
  singular: 'validatingadmissionpolicy',
  namespaced: false,
  shortNames: [],
  categories: ['api-extensions'],
  schema: ValidatingAdmissionPolicySchema,
  status: true,
  strategy: {
    default(p) {
      if (!p.spec) return;
      p.spec.failurePolicy ??= 'Fail';
      defaultMatchResources(p.spec.matchConstraints);
    },
    validate: (p) => validatePolicySpec(p.spec),
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Validations', type: 'integer', description: 'Validations contain CEL expressions which is used to apply the validation.', priority: 0 },
      { name: 'ParamKind', type: 'string', description: 'ParamKind specifies the kind of resources used to parameterize this policy', priority: 0 },
      ageColumn,
    ],
    cells: (p, now) => [p.metadata.name, p.spec?.validations?.length ?? 0, p.spec?.paramKind ? `${p.spec.paramKind.apiVersion ?? ''}/${p.spec.paramKind.kind ?? ''}` : '<unset>', age(p.metadata.creationTimestamp, now)],
  },
});
