// admissionregistration.k8s.io/v1 MutatingWebhookConfiguration: webhooks that may change (JSONPatch) or reject writes.
import { Type, Struct, Opt, Enum, type Static } from '../../schema/builders';
import { fieldErr } from '../validators';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn } from '../common';
import { admissionRegistrationGroup, defaultWebhook, sideEffectsErrors, validateWebhooks, webhookProps } from './webhook-common';

export const MutatingWebhookSchema = Struct(
  'MutatingWebhook describes an admission webhook and the resources and operations it applies to.',
  {
    ...webhookProps,
    reinvocationPolicy: Opt(
      Enum(['Never', 'IfNeeded'] as const),
      'reinvocationPolicy indicates whether this webhook should be called multiple times as part of a single admission evaluation. Allowed values are "Never" and "IfNeeded". Defaults to "Never".',
    ),
  },
  {
  $id: 'io.k8s.api.admissionregistration.v1.MutatingWebhook',
});
export type MutatingWebhook = Static<typeof MutatingWebhookSchema>;

export const MutatingWebhookConfigurationSchema = objectSchema(
  'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration',
  'MutatingWebhookConfiguration describes the configuration of and admission webhook that accept or reject and may change the object.',
  {
    webhooks: Opt(
      Type.Array(MutatingWebhookSchema, {
        description: 'Webhooks is a list of webhooks and the affected resources and operations.',
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
  },
);
export type MutatingWebhookConfiguration = Static<typeof MutatingWebhookConfigurationSchema>;

export const MutatingWebhookConfigurationKind = defineKind<MutatingWebhookConfiguration>({
  group: admissionRegistrationGroup,
  version: 'v1',
  kind: 'MutatingWebhookConfiguration',
  plural: 'mutatingwebhookconfigurations',
  singular: 'mutatingwebhookconfiguration',
  namespaced: false,
  shortNames: [],
  categories: ['api-extensions'],
  schema: MutatingWebhookConfigurationSchema,
  status: false,
  strategy: {
    default(c) {
      for (const w of c.webhooks ?? []) {
        defaultWebhook(w);
        w.reinvocationPolicy ??= 'Never';
      }
    },
    validate: (c) => [...validateWebhooks(c.webhooks), ...reinvocationErrors(c)],
    validateCreate: (c) => sideEffectsErrors(c.webhooks, undefined),
    validateUpdate: (c, old) => sideEffectsErrors(c.webhooks, old.webhooks),
    generationFromSpec: false,
  },
  table: {
    columns: [nameColumn, { name: 'Webhooks', type: 'integer', description: 'Webhooks is a list of webhooks and the affected resources and operations.', priority: 0 }, ageColumn],
    cells: (o, now) => [o.metadata.name, (o.webhooks ?? []).length, age(o.metadata.creationTimestamp, now)],
  },
});

function reinvocationErrors(c: MutatingWebhookConfiguration) {
  return (c.webhooks ?? []).flatMap((w, i) =>
    w.reinvocationPolicy !== undefined && !['Never', 'IfNeeded'].includes(w.reinvocationPolicy) ? [fieldErr.notSupported(`webhooks[${i}].reinvocationPolicy`, w.reinvocationPolicy, ['IfNeeded', 'Never'])] : [],
  );
}
