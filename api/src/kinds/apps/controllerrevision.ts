// apps/v1 ControllerRevision: immutable snapshots of DaemonSet/StatefulSet templates (kubectl rollout history/undo).
import { Type, Opt, Any, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, With } from '../common';
import { fieldErr, deepEqual } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const ControllerRevisionSchema = objectSchema(
  'io.k8s.api.apps.v1.ControllerRevision',
  'ControllerRevision implements an immutable snapshot of state data. Clients are responsible for serializing and deserializing the objects that contain their internal state.',
  {
    data: Opt(With(Any, { description: 'Data is the serialized representation of the state.' })),
    revision: Type.Integer({ format: 'int64', description: 'Revision indicates the revision of the state represented by Data.' }),
  },
);
export type ControllerRevision = Static<typeof ControllerRevisionSchema>;

export const ControllerRevisionKind = defineKind<ControllerRevision>({
  group: 'apps',
  version: 'v1',
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  singular: 'controllerrevision',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: ControllerRevisionSchema,
  status: false,
  strategy: {
    validate(cr) {
      return cr.revision < 0 ? [fieldErr.invalid('revision', cr.revision, 'must be greater than or equal to 0')] : [];
    },
    validateUpdate(cr, old) {
      const out: StatusCause[] = [];
      if (!deepEqual(cr.data, old.data)) out.push(fieldErr.invalid('data', '', 'field is immutable'));
      return out;
    },
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Controller', type: 'string', description: 'Controller of the object', priority: 0 },
      { name: 'Revision', type: 'string', description: 'Revision indicates the revision of the state represented by Data.', priority: 0 },
      ageColumn,
    ],
    cells: (o, now) => {
      const ref = o.metadata.ownerReferences?.find((r) => r.controller);
      let controller = '<none>';
      if (ref) {
        const i = ref.apiVersion.indexOf('/');
        const group = i < 0 ? '' : ref.apiVersion.slice(0, i);
        controller = `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
      }
      return [o.metadata.name, controller, o.revision, age(o.metadata.creationTimestamp, now)];
    },
  },
});
