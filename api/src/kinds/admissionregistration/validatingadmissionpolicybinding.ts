// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding: binds a ValidatingAdmissionPolicy to a scope
// (matchResources), to parameters (paramRef) and to what a failed validation does (validationActions).
import { Type, Struct, Opt, SetList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema } from '../../meta/schemas';
import { objectSchema, age, nameColumn, ageColumn } from '../common';
import { fieldErr, validateLabelSelector } from '../validators';
import { MatchResourcesSchema, defaultMatchResources, validateMatchResources } from './validatingadmissionpolicy';
import type { StatusCause } from '../../errors/status-error';

export const ValidationActionValues = ['Deny', 'Warn', 'Audit'] as const;
export type ValidationAction = (typeof ValidationActionValues)[number];

export const ParamRefSchema = Struct(
  'ParamRef describes how to locate the params to be used as input to expressions of rules applied by a policy binding.',
  {
    name: Opt(Type.String(), 'name is the name of the resource being referenced. One of `name` or `selector` must be set.'),
    namespace: Opt(Type.String(), 'namespace is the namespace of the referenced resource. Allows limiting the search for params to a specific namespace.'),
    selector: Opt(LabelSelectorSchema, 'selector can be used to match multiple param objects based on their labels.'),
    parameterNotFoundAction: Opt(Enum(['Allow', 'Deny'] as const), '`parameterNotFoundAction` controls the behavior of the binding when the resource exists, and name or selector is valid, but there are no parameters matched by the binding. Defaults to `Deny`.'),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.ParamRef', 'x-kubernetes-map-type': 'atomic' },
);

export const ValidatingAdmissionPolicyBindingSpecSchema = Struct(
  'ValidatingAdmissionPolicyBindingSpec is the specification of the ValidatingAdmissionPolicyBinding.',
  {
    policyName: Opt(Type.String(), 'PolicyName references a ValidatingAdmissionPolicy name which the ValidatingAdmissionPolicyBinding binds to. Required.'),
    paramRef: Opt(ParamRefSchema, 'paramRef specifies the parameter resource used to configure the admission control policy.'),
    matchResources: Opt(MatchResourcesSchema, 'MatchResources declares what resources match this binding and will be validated by it. If unset, all resources matched by the policy are validated by this binding.'),
    validationActions: Opt(SetList(Enum(ValidationActionValues)), 'validationActions declares how Validations of the referenced ValidatingAdmissionPolicy are enforced. Required.'),
  },
  { $id: 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec' },
);

export const ValidatingAdmissionPolicyBindingSchema = objectSchema('io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBinding', 'ValidatingAdmissionPolicyBinding binds the ValidatingAdmissionPolicy with paramerized resources.', {
  spec: Opt(ValidatingAdmissionPolicyBindingSpecSchema, 'Specification of the desired behavior of the ValidatingAdmissionPolicyBinding.'),
});
export type ValidatingAdmissionPolicyBinding = Static<typeof ValidatingAdmissionPolicyBindingSchema>;

function validateBindingSpec(spec: ValidatingAdmissionPolicyBinding['spec']): StatusCause[] {
  if (!spec) return [fieldErr.required('spec')];
  const out: StatusCause[] = [];
  if (!spec.policyName) out.push(fieldErr.required('spec.policyName'));
  const actions = spec.validationActions ?? [];
  if (!actions.length) out.push(fieldErr.required('spec.validationActions'));
  const seen = new Set<string>();
  actions.forEach((a, i) => {
    if (seen.has(a)) out.push(fieldErr.duplicate(`spec.validationActions[${i}]`, a));
    seen.add(a);
  });
  if (seen.has('Deny') && seen.has('Warn')) out.push(fieldErr.invalid('spec.validationActions', actions, 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  const ref = spec.paramRef;
  if (ref) {
    if (ref.name && ref.selector) out.push(fieldErr.forbidden('spec.paramRef.name', 'name and selector are mutually exclusive'));
    if (!ref.name && !ref.selector) out.push(fieldErr.required('spec.paramRef', 'one of name or selector must be specified'));
    if (ref.selector) out.push(...validateLabelSelector(ref.selector, 'spec.paramRef.selector'));
  }
  out.push(...validateMatchResources(spec.matchResources, 'spec.matchResources', false));
  return out;
}

export const ValidatingAdmissionPolicyBindingKind = defineKind<ValidatingAdmissionPolicyBinding>({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  plural: 'validatingadmissionpolicybindings',
  singular: 'validatingadmissionpolicybinding',
  namespaced: false,
  shortNames: [],
  categories: ['api-extensions'],
  schema: ValidatingAdmissionPolicyBindingSchema,
  status: false,
  strategy: {
    default(b) {
      if (!b.spec) return;
      defaultMatchResources(b.spec.matchResources);
      if (b.spec.paramRef) b.spec.paramRef.parameterNotFoundAction ??= 'Deny';
    },
    validate: (b) => validateBindingSpec(b.spec),
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'PolicyName', type: 'string', description: 'PolicyName references a ValidatingAdmissionPolicy name which the ValidatingAdmissionPolicyBinding binds to.', priority: 0 },
      { name: 'ParamRef', type: 'string', description: 'paramRef specifies the parameter resource used to configure the admission control policy.', priority: 0 },
      ageColumn,
    ],
    cells: (b, now) => [b.metadata.name, b.spec?.policyName ?? '', b.spec?.paramRef ? `${b.spec.paramRef.namespace ? b.spec.paramRef.namespace + '/' : ''}${b.spec.paramRef.name ?? '*'}` : '<unset>', age(b.metadata.creationTimestamp, now)],
  },
});
