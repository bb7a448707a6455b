import { findKind, StatusError, type KindDef, type KubeObject } from '@kubets/api';
import type { AdmissionLookup, AdmissionRequest } from '../interface';
import { podSecurity } from './plugin';
import { resolvePodSecurityConfig } from './config';

const def = (group: string, version: string, kind: string): KindDef => {
  const d = findKind(group, version, kind);
  if (!d) throw new Error(`no kind ${kind}`);
  return d;
};
const podDef = def('', 'v1', 'Pod');
const nsDef = def('', 'v1', 'Namespace');

function lookupOf(objs: KubeObject[]): AdmissionLookup {
  const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const byKey = new Map(objs.map((o) => [key(o), o]));
  return {
    async get(_g, resource, namespace, name) {
      return byKey.get(`${resource === 'namespaces' ? 'Namespace' : 'Pod'}/${namespace}/${name}`);
    },
    async list(_g, resource, namespace) {
      return objs.filter((o) => o.kind === (resource === 'pods' ? 'Pod' : 'Namespace') && (o.metadata.namespace ?? '') === namespace);
    },
    async count() {
      return 0;
    },
  };
}
const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const privilegedPod = (name = 'x', extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns' },
  spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }], ...extra },
});
const plainPod = (name = 'ok', image = 'busybox'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', image }] } });
function req(obj: KubeObject, over: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return { def: podDef, operation: 'CREATE', subresource: '', namespace: 'ns', obj, dryRun: false, warnings: [], auditAnnotations: {}, ...over };
}
async function rejection(p: Promise<void> | void): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

const baselineViolation = 'host namespaces (hostNetwork=true), privileged (container "c" must not set securityContext.privileged=true)';
const restrictedViolation =
  'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

describe('PodSecurity admission: pods', () => {
  it('enforce refuses with 403 and upstream message, and records the audit annotations', async () => {
    const r = req(privilegedPod());
    const l = lookupOf([ns('ns', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'baseline' })]);
    const e = await rejection(podSecurity().admit(r, l));
    expect(e.status.code).toBe(403);
    expect(e.status.reason).toBe('Forbidden');
    expect(e.status.message).toBe(`pods "x" is forbidden: violates PodSecurity "baseline:latest": ${baselineViolation}`);
    expect(r.auditAnnotations).toEqual({
      'pod-security.kubernetes.io/enforce-policy': 'baseline:latest',
      'pod-security.kubernetes.io/audit-violations': `would violate PodSecurity "baseline:latest": ${baselineViolation}`,
    });
  });

  it.each([
    ['warn only', { 'pod-security.kubernetes.io/warn': 'restricted' }, [`would violate PodSecurity "restricted:latest": ${restrictedViolation}`], {}],
    ['audit only', { 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.30' }, [], { 'pod-security.kubernetes.io/audit-violations': `would violate PodSecurity "restricted:v1.30": ${restrictedViolation}` }],
    ['enforce baseline passes, warn follows enforce', { 'pod-security.kubernetes.io/enforce': 'baseline' }, [], {}],
    ['privileged namespace', { 'pod-security.kubernetes.io/enforce': 'privileged' }, [], {}],
  ])('%s', async (_name, labels, warnings, audit) => {
    const r = req(plainPod());
    await podSecurity().admit(r, lookupOf([ns('ns', labels)]));
    expect(r.warnings).toEqual(warnings);
    const { ['pod-security.kubernetes.io/enforce-policy']: _enforce, ...rest } = r.auditAnnotations ?? {};
    expect(rest).toEqual(audit);
  });

  it('warn is evaluated on its own when enforce admits the pod', async () => {
    const r = req(privilegedPod());
    await podSecurity().admit(r, lookupOf([ns('ns', { 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/enforce': 'privileged' })]));
    expect(r.warnings).toEqual([`would violate PodSecurity "baseline:latest": ${baselineViolation}`]);
  });

  it('an invalid enforce label fails closed (restricted) and is reported in the audit annotations', async () => {
    const r = req(plainPod());
    const e = await rejection(podSecurity().admit(r, lookupOf([ns('ns', { 'pod-security.kubernetes.io/enforce': 'strict' })])));
    expect(e.status.message).toBe(`pods "ok" is forbidden: violates PodSecurity "restricted:latest": ${restrictedViolation}`);
    expect(r.auditAnnotations?.['pod-security.kubernetes.io/error']).toBe(
      'Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
    );
  });

  it('updates: only a changed image or an added ephemeral container is evaluated; status is ignored', async () => {
    const l = lookupOf([ns('ns', { 'pod-security.kubernetes.io/enforce': 'restricted' })]);
    const old = plainPod();
    const labelsOnly = structuredClone(old);
    labelsOnly.metadata.labels = { a: 'b' };
    await podSecurity().admit(req(labelsOnly, { operation: 'UPDATE', old }), l);
    await podSecurity().admit(req(structuredClone(old), { operation: 'UPDATE', subresource: 'status', old }), l);
    const newImage = plainPod('ok', 'busybox:2');
    await rejection(podSecurity().admit(req(newImage, { operation: 'UPDATE', old }), l));
    const debug = structuredClone(old);
    (debug.spec as { ephemeralContainers?: unknown[] }).ephemeralContainers = [{ name: 'dbg', image: 'busybox' }];
    const e = await rejection(podSecurity().admit(req(debug, { operation: 'UPDATE', subresource: 'ephemeralcontainers', old }), l));
    expect(e.status.message).toContain('containers "c", "dbg" must set securityContext.allowPrivilegeEscalation=false');
  });
});

describe('PodSecurity admission: pod controllers warn and audit, never refuse', () => {
  const template = { metadata: { labels: { app: 'x' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] } };
  it.each([
    ['apps', 'v1', 'Deployment', { spec: { selector: {}, template } }],
    ['apps', 'v1', 'ReplicaSet', { spec: { selector: {}, template } }],
    ['apps', 'v1', 'StatefulSet', { spec: { selector: {}, template } }],
    ['apps', 'v1', 'DaemonSet', { spec: { selector: {}, template } }],
    ['batch', 'v1', 'Job', { spec: { template } }],
    ['batch', 'v1', 'CronJob', { spec: { schedule: '* * * * *', jobTemplate: { spec: { template } } } }],
    ['', 'v1', 'ReplicationController', { spec: { template } }],
    ['', 'v1', 'PodTemplate', { template }],
  ])('%s/%s %s', async (group, version, kind, body) => {
    const obj: KubeObject = { apiVersion: group ? `${group}/${version}` : version, kind, metadata: { name: 'w', namespace: 'ns' }, ...body };
    const r = req(obj, { def: def(group, version, kind) });
    await podSecurity().admit(r, lookupOf([ns('ns', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/audit': 'baseline' })]));
    expect(r.warnings).toEqual([`would violate PodSecurity "baseline:latest": ${baselineViolation}`]);
    expect(r.auditAnnotations).toEqual({ 'pod-security.kubernetes.io/audit-violations': `would violate PodSecurity "baseline:latest": ${baselineViolation}` });
  });
});

describe('PodSecurity admission: exemptions and defaults', () => {
  const l = lookupOf([ns('ns', { 'pod-security.kubernetes.io/enforce': 'baseline' }), ns('kube-system', { 'pod-security.kubernetes.io/enforce': 'restricted' })]);
  it.each([
    ['namespace', { exemptions: { namespaces: ['ns'] } }, {}],
    ['user', { exemptions: { usernames: ['admin'] } }, { userInfo: { name: 'admin', groups: [] } }],
    ['runtimeClass', { exemptions: { runtimeClasses: ['kata'] } }, { obj: privilegedPod('x', { runtimeClassName: 'kata' }) }],
  ])('exempt by %s', async (how, cfg, over) => {
    const r = req(privilegedPod(), over);
    await podSecurity({ config: resolvePodSecurityConfig(cfg) }).admit(r, l);
    expect(r.auditAnnotations?.['pod-security.kubernetes.io/exempt']).toBe(how);
    // the same pod without the exemption is refused
    await rejection(podSecurity().admit(req(privilegedPod()), l));
  });

  it('kube-system is exempt by default, not when the configuration lists its own namespaces', async () => {
    await podSecurity().admit(req(privilegedPod(), { namespace: 'kube-system' }), l);
    await rejection(podSecurity({ config: resolvePodSecurityConfig({ exemptions: { namespaces: [] } }) }).admit(req(privilegedPod(), { namespace: 'kube-system' }), l));
  });

  it('configured defaults apply to unlabelled namespaces', async () => {
    const plugin = podSecurity({ config: resolvePodSecurityConfig({ defaults: { enforce: 'baseline', warn: 'restricted' } }) });
    const e = await rejection(plugin.admit(req(privilegedPod(), { namespace: 'plain' }), lookupOf([ns('plain')])));
    expect(e.status.message).toContain('violates PodSecurity "baseline:latest"');
    const r = req(plainPod(), { namespace: 'plain' });
    await plugin.admit(r, lookupOf([ns('plain')]));
    expect(r.warnings).toEqual([`would violate PodSecurity "restricted:latest": ${restrictedViolation}`]);
  });
});

describe('PodSecurity admission: namespaces', () => {
  const nsReq = (obj: KubeObject, old?: KubeObject): AdmissionRequest => req(obj, { def: nsDef, namespace: '', operation: old ? 'UPDATE' : 'CREATE', ...(old ? { old } : {}) });
  const owned = (name: string, uid: string): KubeObject => {
    const p = privilegedPod(name);
    p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid, controller: true }];
    return p;
  };

  it('rejects invalid labels with 422 and upstream field errors', async () => {
    const e = await rejection(podSecurity().admit(nsReq(ns('ns', { 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn-version': '1.30' })), lookupOf([])));
    expect(e.status.code).toBe(422);
    expect(e.status.message).toBe(
      'Namespace "ns" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.30": must be "latest" or "v1.x"]',
    );
  });

  it('tightening enforce warns about existing pods that would be refused, one line per violation', async () => {
    const pods = [privilegedPod('b'), privilegedPod('a'), owned('r1', 'u1'), owned('r2', 'u1'), plainPod('fine'), privilegedPod('h', { containers: [{ name: 'c', image: 'i' }] })];
    const r = nsReq(ns('ns', { 'pod-security.kubernetes.io/enforce': 'baseline' }), ns('ns'));
    await podSecurity().admit(r, lookupOf(pods));
    expect(r.warnings).toEqual([
      'existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"',
      'a (and 3 other pods): host namespaces, privileged',
      'h: host namespaces',
    ]);
  });

  it('loosening or keeping the enforce level says nothing; the sample is capped', async () => {
    const pods = [privilegedPod('a'), privilegedPod('b'), privilegedPod('c')];
    const loosen = nsReq(ns('ns', { 'pod-security.kubernetes.io/enforce': 'baseline' }), ns('ns', { 'pod-security.kubernetes.io/enforce': 'restricted' }));
    await podSecurity().admit(loosen, lookupOf(pods));
    expect(loosen.warnings).toEqual([]);
    const capped = nsReq(ns('ns', { 'pod-security.kubernetes.io/enforce': 'baseline' }), ns('ns'));
    await podSecurity({ namespaceMaxPodsToCheck: 2 }).admit(capped, lookupOf(pods));
    expect(capped.warnings).toEqual([
      'new PodSecurity enforce level only checked against the first 2 of 3 existing pods',
      'existing pods in namespace "ns" violate the new PodSecurity enforce level "baseline:latest"',
      'a (and 1 other pod): host namespaces, privileged',
    ]);
  });

  it('labelling an exempt namespace warns that the policy is ignored', async () => {
    const r = nsReq(ns('kube-system', { 'pod-security.kubernetes.io/enforce': 'restricted' }));
    await podSecurity().admit(r, lookupOf([]));
    expect(r.warnings).toEqual(['namespace "kube-system" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored']);
  });
});
