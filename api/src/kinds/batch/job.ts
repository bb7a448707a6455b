// batch/v1 Job.
import { Type, Struct, Opt, Time, MergeList, AtomicList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { LabelSelectorSchema, ObjectMetaSchema } from '../../meta/schemas';
import { PodTemplateSpecSchema } from '../core/pod-spec';
import { defaultPodSpec, validatePodTemplate } from '../core/pod-validation';
import { objectSchema, age, humanDuration, nameColumn, ageColumn, containerCells, containersColumn, imagesColumn, Def, With, Int32, Int64, Str, Bool } from '../common';
import { fieldErr, immutable, immutableSelector, formatLabelSelector, deepEqual } from '../validators';
import { validateSelectorAndTemplate, validateNonNegative } from '../apps/workload';
import type { StatusCause } from '../../errors/status-error';

export const PodFailurePolicyRuleSchema = Struct(
  'PodFailurePolicyRule describes how a pod failure is handled when the requirements are met.',
  {
    action: Enum(['FailJob', 'FailIndex', 'Ignore', 'Count'] as const, 'Specifies the action taken on a pod failure when the requirements are satisfied.'),
    onExitCodes: Opt(
      Struct('PodFailurePolicyOnExitCodesRequirement describes the requirement for handling a failed pod based on its container exit codes.', { containerName: Opt(Str()), operator: Enum(['In', 'NotIn'] as const), values: SetListInt() }, { $id: 'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement' }),
    ),
    onPodConditions: Opt(
      AtomicList(Struct('PodFailurePolicyOnPodConditionsPattern describes a pattern for matching an actual pod condition type.', { type: Str(), status: Opt(Def(Str(), 'True')) }, { $id: 'io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern' })),
    ),
  },
  { $id: 'io.k8s.api.batch.v1.PodFailurePolicyRule' },
);

function SetListInt() {
  return Type.Array(Type.Integer({ format: 'int32' }), { 'x-kubernetes-list-type': 'set' });
}

export const JobSpecSchema = Struct(
  'JobSpec describes how the job execution will look like.',
  {
    parallelism: Opt(Int32(), 'Specifies the maximum desired number of pods the job should run at any given time.'),
    completions: Opt(Int32(), 'Specifies the desired number of successfully finished pods the job should be run with.'),
    activeDeadlineSeconds: Opt(Int64(), 'Specifies the duration in seconds relative to the startTime that the job may be continuously active before the system tries to terminate it; value must be positive integer.'),
    podFailurePolicy: Opt(Struct('PodFailurePolicy describes how failed pods influence the backoffLimit.', { rules: AtomicList(PodFailurePolicyRuleSchema) }, { $id: 'io.k8s.api.batch.v1.PodFailurePolicy' }), 'Specifies the policy of handling failed pods.'),
    successPolicy: Opt(Struct('SuccessPolicy describes when a Job can be declared as succeeded based on the success of some indexes.', { rules: AtomicList(Struct('SuccessPolicyRule describes rule for declaring a Job as succeeded.', { succeededIndexes: Opt(Str()), succeededCount: Opt(Int32()) }, { $id: 'io.k8s.api.batch.v1.SuccessPolicyRule' })) }, { $id: 'io.k8s.api.batch.v1.SuccessPolicy' })),
    backoffLimit: Opt(Int32(), 'Specifies the number of retries before marking this job failed. Defaults to 6'),
    backoffLimitPerIndex: Opt(Int32(), 'Specifies the limit for the number of retries within an index before marking this index as failed.'),
    maxFailedIndexes: Opt(Int32(), 'Specifies the maximal number of failed indexes before marking the Job as failed, when backoffLimitPerIndex is set.'),
    selector: Opt(LabelSelectorSchema, 'A label query over pods that should match the pod count. Normally, the system sets this field for you.'),
    manualSelector: Opt(Bool(), 'manualSelector controls generation of pod labels and pod selectors. Leave `manualSelector` unset unless you are certain what you are doing.'),
    template: With(PodTemplateSpecSchema, { description: 'Describes the pod that will be created when executing a job. The only allowed template.spec.restartPolicy values are "Never" or "OnFailure".' }),
    ttlSecondsAfterFinished: Opt(Int32(), 'ttlSecondsAfterFinished limits the lifetime of a Job that has finished execution (either Complete or Failed).'),
    completionMode: Opt(Def(Enum(['NonIndexed', 'Indexed'] as const), 'NonIndexed'), 'completionMode specifies how Pod completions are tracked. It can be `NonIndexed` (default) or `Indexed`.'),
    suspend: Opt(Def(Bool(), false), 'suspend specifies whether the Job controller should create Pods or not. Defaults to false.'),
    podReplacementPolicy: Opt(Enum(['TerminatingOrFailed', 'Failed'] as const), 'podReplacementPolicy specifies when to create replacement Pods.'),
    managedBy: Opt(Str(), 'ManagedBy field indicates the controller that manages a Job.'),
  },
  { $id: 'io.k8s.api.batch.v1.JobSpec' },
);
export type JobSpec = Static<typeof JobSpecSchema>;

export const JobConditionSchema = Struct(
  'JobCondition describes current state of a job.',
  {
    type: Type.String({ description: 'Type of job condition, Complete or Failed.' }),
    status: Type.String({ description: 'Status of the condition, one of True, False, Unknown.' }),
    lastProbeTime: Opt(Time, 'Last time the condition was checked.'),
    lastTransitionTime: Opt(Time, 'Last time the condition transit from one status to another.'),
    reason: Opt(Str(), "(brief) reason for the condition's last transition."),
    message: Opt(Str(), 'Human readable message indicating details about last transition.'),
  },
  { $id: 'io.k8s.api.batch.v1.JobCondition' },
);
export type JobCondition = Static<typeof JobConditionSchema>;

export const JobStatusSchema = Struct(
  'JobStatus represents the current state of a Job.',
  {
    conditions: Opt(With(MergeList(JobConditionSchema, 'type', 'The latest available observations of an object\'s current state.'), { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-list-map-keys': undefined })),
    startTime: Opt(Time, 'Represents time when the job controller started processing a job.'),
    completionTime: Opt(Time, 'Represents time when the job was completed.'),
    active: Opt(Int32(), 'The number of pending and running pods which are not terminating (without a deletionTimestamp).'),
    succeeded: Opt(Int32(), 'The number of pods which reached phase Succeeded.'),
    failed: Opt(Int32(), 'The number of pods which reached phase Failed.'),
    terminating: Opt(Int32(), 'The number of pods which are terminating (in phase Pending or Running and have a deletionTimestamp).'),
    completedIndexes: Opt(Str(), 'completedIndexes holds the completed indexes when .spec.completionMode = "Indexed" in a text format.'),
    failedIndexes: Opt(Str(), 'FailedIndexes holds the failed indexes when spec.backoffLimitPerIndex is set.'),
    uncountedTerminatedPods: Opt(Struct('UncountedTerminatedPods holds UIDs of Pods that have terminated but haven\'t been accounted in Job status counters.', { succeeded: Opt(Type.Array(Str(), { 'x-kubernetes-list-type': 'set' })), failed: Opt(Type.Array(Str(), { 'x-kubernetes-list-type': 'set' })) }, { $id: 'io.k8s.api.batch.v1.UncountedTerminatedPods' })),
    ready: Opt(Int32(), 'The number of active pods which have a Ready condition and are not terminating (without a deletionTimestamp).'),
  },
  { $id: 'io.k8s.api.batch.v1.JobStatus' },
);
export type JobStatus = Static<typeof JobStatusSchema>;

export const JobSchema = objectSchema('io.k8s.api.batch.v1.Job', 'Job represents the configuration of a single job.', {
  spec: Opt(JobSpecSchema, 'Specification of the desired behavior of a job.'),
  status: Opt(JobStatusSchema, 'Current status of a job.'),
});
export type Job = Static<typeof JobSchema>;

/** SetDefaults_Job for a JobSpec (also used by CronJob's jobTemplate). */
export function defaultJobSpec(spec: JobSpec | undefined): void {
  if (!spec) return;
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (spec.parallelism === undefined) spec.parallelism = 1;
  if (spec.backoffLimit === undefined) spec.backoffLimit = spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  if (!spec.completionMode) spec.completionMode = 'NonIndexed';
  if (spec.suspend === undefined) spec.suspend = false;
  if (!spec.podReplacementPolicy) spec.podReplacementPolicy = spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  for (const r of spec.podFailurePolicy?.rules ?? []) for (const c of r.onPodConditions ?? []) if (!c.status) c.status = 'True';
  defaultPodSpec(spec.template?.spec);
}

export const jobControllerUidLabel = 'batch.kubernetes.io/controller-uid';
export const jobNameLabel = 'batch.kubernetes.io/job-name';

/** The generated selector and template labels of a Job (unless manualSelector). Needs metadata.uid. */
export function generateJobSelector(job: Job): void {
  const spec = job.spec;
  const uid = job.metadata.uid;
  if (!spec || spec.manualSelector || !uid) return;
  const tpl = (spec.template = spec.template ?? {});
  const md = (tpl.metadata = tpl.metadata ?? {});
  const labels = (md.labels = md.labels ?? {});
  if (labels[jobControllerUidLabel] === undefined) labels[jobControllerUidLabel] = uid;
  if (labels['controller-uid'] === undefined) labels['controller-uid'] = uid;
  if (job.metadata.name) {
    if (labels[jobNameLabel] === undefined) labels[jobNameLabel] = job.metadata.name;
    if (labels['job-name'] === undefined) labels['job-name'] = job.metadata.name;
  }
  if (!spec.selector) spec.selector = { matchLabels: { [jobControllerUidLabel]: uid } };
}

const jobCondTrue = (j: Job, t: string) => {
  const c = j.status?.conditions?.find((x) => x.type === t);
  return c?.status === 'True';
};

export function jobStatusCell(j: Job): string {
  if (jobCondTrue(j, 'Complete')) return 'Complete';
  if (jobCondTrue(j, 'Failed')) return 'Failed';
  if (j.metadata.deletionTimestamp) return 'Terminating';
  if (jobCondTrue(j, 'Suspended')) return 'Suspended';
  if (jobCondTrue(j, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export function jobCompletionsCell(j: Job): string {
  const succeeded = j.status?.succeeded ?? 0;
  if (j.spec?.completions !== undefined) return `${succeeded}/${j.spec.completions}`;
  const p = j.spec?.parallelism ?? 0;
  return p > 1 ? `${succeeded}/1 of ${p}` : `${succeeded}/1`;
}

export function jobDurationCell(j: Job, now: Date): string {
  const start = j.status?.startTime;
  if (!start) return '';
  const end = j.status?.completionTime;
  return humanDuration((end ? Date.parse(end) : now.getTime()) - Date.parse(start));
}

const jobRestartPolicies: readonly string[] = ['OnFailure', 'Never'];

export function validateJobSpec(spec: JobSpec | undefined, prefix: string, opts: { requireSelector: boolean }): StatusCause[] {
  if (!spec) return [fieldErr.required(prefix)];
  const out: StatusCause[] = [];
  const rebase = (cs: StatusCause[]) => cs.map((c) => ({ ...c, field: c.field?.replace(/^spec/, prefix) }));
  for (const f of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'] as const) {
    out.push(...rebase(validateNonNegative(`spec.${f}`, spec[f])));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds <= 0) out.push(fieldErr.invalid(`${prefix}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be greater than 0'));
  if (spec.completionMode === 'Indexed' && spec.completions === undefined) out.push(fieldErr.required(`${prefix}.completions`, 'when completion mode is Indexed'));
  if (spec.maxFailedIndexes !== undefined && spec.backoffLimitPerIndex === undefined) out.push(fieldErr.required(`${prefix}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  if (opts.requireSelector || spec.selector) {
    out.push(...rebase(validateSelectorAndTemplate(spec.selector, spec.template, { kind: 'job', restartPolicies: jobRestartPolicies, allowActiveDeadline: true })));
  } else {
    // The selector is generated from metadata.uid on create; until then only the template can be checked.
    out.push(...rebase(validatePodTemplate(spec.template, 'spec.template')));
    const rp = spec.template?.spec?.restartPolicy;
    if (rp !== undefined && !jobRestartPolicies.includes(rp)) out.push(fieldErr.notSupported(`${prefix}.template.spec.restartPolicy`, rp, jobRestartPolicies));
  }
  if (spec.template?.spec && spec.template.spec.restartPolicy === undefined) {
    out.push(fieldErr.required(`${prefix}.template.spec.restartPolicy`, 'valid values: "OnFailure", "Never"'));
  }
  return out;
}

export const JobKind = defineKind<Job>({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  singular: 'job',
  namespaced: true,
  shortNames: [],
  categories: ['all'],
  schema: JobSchema,
  status: true,
  fieldSelectors: { 'status.successful': (o) => String(o.status?.succeeded ?? 0) },
  strategy: {
    default(job) {
      const spec = job.spec;
      if (!spec) return;
      defaultJobSpec(spec);
      generateJobSelector(job);
      const labels = spec.template?.metadata?.labels;
      if (labels && (!job.metadata.labels || !Object.keys(job.metadata.labels).length)) job.metadata.labels = { ...labels };
    },
    validate(job) {
      return validateJobSpec(job.spec, 'spec', { requireSelector: !!job.metadata.uid || !!job.spec?.manualSelector });
    },
    validateUpdate(job, old) {
      const out: StatusCause[] = [];
      out.push(...immutableSelector(job.spec?.selector, old.spec?.selector));
      out.push(...immutable('spec.completionMode', job.spec?.completionMode, old.spec?.completionMode));
      if (!(job.spec?.completionMode === 'Indexed' && job.spec?.completions === job.spec?.parallelism)) {
        out.push(...immutable('spec.completions', job.spec?.completions, old.spec?.completions));
      }
      // The pod template is immutable, except scheduling directives while the job is suspended and has never started.
      const tpl = structuredClone(job.spec?.template ?? {});
      const oldTpl = old.spec?.template ?? {};
      if (old.spec?.suspend && !old.status?.startTime && tpl.spec && oldTpl.spec) {
        tpl.spec.nodeSelector = oldTpl.spec.nodeSelector;
        tpl.spec.affinity = oldTpl.spec.affinity;
        tpl.spec.tolerations = oldTpl.spec.tolerations;
        tpl.spec.schedulingGates = oldTpl.spec.schedulingGates;
        if (tpl.metadata && oldTpl.metadata) {
          tpl.metadata.labels = oldTpl.metadata.labels;
          tpl.metadata.annotations = oldTpl.metadata.annotations;
        }
      }
      if (!deepEqual(tpl, oldTpl)) out.push(fieldErr.invalid('spec.template', job.spec?.template, 'field is immutable'));
      return out;
    },
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Status', type: 'string', description: 'Status of the job.', priority: 0 },
      { name: 'Completions', type: 'string', description: 'The number of pods which reached phase Succeeded.', priority: 0 },
      { name: 'Duration', type: 'string', description: 'Time required to complete the job.', priority: 0 },
      ageColumn,
      containersColumn,
      imagesColumn,
      { name: 'Selector', type: 'string', description: 'A label query over pods that should match the pod count.', priority: 1 },
    ],
    cells: (o, now) => {
      const [c, i] = containerCells(o.spec?.template?.spec?.containers);
      return [o.metadata.name, jobStatusCell(o), jobCompletionsCell(o), jobDurationCell(o, now), age(o.metadata.creationTimestamp, now), c, i, formatLabelSelector(o.spec?.selector)];
    },
  },
});

export const JobTemplateSpecSchema = Struct(
  'JobTemplateSpec describes the data a Job should have when created from a template',
  {
    metadata: Opt(ObjectMetaSchema, "Standard object's metadata of the jobs created from this template."),
    spec: Opt(JobSpecSchema, 'Specification of the desired behavior of the job.'),
  },
  { $id: 'io.k8s.api.batch.v1.JobTemplateSpec' },
);
