import { findKind, type KubeObject, StatusError } from '@kubets/api';
import type { AdmissionLookup, AdmissionRequest } from './interface';
import { AdmissionChain, defaultAdmissionPlugins } from './chain';
import { defaultTolerationSeconds } from './default-toleration-seconds';
import { priorityAdmission } from './priority';
import { serviceAccountAdmission } from './service-account';
import { namespaceLifecycle } from './namespace-lifecycle';
import { limitRanger } from './limit-ranger';
import { resourceQuota } from './resource-quota';

const podDef = findKind('', 'v1', 'Pod')!;
const cmDef = findKind('', 'v1', 'ConfigMap')!;

function fakeLookup(objs: Record<string, KubeObject>): AdmissionLookup {
  return {
    async get(group, resource, namespace, name) {
      return objs[`${group}/${resource}/${namespace}/${name}`];
    },
    async list(group, resource, namespace) {
      const p = `${group}/${resource}/${namespace}/`;
      return Object.entries(objs).filter(([k]) => k.startsWith(p)).map(([, v]) => v);
    },
    async count(group, resource, namespace) {
      const p = `${group}/${resource}/${namespace}/`;
      return Object.keys(objs).filter((k) => k.startsWith(p)).length;
    },
  };
}
const pod = (spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } });
const req = (obj: KubeObject, def = podDef): AdmissionRequest => ({ def, operation: 'CREATE', subresource: '', namespace: 'ns', obj, dryRun: false });
const pc = (name: string, value: number, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });
async function rejects(p: Promise<void> | void): Promise<StatusError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('DefaultTolerationSeconds', () => {
  it.each([
    ['none', undefined, 2],
    ['one present', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }], 2],
    ['tolerate-everything', [{ operator: 'Exists' }], 1],
  ])('%s', async (_n, tolerations, len) => {
    const o = pod(tolerations ? { tolerations } : {});
    await defaultTolerationSeconds().admit(req(o), fakeLookup({}));
    const ts = (o.spec as { tolerations: Array<{ key?: string; tolerationSeconds?: number }> }).tolerations;
    expect(ts).toHaveLength(len);
    if (tolerations?.[0]?.tolerationSeconds === 10) expect(ts[0]!.tolerationSeconds).toBe(10);
  });
});

