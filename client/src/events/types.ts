// Event helpers for the recorder: the kind and its type come from @kubets/api.
import { EventKind, type Event, type ObjectReference, type KubeObject, type KindDef } from '@kubets/api';

export type ObjectRef = ObjectReference;
/** core/v1 Event (the schema type from @kubets/api). */
export type CoreEvent = Event;

/** core/v1 events. */
export function eventKindDef(): KindDef<Event> {
  return EventKind;
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
