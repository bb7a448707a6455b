// autoscaling/v2 HorizontalPodAutoscaler: scales a /scale target on metrics (the controller is
// controller-manager/src/controllers/podautoscaler). Only v2 is served (one version per kind in kubets).
import { Type, Struct, Opt, Time, Quantity, MergeList, AtomicList, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema } from '../../meta/schemas';
import { objectSchema, age, nameColumn, ageColumn, Def, Int32, Int64, Str } from '../common';
import { fieldErr } from '../validators';
import type { StatusCause } from '../../errors/status-error';

const v2 = (n: string) => `io.k8s.api.autoscaling.v2.${n}`;

export const CrossVersionObjectReferenceSchema = Struct(
  'CrossVersionObjectReference contains enough information to let you identify the referred resource.',
  { kind: Type.String({ description: 'kind is the kind of the referent.' }), name: Type.String({ description: 'name is the name of the referent.' }), apiVersion: Opt(Str(), 'apiVersion is the API version of the referent') },
  { $id: v2('CrossVersionObjectReference') },
);

export const MetricTargetSchema = Struct(
  'MetricTarget defines the target value, average value, or average utilization of a specific metric',
  {
    type: Type.String({ description: 'type represents whether the metric type is Utilization, Value, or AverageValue' }),
    value: Opt(Quantity, 'value is the target value of the metric (as a quantity).'),
    averageValue: Opt(Quantity, 'averageValue is the target value of the average of the metric across all relevant pods (as a quantity)'),
    averageUtilization: Opt(Int32(), 'averageUtilization is the target value of the average of the resource metric across all relevant pods, represented as a percentage of the requested value of the resource for the pods.'),
  },
  { $id: v2('MetricTarget') },
);

export const MetricValueStatusSchema = Struct(
  'MetricValueStatus holds the current value for a metric',
  {
    value: Opt(Quantity, 'value is the current value of the metric (as a quantity).'),
    averageValue: Opt(Quantity, 'averageValue is the current value of the average of the metric across all relevant pods (as a quantity)'),
    averageUtilization: Opt(Int32(), 'currentAverageUtilization is the current value of the average of the resource metric across all relevant pods, represented as a percentage of the requested value of the resource for the pods.'),
  },
  { $id: v2('MetricValueStatus') },
);

const MetricIdentifierSchema = Struct(
  'MetricIdentifier defines the name and optionally selector for a metric',
  { name: Type.String({ description: 'name is the name of the given metric' }), selector: Opt(LabelSelectorSchema, 'selector is the string-encoded form of a standard kubernetes label selector for the given metric.') },
  { $id: v2('MetricIdentifier') },
);

const ResourceMetricSourceSchema = Struct('ResourceMetricSource indicates how to scale on a resource metric known to Kubernetes.', { name: Type.String({ description: 'name is the name of the resource in question.' }), target: MetricTargetSchema }, { $id: v2('ResourceMetricSource') });
const ContainerResourceMetricSourceSchema = Struct(
  'ContainerResourceMetricSource indicates how to scale on a resource metric known to Kubernetes, of one container of each pod.',
  { name: Type.String({ description: 'name is the name of the resource in question.' }), target: MetricTargetSchema, container: Type.String({ description: 'container is the name of the container in the pods of the scaling target' }) },
  { $id: v2('ContainerResourceMetricSource') },
);
const PodsMetricSourceSchema = Struct('PodsMetricSource indicates how to scale on a metric describing each pod in the current scale target.', { metric: MetricIdentifierSchema, target: MetricTargetSchema }, { $id: v2('PodsMetricSource') });
const ObjectMetricSourceSchema = Struct('ObjectMetricSource indicates how to scale on a metric describing a kubernetes object.', { describedObject: CrossVersionObjectReferenceSchema, metric: MetricIdentifierSchema, target: MetricTargetSchema }, { $id: v2('ObjectMetricSource') });
const ExternalMetricSourceSchema = Struct('ExternalMetricSource indicates how to scale on a metric not associated with any Kubernetes object.', { metric: MetricIdentifierSchema, target: MetricTargetSchema }, { $id: v2('ExternalMetricSource') });

