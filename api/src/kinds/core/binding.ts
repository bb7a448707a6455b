// core/v1 Binding: create-only (POST pods/{name}/binding or /bindings) to assign a pod to a node.
import { type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, With } from '../common';
import { ObjectReferenceSchema } from './object-reference';
import { fieldErr } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const BindingSchema = objectSchema('io.k8s.api.core.v1.Binding', 'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.', {
  target: With(ObjectReferenceSchema, { description: 'The target object that you want to bind to the standard object.' }),
});
export type Binding = Static<typeof BindingSchema>;

export const BindingKind = defineKind<Binding>({
  group: '',
  version: 'v1',
  kind: 'Binding',
  plural: 'bindings',
  singular: 'binding',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: BindingSchema,
  status: false,
  verbs: ['create'],
  strategy: {
    validate(b) {
      const out: StatusCause[] = [];
      if (!b.target?.name) out.push(fieldErr.required('target.name'));
      if (b.target?.kind && b.target.kind !== 'Node') out.push(fieldErr.notSupported('target.kind', b.target.kind, ['Node', '<empty>']));
      return out;
    },
    generationFromSpec: false,
  },
});
