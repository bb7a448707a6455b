// core/v1 PodTemplate.
import { type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, nameColumn, containerCells, With } from '../common';
import { PodTemplateSpecSchema } from './pod-spec';
import { defaultPodSpec, validatePodTemplate } from './pod-validation';
import { formatLabels } from '../validators';

export const PodTemplateSchema = objectSchema('io.k8s.api.core.v1.PodTemplate', 'PodTemplate describes a template for creating copies of a predefined pod.', {
  template: With(PodTemplateSpecSchema, { description: 'Template defines the pods that will be created from this pod template.' }),
});
export type PodTemplate = Static<typeof PodTemplateSchema>;

export const PodTemplateKind = defineKind<PodTemplate>({
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  plural: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: PodTemplateSchema,
  status: false,
  strategy: {
    default: (t) => defaultPodSpec(t.template?.spec),
    validate: (t) => validatePodTemplate(t.template, 'template'),
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Containers', type: 'string', description: 'Names of each container in the template.', priority: 0 },
      { name: 'Images', type: 'string', description: 'Images referenced by each container in the template.', priority: 0 },
      { name: 'Pod Labels', type: 'string', description: 'The labels for the pod template.', priority: 0 },
    ],
    cells: (o) => {
      const [c, i] = containerCells(o.template?.spec?.containers);
      return [o.metadata.name, c, i, formatLabels(o.template?.metadata?.labels)];
    },
  },
});
