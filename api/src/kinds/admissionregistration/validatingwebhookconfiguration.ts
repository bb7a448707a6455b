// admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration: webhooks that accept or reject writes.
import { Type, Struct, Opt, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn } from '../common';
import { admissionRegistrationGroup, defaultWebhook, sideEffectsErrors, validateWebhooks, webhookProps } from './webhook-common';

export const ValidatingWebhookSchema = Struct('ValidatingWebhook describes an admission webhook and the resources and operations it applies to.', webhookProps, {
  $id: 'io.k8s.api.admissionregistration.v1.ValidatingWebhook',
});
export type ValidatingWebhook = Static<typeof ValidatingWebhookSchema>;

export const ValidatingWebhookConfigurationSchema = objectSchema(
  'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration',
  'ValidatingWebhookConfiguration describes the configuration of and admission webhook that accept or reject and object without changing it.',
  {
    webhooks: Opt(
      Type.Array(ValidatingWebhookSchema, {
        description: 'Webhooks is a list of webhooks and the affected resources and operations.',
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
  },
);
export type ValidatingWebhookConfiguration = Static<typeof ValidatingWebhookConfigurationSchema>;

export const ValidatingWebhookConfigurationKind = defineKind<ValidatingWebhookConfiguration>({
  group: admissionRegistrationGroup,
  version: 'v1',
  kind: 'ValidatingWebhookConfiguration',
  plural: 'validatingwebhookconfigurations',
  singular: 'validatingwebhookconfiguration',
  namespaced: false,
  shortNames: [],
  categories: ['api-extensions'],
  schema: ValidatingWebhookConfigurationSchema,
  status: false,
  strategy: {
    default(c) {
      for (const w of c.webhooks ?? []) defaultWebhook(w);
    },
    validate: (c) => validateWebhooks(c.webhooks),
    validateCreate: (c) => sideEffectsErrors(c.webhooks, undefined),
    validateUpdate: (c, old) => sideEffectsErrors(c.webhooks, old.webhooks),
    generationFromSpec: false,
  },
  table: {
    columns: [nameColumn, { name: 'Webhooks', type: 'integer', description: 'Webhooks is a list of webhooks and the affected resources and operations.', priority: 0 }, ageColumn],
    cells: (o, now) => [o.metadata.name, (o.webhooks ?? []).length, age(o.metadata.creationTimestamp, now)],
  },
});
