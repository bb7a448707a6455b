// The patch engines against the real kind schemas (skipped while those files are not there yet).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { applyStrategicMergePatch } from './strategic-merge';
import { applyServerSideApply, updateManagedFields } from './server-side-apply';
import { StatusError } from '../errors/status-error';
import type { KubeObject } from '../meta/types';

function load(rel: string, name: string): TSchema | undefined {
  const file = path.join(__dirname, '..', 'kinds', rel);
  if (!fs.existsSync(file + '.ts')) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(file) as Record<string, TSchema>)[name];
  } catch {
    return undefined;
  }
}
const DeploymentSchema = load('apps/deployment', 'DeploymentSchema');
const PodSchema = load('core/pod', 'PodSchema');

const deployment = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
      },
    },
  },
});

(DeploymentSchema ? describe : describe.skip)('real Deployment schema', () => {
  const schema = DeploymentSchema!;

  it('applies the kubectl client-side apply patch (image only, defaults kept)', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}' } },
      spec: { replicas: 1, template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.28', name: 'web' }] } } },
    };
    const out = applyStrategicMergePatch(deployment(), patch, schema) as KubeObject;
    const want = deployment();
    want.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'] = '{"x":1}';
    const spec = want.spec as { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
    spec.replicas = 1;
    spec.template.spec.containers[0]!.image = 'nginx:1.28';
    expect(out).toEqual(want);
  });

  it('switches the strategy to Recreate with $retainKeys', () => {
    const out = applyStrategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } } }, schema) as KubeObject;
    expect((out.spec as { strategy: unknown }).strategy).toEqual({ type: 'Recreate' });
  });

  it('server-side apply: conflict with the client-side applier, then force', () => {
    const live = updateManagedFields(undefined, deployment(), 'kubectl-client-side-apply', 'Update', schema, 'apps/v1', '2026-01-01T00:00:00Z');
    const applied: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 5 } };
    let err: unknown;
    try {
      applyServerSideApply({ live, applied, manager: 'kubectl', force: false, schema, apiVersion: 'apps/v1', now: '2026-01-01T00:01:00Z' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).message).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    const forced = applyServerSideApply({ live, applied, manager: 'kubectl', force: true, schema, apiVersion: 'apps/v1', now: '2026-01-01T00:01:00Z' });
    expect((forced.spec as { replicas: number }).replicas).toBe(5);
    expect(forced.metadata.managedFields?.map((m) => m.manager)).toEqual(['kubectl', 'kubectl-client-side-apply']);
    expect(forced.metadata.managedFields?.[1]?.fieldsV1).toMatchObject({
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } } } } } } },
    });
  });
});

(DeploymentSchema ? describe : describe.skip)('real Deployment schema: list keys with defaults', () => {
  it('a port applied without protocol matches the live port defaulted to TCP', () => {
    const schema = DeploymentSchema!;
    const applied = (): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } } },
    });
    const created = applyServerSideApply({ live: undefined, applied: applied(), manager: 'kubectl', force: false, schema, apiVersion: 'apps/v1', now: 'T0' });
    const fv = JSON.stringify(created.metadata.managedFields?.[0]?.fieldsV1);
    expect(fv).toContain('k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}');
    // the server defaults protocol, then the same config is applied again
    const live = structuredClone(created);
    const c = (live.spec as { template: { spec: { containers: Array<{ ports: Array<Record<string, unknown>> }> } } }).template.spec.containers[0]!;
    c.ports[0]!.protocol = 'TCP';
    const again = applyServerSideApply({ live, applied: applied(), manager: 'kubectl', force: false, schema, apiVersion: 'apps/v1', now: 'T1' });
    expect((again.spec as typeof live.spec & { template: { spec: { containers: Array<{ ports: unknown[] }> } } }).template.spec.containers[0]!.ports).toEqual([
      { containerPort: 80, protocol: 'TCP' },
    ]);
  });
});

(PodSchema ? describe : describe.skip)('real Pod schema', () => {
  const schema = PodSchema!;
  const pod = (): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', finalizers: ['a'] },
    spec: {
      containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: '1' }] }],
      volumes: [{ name: 'v', emptyDir: {} }],
    },
  });

  it('merges env by name and volumes with retainKeys', () => {
    const patch = {
      metadata: { finalizers: ['b'] },
      spec: {
        containers: [{ name: 'c', env: [{ name: 'B', value: '2' }] }],
        volumes: [{ name: 'v', $retainKeys: ['configMap', 'name'], configMap: { name: 'cm' } }],
      },
    };
    const out = applyStrategicMergePatch(pod(), patch, schema) as KubeObject;
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
    expect(out.spec).toEqual({
      containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }],
      volumes: [{ name: 'v', configMap: { name: 'cm' } }],
    });
  });
});