export const MetricSpecSchema = Struct(
  'MetricSpec specifies how to scale based on a single metric (only `type` and one other matching field should be set at once).',
  {
    type: Type.String({ description: 'type is the type of metric source. It should be one of "ContainerResource", "External", "Object", "Pods" or "Resource", each mapping to a matching field in the object.' }),
    resource: Opt(ResourceMetricSourceSchema),
    containerResource: Opt(ContainerResourceMetricSourceSchema),
    pods: Opt(PodsMetricSourceSchema),
    object: Opt(ObjectMetricSourceSchema),
    external: Opt(ExternalMetricSourceSchema),
  },
  { $id: v2('MetricSpec') },
);

export const MetricStatusSchema = Struct(
  'MetricStatus describes the last-read state of a single metric.',
  {
    type: Type.String({ description: 'type is the type of metric source.' }),
    resource: Opt(Struct('ResourceMetricStatus', { name: Type.String(), current: MetricValueStatusSchema }, { $id: v2('ResourceMetricStatus') })),
    containerResource: Opt(Struct('ContainerResourceMetricStatus', { name: Type.String(), current: MetricValueStatusSchema, container: Type.String() }, { $id: v2('ContainerResourceMetricStatus') })),
    pods: Opt(Struct('PodsMetricStatus', { metric: MetricIdentifierSchema, current: MetricValueStatusSchema }, { $id: v2('PodsMetricStatus') })),
    object: Opt(Struct('ObjectMetricStatus', { metric: MetricIdentifierSchema, current: MetricValueStatusSchema, describedObject: CrossVersionObjectReferenceSchema }, { $id: v2('ObjectMetricStatus') })),
    external: Opt(Struct('ExternalMetricStatus', { metric: MetricIdentifierSchema, current: MetricValueStatusSchema }, { $id: v2('ExternalMetricStatus') })),
  },
  { $id: v2('MetricStatus') },
);

const HPAScalingPolicySchema = Struct(
  'HPAScalingPolicy is a single policy which must hold true for a specified past interval.',
  {
    type: Type.String({ description: 'type is used to specify the scaling policy (Pods or Percent).' }),
    value: Type.Integer({ format: 'int32', description: 'value contains the amount of change which is permitted by the policy. It must be greater than zero' }),
    periodSeconds: Type.Integer({ format: 'int32', description: 'periodSeconds specifies the window of time for which the policy should hold true.' }),
  },
  { $id: v2('HPAScalingPolicy') },
);

export const HPAScalingRulesSchema = Struct(
  'HPAScalingRules configures the scaling behavior for one direction.',
  {
    stabilizationWindowSeconds: Opt(Int32(), 'stabilizationWindowSeconds is the number of seconds for which past recommendations should be considered while scaling up or scaling down.'),
    selectPolicy: Opt(Str(), 'selectPolicy is used to specify which policy should be used (Max, Min, Disabled). If not set, the default value Max is used.'),
    policies: Opt(AtomicList(HPAScalingPolicySchema, 'policies is a list of potential scaling polices which can be used during scaling.')),
  },
  { $id: v2('HPAScalingRules') },
);

export const HorizontalPodAutoscalerConditionSchema = Struct(
  'HorizontalPodAutoscalerCondition describes the state of a HorizontalPodAutoscaler at a certain point.',
  {
    type: Type.String({ description: 'type describes the current condition' }),
    status: Type.String({ description: 'status is the status of the condition (True, False, Unknown)' }),
    lastTransitionTime: Opt(Time, 'lastTransitionTime is the last time the condition transitioned from one status to another'),
    reason: Opt(Str(), "reason is the reason for the condition's last transition."),
    message: Opt(Str(), 'message is a human-readable explanation containing details about the transition'),
  },
  { $id: v2('HorizontalPodAutoscalerCondition') },
);

