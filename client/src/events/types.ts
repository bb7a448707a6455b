// The core/v1 Event fields the recorder writes. (The kind's schema lives in @kubets/api when present.)
import type { KubeObject, ObjectMeta, KindDef } from '@kubets/api';
import * as api from '@kubets/api';

export interface ObjectRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface CoreEvent extends KubeObject {
  metadata: ObjectMeta;
  involvedObject: ObjectRef;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
  type?: string;
  eventTime?: string | null;
  reportingComponent?: string;
  reportingInstance?: string;
  action?: string;
  related?: ObjectRef;
}

/** core/v1 events: @kubets/api's EventKind, or an equivalent definition until it exists. */
export function eventKindDef(): KindDef {
  const k = (api as unknown as { EventKind?: KindDef }).EventKind;
  if (k) return k;
  return {
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
    categories: [],
    schema: { type: 'object' } as unknown as KindDef['schema'],
    status: false,
  };
}

/** An ObjectReference for obj; pass its KindDef when obj may lack apiVersion/kind (list items usually do). */
export function objectRef(obj: KubeObject, def?: Pick<KindDef, 'group' | 'version' | 'kind'>): ObjectRef {
  return {
    kind: obj.kind ?? def?.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    apiVersion: obj.apiVersion ?? (def ? (def.group ? `${def.group}/${def.version}` : def.version) : undefined),
    resourceVersion: obj.metadata.resourceVersion,
  };
}
