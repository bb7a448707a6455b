// PodSecurity admission (k8s.io/pod-security-admission): pods are checked against their namespace's enforce,
// audit and warn levels; pod controllers only warn and audit; tightening a namespace's enforce level warns about
// the pods already there that would now be refused.
import { errors, type KubeObject, type StatusCause } from '@kubets/api';
import type { AdmissionLookup, AdmissionPlugin, AdmissionRequest } from '../interface';
import { forbiddenDetail, forbiddenReason, type AggregateResult } from './check';
import { evaluatePod } from './evaluate';
import { podView, type PodView } from './pod-view';
import { resolvePodSecurityConfig, type ResolvedPodSecurityConfig } from './config';
import {
  AuditLevelLabel,
  AuditVersionLabel,
  EnforceLevelLabel,
  EnforceVersionLabel,
  WarnLevelLabel,
  WarnVersionLabel,
  compareLevels,
  equivalentPolicies,
  fullyPrivileged,
  labelPrefix,
  levelVersionString,
  policyToEvaluate,
  type LevelVersion,
  type Policy,
  type PolicyError,
} from './policy';

export interface PodSecurityOptions {
  /** from loadPodSecurityConfig / resolvePodSecurityConfig; default: privileged everywhere, kube-system exempt */
  config?: ResolvedPodSecurityConfig;
  /** how many existing pods a namespace label change checks, and for how long (upstream: 3000, 1s) */
  namespaceMaxPodsToCheck?: number;
  namespacePodCheckTimeoutMs?: number;
  now?: () => number;
}

/** Pod subresources that cannot change what the checks look at. */
const ignoredPodSubresources = new Set(['exec', 'attach', 'binding', 'eviction', 'log', 'portforward', 'proxy', 'status']);

type Rec = Record<string, unknown>;
const rec = (x: unknown): Rec | undefined => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Rec) : undefined);

/** Where each pod controller keeps its pod template. */
const podTemplatePaths: Record<string, readonly string[]> = {
  '/replicationcontrollers': ['spec', 'template'],
  '/podtemplates': ['template'],
  'apps/replicasets': ['spec', 'template'],
  'apps/deployments': ['spec', 'template'],
  'apps/statefulsets': ['spec', 'template'],
  'apps/daemonsets': ['spec', 'template'],
  'batch/jobs': ['spec', 'template'],
  'batch/cronjobs': ['spec', 'jobTemplate', 'spec', 'template'],
};

function templateOf(obj: KubeObject, path: readonly string[]): Rec | undefined {
  let cur: unknown = obj;
  for (const k of path) cur = rec(cur)?.[k];
  return rec(cur);
}

const exemptAnnotation = `${labelPrefix}exempt`;
const enforcePolicyAnnotation = `${labelPrefix}enforce-policy`;
const auditViolationsAnnotation = `${labelPrefix}audit-violations`;
const errorAnnotation = `${labelPrefix}error`;

function warn(req: AdmissionRequest, w: string): void {
  // the store may run admission again when its write races another: say each thing once
  if (req.warnings && !req.warnings.includes(w)) req.warnings.push(w);
}
function annotate(req: AdmissionRequest, key: string, value: string): void {
  if (req.auditAnnotations) req.auditAnnotations[key] = value;
}

const labelsOf = (o: KubeObject | undefined): Record<string, string> | undefined => o?.metadata.labels;

function isSignificantPodUpdate(pod: PodView, old: PodView): boolean {
  if (pod.containers.length !== old.containers.length || pod.initContainers.length !== old.initContainers.length) return true;
  if (pod.containers.some((c, i) => c.image !== old.containers[i]?.image)) return true;
  if (pod.initContainers.some((c, i) => c.image !== old.initContainers[i]?.image)) return true;
  // an added ephemeral container, or one whose image changed
  return pod.ephemeralContainers.some((c) => {
    const o = old.ephemeralContainers.find((x) => x.name === c.name);
    return !o || o.image !== c.image;
  });
}

