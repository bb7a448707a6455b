// autoscaling/v1 Scale: the body of the /scale subresource (not a stored kind).
import { Type, Struct, Opt, type Static } from '../../schema/builders';
import type { TableColumn } from '../../schema/kind';
import { objectSchema, age, ageColumn, Int32, Str } from '../common';

export const ScaleSpecSchema = Struct('ScaleSpec describes the attributes of a scale subresource.', { replicas: Opt(Int32(), 'replicas is the desired number of instances for the scaled object.') }, { $id: 'io.k8s.api.autoscaling.v1.ScaleSpec' });

export const ScaleStatusSchema = Struct(
  'ScaleStatus represents the current status of a scale subresource.',
  {
    replicas: Type.Integer({ format: 'int32', description: 'replicas is the actual number of observed instances of the scaled object.' }),
    selector: Opt(Str(), 'selector is the label query over pods that should match the replicas count. This is same as the label selector but in the string format to avoid introspection by clients.'),
  },
  { $id: 'io.k8s.api.autoscaling.v1.ScaleStatus' },
);

export const ScaleSchema = objectSchema('io.k8s.api.autoscaling.v1.Scale', 'Scale represents a scaling request for a resource.', {
  spec: Opt(ScaleSpecSchema, 'spec defines the behavior of the scale.'),
  status: Opt(ScaleStatusSchema, 'status is the current status of the scale. Read-only.'),
});
export type Scale = Static<typeof ScaleSchema>;

/** Table for `kubectl get --subresource=scale`. */
export const scaleTableColumns: TableColumn[] = [
  { name: 'Name', type: 'string', description: 'Name must be unique within a namespace.', priority: 0 },
  { name: 'Desired', type: 'integer', description: 'replicas is the desired number of instances for the scaled object.', priority: 0 },
  { name: 'Available', type: 'integer', description: 'replicas is the actual number of observed instances of the scaled object.', priority: 0 },
  ageColumn,
];
export function scaleTableCells(s: Scale, now: Date): unknown[] {
  return [s.metadata.name, s.spec?.replicas ?? 0, s.status?.replicas ?? 0, age(s.metadata.creationTimestamp, now)];
}
