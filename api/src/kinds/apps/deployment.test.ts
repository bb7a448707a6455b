import { DeploymentKind, type Deployment } from './deployment';
import { ReplicaSetKind, type ReplicaSet } from './replicaset';
import { DaemonSetKind, type DaemonSet } from './daemonset';
import { applyDefaults } from '../../schema/defaults';
import { validateObject } from '../../validation/object';
import type { KindDef } from '../../schema/kind';

const now = new Date('2024-01-01T12:00:00Z');

function deploy(patch: (d: Deployment) => void = () => undefined): Deployment {
  const d: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx-deployment', namespace: 'default', labels: { app: 'nginx' }, creationTimestamp: '2024-01-01T11:00:00Z' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'nginx' } },
      template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.14.2', ports: [{ containerPort: 80 }] }] } },
    },
  };
  patch(d);
  return d;
}

const defaulted = (d: Deployment) => {
  applyDefaults(DeploymentKind.schema, d);
  DeploymentKind.strategy!.default!(d);
  return d;
};
const validate = (d: Deployment) => validateObject(DeploymentKind as unknown as KindDef, defaulted(d)).map((c) => `${c.field}: ${c.message}`);

describe('Deployment', () => {
  it('defaults like the API server', () => {
    const d = defaulted(deploy((x) => delete x.spec!.replicas));
    expect(d.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      template: { spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', containers: [{ imagePullPolicy: 'IfNotPresent', ports: [{ protocol: 'TCP' }] }] } },
    });
  });

  it('leaves Recreate without rollingUpdate', () => {
    const d = defaulted(deploy((x) => (x.spec!.strategy = { type: 'Recreate' })));
    expect(d.spec!.strategy).toEqual({ type: 'Recreate' });
  });

  it.each<[string, (d: Deployment) => void, string[]]>([
    ['valid', () => undefined, []],
    [
      'selector mismatch',
      (d) => (d.spec!.template.metadata!.labels = { app: 'other' }),
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`'],
    ],
    ['empty selector', (d) => (d.spec!.selector = {}), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment']],
    ['restartPolicy', (d) => (d.spec!.template.spec!.restartPolicy = 'Never'), ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
    ['negative replicas', (d) => (d.spec!.replicas = -1), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [
      'recreate with rollingUpdate',
      (d) => (d.spec!.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }),
      ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ],
    [
      'zero surge and unavailable',
      (d) => (d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0'],
    ],
  ])('validates: %s', (_n, patch, want) => {
    expect(validate(deploy(patch))).toEqual(want);
  });

  it('makes the selector immutable', () => {
    const old = defaulted(deploy());
    const d = structuredClone(old);
    d.spec!.selector = { matchLabels: { app: 'nginx', tier: 'web' } };
    const c = DeploymentKind.strategy!.validateUpdate!(d, old);
    expect(c.map((x) => x.field)).toEqual(['spec.selector']);
    expect(c[0]!.message).toBe('Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx", "tier":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
  });

  it('renders table cells', () => {
    const d = defaulted(deploy());
    d.status = { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    expect(DeploymentKind.table!.cells(d, now)).toEqual(['nginx-deployment', '2/3', 3, 2, '60m', 'nginx', 'nginx:1.14.2', 'app=nginx']);
    expect(DeploymentKind.table!.columns.map((c) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  });
});

describe('ReplicaSet and DaemonSet', () => {
  it('ReplicaSet defaults and cells', () => {
    const rs: ReplicaSet = {
      metadata: { name: 'rs', namespace: 'default', creationTimestamp: '2024-01-01T11:59:00Z' },
      spec: { selector: { matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, template: { metadata: { labels: { app: 'a', tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'img' }] } } },
    };
    applyDefaults(ReplicaSetKind.schema, rs);
    ReplicaSetKind.strategy!.default!(rs);
    expect(rs.spec!.replicas).toBe(1);
    expect(validateObject(ReplicaSetKind as unknown as KindDef, rs)).toEqual([]);
    expect(ReplicaSetKind.table!.cells(rs, now)).toEqual(['rs', 1, 0, 0, '60s', 'c', 'img', 'app=a,tier in (api,web)']);
  });

  it('DaemonSet defaults its update strategy', () => {
    const ds: DaemonSet = {
      metadata: { name: 'ds', namespace: 'kube-system' },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'img' }] } } },
    };
    applyDefaults(DaemonSetKind.schema, ds);
    DaemonSetKind.strategy!.default!(ds);
    expect(ds.spec!.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec!.revisionHistoryLimit).toBe(10);
    expect(validateObject(DaemonSetKind as unknown as KindDef, ds)).toEqual([]);
    expect(DaemonSetKind.table!.cells(ds, now)).toEqual(['ds', 0, 0, 0, 0, 0, '<none>', '<unknown>', 'c', 'img', 'app=a']);
  });
});