export function podSecurity(opts: PodSecurityOptions = {}): AdmissionPlugin {
  const config = opts.config ?? resolvePodSecurityConfig(undefined);
  const defaults = config.defaults;
  const maxPods = opts.namespaceMaxPodsToCheck ?? 3000;
  const timeoutMs = opts.namespacePodCheckTimeoutMs ?? 1000;
  const now = opts.now ?? Date.now;
  const exemptNamespace = (ns: string) => ns !== '' && config.exemptions.namespaces.includes(ns);
  const exemptUser = (u: string | undefined) => !!u && config.exemptions.usernames.includes(u);
  const exemptRuntimeClass = (rc: string | undefined) => !!rc && config.exemptions.runtimeClasses.includes(rc);

  /** Evaluates one pod (or template): enforce only for pods, audit and warn always. */
  function evaluate(req: AdmissionRequest, policy: Policy, policyErrors: PolicyError[], pod: PodView, enforce: boolean): void {
    if (exemptRuntimeClass(pod.runtimeClassName)) {
      annotate(req, exemptAnnotation, 'runtimeClass');
      return;
    }
    if (policyErrors.length) annotate(req, errorAnnotation, `Failed to parse policy: ${policyErrorsString(policyErrors)}`);
    const results = new Map<string, AggregateResult>();
    const resultFor = (lv: LevelVersion): AggregateResult => {
      const key = levelVersionString(lv);
      let r = results.get(key);
      if (!r) results.set(key, (r = evaluatePod(lv.level, pod)));
      return r;
    };
    if (enforce) {
      annotate(req, enforcePolicyAnnotation, levelVersionString(policy.enforce));
      const r = resultFor(policy.enforce);
      if (!r.allowed) {
        const audit = resultFor(policy.audit);
        if (!audit.allowed) annotate(req, auditViolationsAnnotation, `would violate PodSecurity "${levelVersionString(policy.audit)}": ${forbiddenDetail(audit)}`);
        throw errors.forbidden({ group: '', resource: 'pods' }, req.obj.metadata.name ?? '', `violates PodSecurity "${levelVersionString(policy.enforce)}": ${forbiddenDetail(r)}`);
      }
    }
    const audit = resultFor(policy.audit);
    if (!audit.allowed) annotate(req, auditViolationsAnnotation, `would violate PodSecurity "${levelVersionString(policy.audit)}": ${forbiddenDetail(audit)}`);
    const w = resultFor(policy.warn);
    if (!w.allowed) warn(req, `would violate PodSecurity "${levelVersionString(policy.warn)}": ${forbiddenDetail(w)}`);
  }

  async function namespacePolicy(req: AdmissionRequest, lookup: AdmissionLookup, failOpen: boolean): Promise<{ policy: Policy; errors: PolicyError[] } | undefined> {
    let ns: KubeObject | undefined;
    let failure = 'not found';
    try {
      ns = await lookup.get('', 'namespaces', '', req.namespace);
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
    if (ns) return policyToEvaluate(labelsOf(ns), defaults);
    if (failOpen) {
      annotate(req, errorAnnotation, `failed to lookup namespace "${req.namespace}": ${failure}`);
      return undefined;
    }
    throw errors.internal(`failed to lookup namespace "${req.namespace}"`);
  }

  async function admitPod(req: AdmissionRequest, lookup: AdmissionLookup): Promise<void> {
    if (ignoredPodSubresources.has(req.subresource)) return;
    if (exemptNamespace(req.namespace)) return annotate(req, exemptAnnotation, 'namespace');
    if (exemptUser(req.userInfo?.name)) return annotate(req, exemptAnnotation, 'user');
    const nsPolicy = await namespacePolicy(req, lookup, false);
    if (!nsPolicy || (nsPolicy.errors.length === 0 && fullyPrivileged(nsPolicy.policy))) return;
    const pod = podView(req.obj.metadata, req.obj.spec);
    if (req.operation === 'UPDATE' && req.old && !isSignificantPodUpdate(pod, podView(req.old.metadata, req.old.spec))) return;
    evaluate(req, nsPolicy.policy, nsPolicy.errors, pod, true);
  }

  async function admitPodController(req: AdmissionRequest, lookup: AdmissionLookup, path: readonly string[]): Promise<void> {
    if (req.subresource !== '') return;
    if (exemptNamespace(req.namespace)) return annotate(req, exemptAnnotation, 'namespace');
    if (exemptUser(req.userInfo?.name)) return annotate(req, exemptAnnotation, 'user');
    const nsPolicy = await namespacePolicy(req, lookup, true);
    if (!nsPolicy) return;
    const { policy } = nsPolicy;
    if (nsPolicy.errors.length === 0 && policy.warn.level === 'privileged' && policy.audit.level === 'privileged') return;
    const template = templateOf(req.obj, path);
    if (!template) return;
    evaluate(req, policy, nsPolicy.errors, podView(template.metadata, template.spec), false);
  }

  async function admitNamespace(req: AdmissionRequest, lookup: AdmissionLookup): Promise<void> {
    if (req.subresource !== '') return;
    const name = req.obj.metadata.name ?? '';
    const next = policyToEvaluate(labelsOf(req.obj), defaults);
    if (req.operation === 'CREATE') {
      if (next.errors.length) throw invalidLabels(name, next.errors);
      if (exemptNamespace(name)) {
        const w = exemptNamespaceWarning(name, next.policy, labelsOf(req.obj) ?? {});
        if (w) warn(req, w);
      }
      return;
    }
    const old = policyToEvaluate(labelsOf(req.old), defaults);
    // labels that were already invalid may stay so (other label edits must not be blocked)
    if (next.errors.length && (old.errors.length === 0 || policyErrorsString(next.errors) !== policyErrorsString(old.errors))) throw invalidLabels(name, next.errors);
    const ne = next.policy.enforce;
    const oe = old.policy.enforce;
    if (ne.level === oe.level && ne.version === oe.version) return;
    if (ne.level === 'privileged') return;
    if (ne.version === oe.version && compareLevels(ne.level, oe.level) < 1) return;
    if (exemptNamespace(name)) {
      const w = exemptNamespaceWarning(name, next.policy, labelsOf(req.obj) ?? {});
      if (w) warn(req, w);
      return;
    }
    for (const w of await existingPodWarnings(lookup, name, ne)) warn(req, w);
  }

  function exemptNamespaceWarning(ns: string, policy: Policy, labels: Record<string, string>): string {
    if (fullyPrivileged(policy) || equivalentPolicies(policy, defaults)) return '';
    const parts: string[] = [];
    const mode = (name: string, lv: LevelVersion, levelLabel: string, versionLabel: string) => {
      if (lv.level !== 'privileged' && (labels[levelLabel] !== undefined || labels[versionLabel] !== undefined)) parts.push(`${name}=${levelVersionString(lv)}`);
    };
    mode('enforce', policy.enforce, EnforceLevelLabel, EnforceVersionLabel);
    mode('audit', policy.audit, AuditLevelLabel, AuditVersionLabel);
    mode('warn', policy.warn, WarnLevelLabel, WarnVersionLabel);
    return `namespace "${ns}" is exempt from Pod Security, and the policy (${parts.join(', ')}) will be ignored`;
  }

  /** Upstream's summary: one line per distinct violation, naming the first pod (by name) and how many others. */
  async function existingPodWarnings(lookup: AdmissionLookup, ns: string, enforce: LevelVersion): Promise<string[]> {
    const deadline = now() + timeoutMs;
    let pods: KubeObject[];
    try {
      pods = await lookup.list('', 'pods', ns);
    } catch {
      return ['failed to list pods while checking new PodSecurity enforce level'];
    }
    const ordered = prioritize(pods);
    const total = ordered.length;
    const sample = ordered.slice(0, maxPods);
    let checked = sample.length;
    const byReason = new Map<string, { podName: string; count: number }>();
    for (const [i, p] of sample.entries()) {
      const r = evaluatePod(enforce.level, podView(p.metadata, p.spec));
      if (!r.allowed) {
        const reason = forbiddenReason(r);
        const name = p.metadata.name ?? '';
        const seen = byReason.get(reason);
        if (!seen) byReason.set(reason, { podName: name, count: 1 });
        else {
          seen.count++;
          if (name < seen.podName) seen.podName = name;
        }
      }
      if (now() > deadline) {
        checked = i + 1;
        break;
      }
    }
    const out: string[] = [];
    if (checked < total) out.push(`new PodSecurity enforce level only checked against the first ${checked} of ${total} existing pods`);
    if (byReason.size) out.push(`existing pods in namespace "${ns}" violate the new PodSecurity enforce level "${levelVersionString(enforce)}"`);
    const lines = [...byReason.entries()].map(([reason, { podName, count }]) => {
      if (count === 1) return `${podName}: ${reason}`;
      if (count === 2) return `${podName} (and 1 other pod): ${reason}`;
      return `${podName} (and ${count - 1} other pods): ${reason}`;
    });
    return [...out, ...lines.sort()];
  }

  /** One pod per controller first (replicas look alike), then the rest; runtime-class-exempt pods are skipped. */
  function prioritize(pods: KubeObject[]): KubeObject[] {
    const first: KubeObject[] = [];
    const rest: KubeObject[] = [];
    const seenControllers = new Set<string>();
    for (const p of pods) {
      if (exemptRuntimeClass(podView(p.metadata, p.spec).runtimeClassName)) continue;
      const ctrl = p.metadata.ownerReferences?.find((o) => o.controller === true);
      if (!ctrl) first.push(p);
      else if (seenControllers.has(ctrl.uid)) rest.push(p);
      else {
        seenControllers.add(ctrl.uid);
        first.push(p);
      }
    }
    return [...first, ...rest];
  }

  return {
    name: 'PodSecurity',
    async admit(req, lookup) {
      const key = `${req.def.group}/${req.def.plural}`;
      if (key === '/namespaces') return admitNamespace(req, lookup);
      if (key === '/pods') return admitPod(req, lookup);
      const path = podTemplatePaths[key];
      if (path) return admitPodController(req, lookup, path);
    },
  };
}

function policyErrorsString(errs: PolicyError[]): string {
  const list = errs.map((e) => `${e.field}: Invalid value: ${JSON.stringify(e.value)}: ${e.detail}`);
  return list.length === 1 ? list[0]! : `[${list.join(', ')}]`;
}

function invalidLabels(name: string, errs: PolicyError[]): Error {
  const causes: StatusCause[] = errs.map((e) => ({ reason: 'FieldValueInvalid', field: e.field, message: `Invalid value: ${JSON.stringify(e.value)}: ${e.detail}` }));
  return errors.invalid({ group: '', kind: 'Namespace' }, name, causes);
}