export const HorizontalPodAutoscalerSpecSchema = Struct(
  'HorizontalPodAutoscalerSpec describes the desired functionality of the HorizontalPodAutoscaler.',
  {
    scaleTargetRef: CrossVersionObjectReferenceSchema,
    minReplicas: Opt(Def(Int32(), 1), 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down. It defaults to 1 pod.'),
    maxReplicas: Type.Integer({ format: 'int32', description: 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.' }),
    metrics: Opt(AtomicList(MetricSpecSchema, 'metrics contains the specifications for which to use to calculate the desired replica count. If not set, the default metric will be set to 80% average CPU utilization.')),
    behavior: Opt(Struct('HorizontalPodAutoscalerBehavior configures the scaling behavior of the target in both Up and Down directions.', { scaleUp: Opt(HPAScalingRulesSchema), scaleDown: Opt(HPAScalingRulesSchema) }, { $id: v2('HorizontalPodAutoscalerBehavior') })),
  },
  { $id: v2('HorizontalPodAutoscalerSpec') },
);

export const HorizontalPodAutoscalerStatusSchema = Struct(
  'HorizontalPodAutoscalerStatus describes the current status of a horizontal pod autoscaler.',
  {
    observedGeneration: Opt(Int64(), 'observedGeneration is the most recent generation observed by this autoscaler.'),
    lastScaleTime: Opt(Time, 'lastScaleTime is the last time the HorizontalPodAutoscaler scaled the number of pods, used by the autoscaler to control how often the number of pods is changed.'),
    currentReplicas: Opt(Int32(), 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.'),
    desiredReplicas: Type.Integer({ format: 'int32', default: 0, description: 'desiredReplicas is the desired number of replicas of pods managed by this autoscaler, as last calculated by the autoscaler.' }),
    currentMetrics: Opt(AtomicList(MetricStatusSchema, 'currentMetrics is the last read state of the metrics used by this autoscaler.')),
    conditions: Opt(MergeList(HorizontalPodAutoscalerConditionSchema, 'type', 'conditions is the set of conditions required for this autoscaler to scale its target, and indicates whether or not those conditions are met.')),
  },
  { $id: v2('HorizontalPodAutoscalerStatus') },
);

export const HorizontalPodAutoscalerSchema = objectSchema(v2('HorizontalPodAutoscaler'), 'HorizontalPodAutoscaler is the configuration for a horizontal pod autoscaler, which automatically manages the replica count of any resource implementing the scale subresource based on the metrics specified.', {
  spec: Opt(HorizontalPodAutoscalerSpecSchema, 'spec is the specification for the behaviour of the autoscaler.'),
  status: Opt(HorizontalPodAutoscalerStatusSchema, 'status is the current information about the autoscaler.'),
});
export type HorizontalPodAutoscaler = Static<typeof HorizontalPodAutoscalerSchema>;
export type HorizontalPodAutoscalerStatus = Static<typeof HorizontalPodAutoscalerStatusSchema>;
export type HorizontalPodAutoscalerCondition = Static<typeof HorizontalPodAutoscalerConditionSchema>;
export type MetricSpec = Static<typeof MetricSpecSchema>;
export type MetricStatus = Static<typeof MetricStatusSchema>;
export type HPAScalingRules = Static<typeof HPAScalingRulesSchema>;

const METRIC_TYPES = ['Resource', 'ContainerResource', 'Pods', 'Object', 'External'];
const SOURCE_FIELD: Record<string, 'resource' | 'containerResource' | 'pods' | 'object' | 'external'> = { Resource: 'resource', ContainerResource: 'containerResource', Pods: 'pods', Object: 'object', External: 'external' };

export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): StatusCause[] {
  const spec = hpa.spec;
  if (!spec) return [fieldErr.required('spec')];
  const errs: StatusCause[] = [];
  const min = spec.minReplicas ?? 1;
  if (min < 1) errs.push(fieldErr.invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (spec.maxReplicas < 1) errs.push(fieldErr.invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than 0'));
  if (spec.maxReplicas < min) errs.push(fieldErr.invalid('spec.maxReplicas', spec.maxReplicas, 'must be greater than or equal to `minReplicas`'));
  if (!spec.scaleTargetRef.kind) errs.push(fieldErr.required('spec.scaleTargetRef.kind'));
  if (!spec.scaleTargetRef.name) errs.push(fieldErr.required('spec.scaleTargetRef.name'));
  (spec.metrics ?? []).forEach((m, i) => {
    const f = `spec.metrics[${i}]`;
    const field = SOURCE_FIELD[m.type];
    if (!field) return errs.push(fieldErr.notSupported(`${f}.type`, m.type, METRIC_TYPES));
    if (!m[field]) return errs.push(fieldErr.required(`${f}.${field}`));
    const target = m[field]!.target;
    if (!['Utilization', 'Value', 'AverageValue'].includes(target.type)) errs.push(fieldErr.notSupported(`${f}.${field}.target.type`, target.type, ['Utilization', 'Value', 'AverageValue']));
    if (target.averageUtilization !== undefined && target.averageUtilization <= 0) errs.push(fieldErr.invalid(`${f}.${field}.target.averageUtilization`, target.averageUtilization, 'must be greater than 0'));
    return undefined;
  });
  return errs;
}

export const HorizontalPodAutoscalerKind = defineKind<HorizontalPodAutoscaler>({
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  namespaced: true,
  shortNames: ['hpa'],
  categories: ['all'],
  schema: HorizontalPodAutoscalerSchema,
  status: true,
  strategy: {
    default(hpa) {
      if (hpa.spec) {
        hpa.spec.minReplicas ??= 1;
        // upstream SetDefaults: no metrics means 80% average CPU utilization
        if (!hpa.spec.metrics?.length) hpa.spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
      }
    },
    validate: validateHorizontalPodAutoscaler,
    validateUpdate: () => [],
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Reference', type: 'string', description: 'scaleTargetRef points to the target resource to scale.', priority: 0 },
      { name: 'Targets', type: 'string', description: 'metrics contains the specifications for which to use to calculate the desired replica count.', priority: 0 },
      { name: 'MinPods', type: 'integer', description: 'minReplicas is the lower limit for the number of replicas.', priority: 0 },
      { name: 'MaxPods', type: 'integer', description: 'maxReplicas is the upper limit for the number of replicas.', priority: 0 },
      { name: 'Replicas', type: 'integer', description: 'currentReplicas is current number of replicas of pods managed by this autoscaler.', priority: 0 },
      ageColumn,
    ],
    cells: (o, now) => [o.metadata.name, `${o.spec?.scaleTargetRef.kind ?? ''}/${o.spec?.scaleTargetRef.name ?? ''}`, formatTargets(o), o.spec?.minReplicas ?? 1, o.spec?.maxReplicas ?? 0, o.status?.currentReplicas ?? 0, age(o.metadata.creationTimestamp, now)],
  },
});

/** kubectl's TARGETS column: "cpu: 40%/50%" ("<unknown>" before the first reading). */
export function formatTargets(hpa: HorizontalPodAutoscaler): string {
  const specs = hpa.spec?.metrics ?? [];
  if (!specs.length) return '<none>';
  const parts = specs.map((m, i) => {
    const cur = hpa.status?.currentMetrics?.[i];
    if (m.type === 'Resource' || m.type === 'ContainerResource') {
      const src = m.type === 'Resource' ? m.resource : m.containerResource;
      const c = m.type === 'Resource' ? cur?.resource?.current : cur?.containerResource?.current;
      if (src?.target.type === 'Utilization') return `${src.name}: ${c?.averageUtilization !== undefined ? `${c.averageUtilization}%` : '<unknown>'}/${src.target.averageUtilization ?? 0}%`;
      return `${src?.name ?? ''}: ${c?.averageValue ?? '<unknown>'}/${src?.target.averageValue ?? src?.target.value ?? ''}`;
    }
    return `<${m.type.toLowerCase()}>`;
  });
  return parts.join(', ');
}
