// core/v1 Event (the events.k8s.io/v1 fields are accepted too, as Kubernetes stores both in one object).
import { Type, Struct, Opt, Time, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, humanDuration, nameColumn, With, Int32, Str } from '../common';
import { ObjectReferenceSchema } from './object-reference';
import { fieldErr } from '../validators';
import type { StatusCause } from '../../errors/status-error';

const MicroTime = Type.String({ format: 'date-time' });

export const EventSourceSchema = Struct(
  'EventSource contains information for an event.',
  { component: Opt(Str(), 'Component from which the event is generated.'), host: Opt(Str(), 'Node name on which the event is generated.') },
  { $id: 'io.k8s.api.core.v1.EventSource' },
);

export const EventSeriesSchema = Struct(
  'EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time.',
  { count: Opt(Int32(), 'Number of occurrences in this series up to the last heartbeat time'), lastObservedTime: Opt(MicroTime, 'Time of the last occurrence observed') },
  { $id: 'io.k8s.api.core.v1.EventSeries' },
);

export const EventSchema = objectSchema('io.k8s.api.core.v1.Event', 'Event is a report of an event somewhere in the cluster.', {
  involvedObject: With(ObjectReferenceSchema, { description: 'The object that this event is about.' }),
  reason: Opt(Str(), 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
  message: Opt(Str(), 'A human-readable description of the status of this operation.'),
  source: Opt(EventSourceSchema, 'The component reporting this event. Should be a short machine understandable string.'),
  firstTimestamp: Opt(Type.Union([Time, Type.Null()]), 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)'),
  lastTimestamp: Opt(Type.Union([Time, Type.Null()]), 'The time at which the most recent occurrence of this event was recorded.'),
  count: Opt(Int32(), 'The number of times this event has occurred.'),
  type: Opt(Str(), 'Type of this event (Normal, Warning), new types could be added in the future'),
  eventTime: Opt(Type.Union([MicroTime, Type.Null()]), 'Time when this Event was first observed.'),
  series: Opt(EventSeriesSchema, 'Data about the Event series this event represents or nil if it\'s a singleton Event.'),
  action: Opt(Str(), 'What action was taken/failed regarding to the Regarding object.'),
  related: Opt(ObjectReferenceSchema, 'Optional secondary object for more complex actions.'),
  reportingComponent: Opt(Str(), 'Name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.'),
  reportingInstance: Opt(Str(), 'ID of the controller instance, e.g. `kubelet-xyzf`.'),
});
export type Event = Static<typeof EventSchema>;

export function formatEventSource(e: Event): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

export const EventKind = defineKind<Event>({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  categories: [],
  schema: EventSchema,
  status: false,
  fieldSelectors: {
    'involvedObject.kind': (o) => o.involvedObject?.kind ?? '',
    'involvedObject.namespace': (o) => o.involvedObject?.namespace ?? '',
    'involvedObject.name': (o) => o.involvedObject?.name ?? '',
    'involvedObject.uid': (o) => o.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (o) => o.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (o) => o.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (o) => o.involvedObject?.fieldPath ?? '',
    reason: (o) => o.reason ?? '',
    reportingComponent: (o) => o.reportingComponent ?? '',
    source: (o) => o.source?.component || o.reportingComponent || '',
    type: (o) => o.type ?? '',
  },
  strategy: {
    validate(e) {
      const out: StatusCause[] = [];
      const inv = e.involvedObject;
      if (!inv) return [fieldErr.required('involvedObject')];
      // Events may only be created in the namespace of the object they are about.
      if (inv.namespace && e.metadata.namespace && inv.namespace !== e.metadata.namespace) {
        out.push(fieldErr.invalid('involvedObject.namespace', inv.namespace, 'does not match event.namespace'));
      }
      if (e.type && !['Normal', 'Warning'].includes(e.type)) out.push(fieldErr.notSupported('type', e.type, ['Normal', 'Warning']));
      return out;
    },
    generationFromSpec: false,
  },
  table: {
    columns: [
      { name: 'Last Seen', type: 'string', description: 'The time at which the most recent occurrence of this event was recorded.', priority: 0 },
      { name: 'Type', type: 'string', description: 'Type of this event (Normal, Warning), new types could be added in the future', priority: 0 },
      { name: 'Reason', type: 'string', description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", priority: 0 },
      { name: 'Object', type: 'string', description: 'The object that this event is about.', priority: 0 },
      { name: 'Subobject', type: 'string', description: 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', priority: 1 },
      { name: 'Source', type: 'string', description: 'The component reporting this event. Should be a short machine understandable string.', priority: 1 },
      { name: 'Message', type: 'string', description: 'A human-readable description of the status of this operation.', priority: 0 },
      { name: 'First Seen', type: 'string', description: 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', priority: 1 },
      { name: 'Count', type: 'string', description: 'The number of times this event has occurred.', priority: 1 },
      { ...nameColumn, priority: 1 },
    ],
    cells: (o, now) => {
      const since = (t: string | null | undefined) => (t ? humanDuration(now.getTime() - Date.parse(t)) : '<unknown>');
      const first = o.firstTimestamp ? age(o.firstTimestamp, now) : since(o.eventTime);
      let last = o.lastTimestamp ? age(o.lastTimestamp, now) : first;
      let count = o.count ?? 0;
      if (o.series) {
        last = since(o.series.lastObservedTime);
        count = o.series.count ?? 0;
      } else if (count === 0) count = 1;
      const kind = (o.involvedObject?.kind ?? '').toLowerCase();
      const target = o.involvedObject?.name ? `${kind}/${o.involvedObject.name}` : kind;
      return [last, o.type ?? '', o.reason ?? '', target, o.involvedObject?.fieldPath ?? '', formatEventSource(o), (o.message ?? '').trim(), first, count, o.metadata.name];
    },
  },
});