describe('Priority', () => {
  it('resolves a named class, the global default, and 0', async () => {
    const l = fakeLookup({ 'scheduling.k8s.io/priorityclasses//high': pc('high', 1000, { preemptionPolicy: 'Never' }) });
    let o = pod({ priorityClassName: 'high' });
    await priorityAdmission().admit(req(o), l);
    expect(o.spec).toMatchObject({ priority: 1000, preemptionPolicy: 'Never' });
    o = pod();
    await priorityAdmission().admit(req(o), l);
    expect(o.spec).toMatchObject({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
    const l2 = fakeLookup({ 'scheduling.k8s.io/priorityclasses//d': pc('d', 5, { globalDefault: true }) });
    o = pod();
    await priorityAdmission().admit(req(o), l2);
    expect(o.spec).toMatchObject({ priority: 5, priorityClassName: 'd' });
    o = pod({ priorityClassName: 'system-node-critical' });
    await priorityAdmission().admit(req(o), l);
    expect((o.spec as { priority: number }).priority).toBe(2000001000);
  });
  it('rejects unknown classes and a conflicting explicit priority', async () => {
    expect((await rejects(priorityAdmission().admit(req(pod({ priorityClassName: 'nope' })), fakeLookup({})))).status.code).toBe(403);
    const e = await rejects(priorityAdmission().admit(req(pod({ priority: 7 })), fakeLookup({})));
    expect(e.status.message).toContain('must not be provided in pod spec');
  });
});

describe('ServiceAccount', () => {
  it('defaults serviceAccountName; adds the token volume only with TokenRequest and kube-root-ca.crt', async () => {
    let o = pod();
    await serviceAccountAdmission().admit(req(o), fakeLookup({}));
    expect(o.spec).toMatchObject({ serviceAccountName: 'default', serviceAccount: 'default' });
    expect((o.spec as { volumes?: unknown[] }).volumes).toBeUndefined();
    o = pod();
    await serviceAccountAdmission({ mountTokenVolume: true }).admit(req(o), fakeLookup({}));
    expect((o.spec as { volumes?: unknown[] }).volumes).toBeUndefined();
    const withCA = fakeLookup({ '/configmaps/ns/kube-root-ca.crt': { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt' } } });
    o = pod({ initContainers: [{ name: 'i', image: 'i' }] });
    await serviceAccountAdmission({ mountTokenVolume: true }).admit(req(o), withCA);
    const spec = o.spec as { volumes: Array<{ name: string }>; containers: Array<{ volumeMounts: unknown[] }>; initContainers: Array<{ volumeMounts: unknown[] }> };
    expect(spec.volumes[0]!.name).toMatch(/^kube-api-access-[a-z0-9]{5}$/);
    expect(spec.containers[0]!.volumeMounts).toHaveLength(1);
    expect(spec.initContainers[0]!.volumeMounts).toHaveLength(1);
    o = pod({ automountServiceAccountToken: false });
    await serviceAccountAdmission({ mountTokenVolume: true }).admit(req(o), withCA);
    expect((o.spec as { volumes?: unknown[] }).volumes).toBeUndefined();
  });
});

describe('NamespaceLifecycle and the chain', () => {
  it('rejects creates in missing or terminating namespaces; other kinds pass the pod plugins untouched', async () => {
    expect((await rejects(namespaceLifecycle().admit(req(pod()), fakeLookup({})))).status.code).toBe(404);
    const term = fakeLookup({ '/namespaces//ns': { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' }, status: { phase: 'Terminating' } } });
    expect((await rejects(namespaceLifecycle().admit(req(pod()), term))).status.code).toBe(403);
    const live = fakeLookup({ '/namespaces//ns': { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } } });
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' } };
    await new AdmissionChain(defaultAdmissionPlugins(), live).admit(req(cm, cmDef));
    expect(cm).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' } });
  });
});

describe('LimitRanger', () => {
  it('fills default requests and limits from Container LimitRanges and annotates the pod', async () => {
    const l = fakeLookup({ '/limitranges/ns/lr': { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' }, spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } }] } } });
    const o = pod({ containers: [{ name: 'a', image: 'i' }, { name: 'b', image: 'i', resources: { limits: { cpu: '2' } } }] });
    await limitRanger().admit(req(o), l);
    const cs = (o.spec as { containers: Array<{ resources: unknown }> }).containers;
    expect(cs[0]!.resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    expect(cs[1]!.resources).toEqual({ limits: { cpu: '2', memory: '256Mi' }, requests: { cpu: '2', memory: '256Mi' } });
    expect(o.metadata.annotations?.['kubernetes.io/limit-ranger']).toContain('LimitRanger plugin set: cpu limit, memory limit, cpu request, memory request for container a');
  });
});

describe('ResourceQuota', () => {
  it('rejects creates over an object-count quota with upstream\'s message', async () => {
    const cm = (n: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: 'ns' } });
    const objs: Record<string, KubeObject> = { '/resourcequotas/ns/q': { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { configmaps: '2', 'count/secrets': '5' } } }, '/configmaps/ns/a': cm('a') };
    await resourceQuota().admit(req(cm('b'), cmDef), fakeLookup(objs));
    objs['/configmaps/ns/b'] = cm('b');
    const e = await rejects(resourceQuota().admit(req(cm('c'), cmDef), fakeLookup(objs)));
    expect(e.status.code).toBe(403);
    expect(e.status.message).toBe('configmaps "c" is forbidden: exceeded quota: q, requested: configmaps=1, used: configmaps=2, limited: configmaps=2');
    await resourceQuota().admit(req(pod()), fakeLookup(objs));
  });
});
