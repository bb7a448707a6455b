// The infrastructure controllers (namespace, garbage collector, endpoints, endpointslice, serviceaccount,
// node lifecycle) against real etcd + the real apiserver, run in-process with a RestClient and shared informers.
// Readiness and node heartbeats are simulated through the status subresource and node Leases.
import { setMaxListeners } from 'node:events';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ConfigMapKind,
  DeploymentKind,
  EndpointSliceKind,
  EndpointsKind,
  LeaseKind,
  NamespaceKind,
  NodeKind,
  PodKind,
  ReplicaSetKind,
  ServiceAccountKind,
  ServiceKind,
  hasReason,
  type KubeObject,
  type Lease,
  type Node,
  type OwnerReference,
  type Pod,
  type Toleration,
} from '@kubets/api';
import { EventRecorder, RestClient, SharedInformerFactory, createLogger, loadKubeconfig, realClock } from '@kubets/client';
import { defaultControllerManagerOptions, type ControllerContext } from '@kubets/controller-manager/controller/context';
import { startNamespaceController } from '@kubets/controller-manager/controllers/namespace';
import { startGarbageCollectorController } from '@kubets/controller-manager/controllers/garbagecollector';
import { startEndpointsController } from '@kubets/controller-manager/controllers/endpoints';
import { startEndpointSliceController } from '@kubets/controller-manager/controllers/endpointslice';
import { startServiceAccountController } from '@kubets/controller-manager/controllers/serviceaccount';
import { startNodeLifecycleController } from '@kubets/controller-manager/controllers/nodelifecycle';
import { startNodeIpamController } from '@kubets/controller-manager/controllers/nodeipam';
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';

let t: TestApiServer;
let client: RestClient;
const ac = new AbortController();
setMaxListeners(100, ac.signal);
const running: Array<Promise<void>> = [];
const recorders: EventRecorder[] = [];

beforeAll(async () => {
  t = await startTestApiServer();
  client = new RestClient(loadKubeconfig(t.kubeconfig).config);
  const logger = createLogger('kube-controller-manager', 0, () => {});
  const informers = new SharedInformerFactory(client, { clock: realClock, logger });
  const keyFile = path.join(t.dir, 'sa.key');
  fs.writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const ctx: ControllerContext = {
    client,
    informers,
    recorder: (component) => {
      const r = new EventRecorder({ client, component });
      recorders.push(r);
      return r;
    },
    clock: realClock,
    logger,
    options: { ...defaultControllerManagerOptions, nodeMonitorGracePeriodMs: 3_000, nodeMonitorPeriodMs: 250, serviceAccountPrivateKeyFile: keyFile, allocateNodeCIDRs: true, clusterCIDR: '10.244.0.0/16', nodeCIDRMaskSize: 24 },
  };
  for (const start of [startNamespaceController, startGarbageCollectorController, startEndpointsController, startEndpointSliceController, startServiceAccountController, startNodeLifecycleController, startNodeIpamController]) {
    running.push(start(ctx, ac.signal));
  }
  informers.start(ac.signal);
  await informers.waitForCacheSync(ac.signal);
}, 120_000);

afterAll(async () => {
  ac.abort();
  await Promise.allSettled(running);
  await Promise.allSettled(recorders.map((r) => r.close()));
  client?.close();
  await t?.stop();
}, 60_000);

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function gone(get: () => Promise<unknown>): Promise<boolean> {
  try {
    await get();
    return false;
  } catch (e) {
    if (hasReason(e, 'NotFound')) return true;
    throw e;
  }
}

function ownerRef(o: KubeObject): OwnerReference {
  return { apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

const podSpec = { containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] }], terminationGracePeriodSeconds: 0 };

describe('namespace controller', () => {
  it('deleting a namespace empties it and removes it', async () => {
    await client.resource(NamespaceKind).create({ metadata: { name: 'doomed' } });
    await client.resource(ConfigMapKind).namespace('doomed').create({ metadata: { name: 'cm' }, data: { a: 'b' } });
    await client.resource(ServiceKind).namespace('doomed').create({ metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }], selector: { app: 'x' } } });
    await client.resource(PodKind).namespace('doomed').create({ metadata: { name: 'p', labels: { app: 'x' } }, spec: podSpec });
    // the serviceaccount controller gives it a default ServiceAccount
    await waitFor('default service account', async () => (await client.resource(ServiceAccountKind).namespace('doomed').get('default')) as KubeObject);

    const r = await t.kubectl(['delete', 'namespace', 'doomed', '--wait=false']);
    expect(r.code).toBe(0);
    await waitFor('namespace removed', () => gone(() => client.resource(NamespaceKind).get('doomed')), 60_000);
    expect((await client.resource(ConfigMapKind).namespace('doomed').list()).items).toEqual([]);
    expect((await client.resource(PodKind).namespace('doomed').list()).items).toEqual([]);
    expect((await client.resource(ServiceAccountKind).namespace('doomed').list()).items).toEqual([]);
  });
});

describe('endpoints and endpointslice controllers', () => {
  const ns = 'default';
  const pods = () => client.resource(PodKind).namespace(ns);

  async function setReady(name: string, ip: string, ready: boolean): Promise<void> {
    const p = await pods().get(name);
    p.status = { ...p.status, phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }] };
    await pods().updateStatus(p);
  }

  it("a service's Endpoints and EndpointSlices follow its pods", async () => {
    await client.resource(ServiceKind).namespace(ns).create({ metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    await pods().create({ metadata: { name: 'web-1', labels: { app: 'web' } }, spec: podSpec });
    await pods().create({ metadata: { name: 'web-2', labels: { app: 'web' } }, spec: podSpec });
    await setReady('web-1', '10.244.7.1', true);
    await setReady('web-2', '10.244.7.2', false);

    const ep = await waitFor('endpoints', async () => {
      const e = await client.resource(EndpointsKind).namespace(ns).get('web');
      const s = e.subsets?.[0];
      return s?.addresses?.length === 1 && s.notReadyAddresses?.length === 1 ? e : undefined;
    });
    expect(ep.subsets?.[0]?.addresses?.[0]).toMatchObject({ ip: '10.244.7.1', targetRef: { kind: 'Pod', name: 'web-1' } });
    expect(ep.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).toBeDefined();

    const sliceList = () => client.resource(EndpointSliceKind).namespace(ns).list({ labelSelector: 'kubernetes.io/service-name=web' });
    const slices = await waitFor('endpointslice', async () => {
      const l = (await sliceList()).items;
      return l.length === 1 && l[0]!.endpoints.length === 2 ? l : undefined;
    });
    const slice = slices[0]!;
    expect(slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
    expect(slice.metadata.name).toMatch(/^web-/);
    expect(slice.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'web', controller: true });
    expect(slice.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice.endpoints.map((e) => [e.addresses[0], e.conditions?.ready]).sort()).toEqual([
      ['10.244.7.1', true],
      ['10.244.7.2', false],
    ]);

    // web-2 becomes ready, web-1 goes away
    await setReady('web-2', '10.244.7.2', true);
    await pods().delete('web-1');
    await waitFor('endpoints updated', async () => {
      const e = await client.resource(EndpointsKind).namespace(ns).get('web');
      const s = e.subsets?.[0];
      return e.subsets?.length === 1 && s?.addresses?.length === 1 && s.addresses[0]!.ip === '10.244.7.2' && !s.notReadyAddresses;
    });
    await waitFor('slice updated in place', async () => {
      const l = (await sliceList()).items;
      return l.length === 1 && l[0]!.metadata.name === slice.metadata.name && l[0]!.endpoints.length === 1 && l[0]!.endpoints[0]!.conditions?.ready === true;
    });

    // the service goes: so do its Endpoints and slices
    await client.resource(ServiceKind).namespace(ns).delete('web');
    await waitFor('endpoints deleted', () => gone(() => client.resource(EndpointsKind).namespace(ns).get('web')));
    await waitFor('slices deleted', async () => (await sliceList()).items.length === 0);
    await pods().delete('web-2');
  });
});

describe('garbage collector', () => {
  const ns = 'default';
  const deploy = (name: string) =>
    client.resource(DeploymentKind).namespace(ns).create({ metadata: { name }, spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } } });
  async function family(name: string) {
    const d = await deploy(name);
    const rs = await client.resource(ReplicaSetKind).namespace(ns).create({ metadata: { name: `${name}-rs`, ownerReferences: [ownerRef(d)], labels: { app: name } }, spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } } });
    for (const i of [1, 2]) await client.resource(PodKind).namespace(ns).create({ metadata: { name: `${name}-pod-${i}`, labels: { app: name }, ownerReferences: [ownerRef(rs)] }, spec: podSpec });
    return { d, rs };
  }
  const podsOf = async (name: string) => (await client.resource(PodKind).namespace(ns).list({ labelSelector: `app=${name}` })).items;

  it('background deletion of a Deployment deletes its ReplicaSets and Pods', async () => {
    await family('bg');
    const r = await t.kubectl(['delete', 'deployment', 'bg', '--wait=false']);
    expect(r.code).toBe(0);
    await waitFor('replicaset collected', () => gone(() => client.resource(ReplicaSetKind).namespace(ns).get('bg-rs')));
    await waitFor('pods collected', async () => (await podsOf('bg')).length === 0);
  });

  it('foreground deletion removes the dependents first, then the owner', async () => {
    await family('fg');
    // a finalizer holds one pod, so the intermediate state can be observed
    const pods = client.resource(PodKind).namespace(ns);
    const held = await pods.get('fg-pod-1');
    await pods.update({ ...held, metadata: { ...held.metadata, finalizers: ['example.com/hold'] } });
    const r = await t.kubectl(['delete', 'deployment', 'fg', '--cascade=foreground', '--wait=false']);
    expect(r.code).toBe(0);
    // the pods are deleted; the RS and the Deployment wait (deleting, with the foregroundDeletion finalizer)
    await waitFor('pods deleted', async () => {
      const l = (await podsOf('fg')).map((p) => p.metadata.name);
      return l.length === 1 && l[0] === 'fg-pod-1';
    });
    expect((await pods.get('fg-pod-1')).metadata.deletionTimestamp).toBeDefined();
    const rs = await waitFor('rs waiting', async () => {
      const x = await client.resource(ReplicaSetKind).namespace(ns).get('fg-rs');
      return x.metadata.deletionTimestamp ? x : undefined;
    });
    expect(rs.metadata.finalizers).toContain('foregroundDeletion');
    const d = await client.resource(DeploymentKind).namespace(ns).get('fg');
    expect(d.metadata.deletionTimestamp).toBeDefined();
    expect(d.metadata.finalizers).toContain('foregroundDeletion');
    // release the pod: then the RS, then the Deployment go
    const cur = await pods.get('fg-pod-1');
    await pods.update({ ...cur, metadata: { ...cur.metadata, finalizers: [] } });
    await waitFor('deployment removed', () => gone(() => client.resource(DeploymentKind).namespace(ns).get('fg')));
    expect(await podsOf('fg')).toEqual([]);
    expect(await gone(() => client.resource(ReplicaSetKind).namespace(ns).get('fg-rs'))).toBe(true);
  });

  it('orphan deletion keeps the dependents without the owner reference', async () => {
    await family('or');
    const r = await t.kubectl(['delete', 'deployment', 'or', '--cascade=orphan', '--wait=false']);
    expect(r.code).toBe(0);
    await waitFor('deployment removed', () => gone(() => client.resource(DeploymentKind).namespace(ns).get('or')));
    const rs = await client.resource(ReplicaSetKind).namespace(ns).get('or-rs');
    expect(rs.metadata.ownerReferences ?? []).toEqual([]);
    expect(await podsOf('or')).toHaveLength(2);
    await client.resource(PodKind).namespace(ns).deleteCollection({ labelSelector: 'app=or' });
    await client.resource(ReplicaSetKind).namespace(ns).delete('or-rs');
  });
});

describe('node ipam controller', () => {
  it('gives every node its own pod CIDR from the cluster CIDR', async () => {
    const nodes = client.resource(NodeKind);
    await nodes.create({ metadata: { name: 'ipam-pre' }, spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] } } as Node);
    for (const n of ['ipam-a', 'ipam-b', 'ipam-c']) await nodes.create({ metadata: { name: n } } as Node);
    const cidrs = await waitFor('pod CIDRs', async () => {
      const got = await Promise.all(['ipam-a', 'ipam-b', 'ipam-c'].map(async (n) => (await nodes.get(n)).spec?.podCIDR));
      return got.every(Boolean) ? (got as string[]) : undefined;
    });
    expect(new Set(cidrs).size).toBe(3);
    for (const c of cidrs) expect(c).toMatch(/^10\.244\.\d+\.0\/24$/);
    expect(cidrs).not.toContain('10.244.0.0/24');
    for (const n of ['ipam-pre', 'ipam-a', 'ipam-b', 'ipam-c']) await nodes.delete(n);
  });
});

describe('node lifecycle controller', () => {
  it('a node whose heartbeat stops becomes Unknown, is tainted, and its pods are evicted', async () => {
    const name = 'hollow-1';
    const nodes = client.resource(NodeKind);
    const leases = client.resource(LeaseKind).namespace('kube-node-lease');
    const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const n = await nodes.create({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {} } as Node);
    await nodes.updateStatus({ ...n, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now(), lastTransitionTime: now() }] } });
    await leases.create({ metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: n.metadata.uid ?? '' }] }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date().toISOString() } } as Lease);
    // the "hollow kubelet": renews its lease every 500 ms until stopped
    let beating = true;
    const beat = (async () => {
      while (beating) {
        try {
          const l = await leases.get(name);
          await leases.update({ ...l, spec: { ...l.spec, renewTime: new Date().toISOString() } });
        } catch {
          /* next round */
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const mkPod = async (pod: string, tolerations?: Toleration[]): Promise<Pod> => {
      const api = client.resource(PodKind).namespace('default');
      await api.create({ metadata: { name: pod }, spec: { ...podSpec, ...(tolerations ? { tolerations } : {}) } });
      await api.bind(pod, { name });
      const p = await api.get(pod);
      return api.updateStatus({ ...p, status: { ...p.status, phase: 'Running', podIP: '10.244.9.9', conditions: [{ type: 'Ready', status: 'True' }] } });
    };
    // Admission gives every pod a 300 s unreachable toleration (DefaultTolerationSeconds); 0 s means evict at once.
    await mkPod('nl-plain', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]);
    await mkPod('nl-tol', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }]);
    await mkPod('nl-forever', [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]);

    // healthy while the lease is renewed (well past the 3 s grace period)
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await nodes.get(name)).status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');

    beating = false;
    await beat;
    const unknown = await waitFor('node Unknown', async () => {
      const cur = await nodes.get(name);
      return cur.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown' ? cur : undefined;
    });
    expect(unknown.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    const tainted = await waitFor('unreachable taints', async () => {
      const cur = await nodes.get(name);
      return (cur.spec?.taints ?? []).length === 2 ? cur : undefined;
    });
    expect(tainted.spec?.taints?.map((x) => `${x.key}:${x.effect}`).sort()).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);

    const pods = client.resource(PodKind).namespace('default');
    const evicted = (p: string) => async () => {
      try {
        return !!(await pods.get(p)).metadata.deletionTimestamp;
      } catch (e) {
        if (hasReason(e, 'NotFound')) return true;
        throw e;
      }
    };
    await waitFor('untolerating pod evicted', evicted('nl-plain'));
    await waitFor('pod tolerating 2s evicted', evicted('nl-tol'));
    const forever = await pods.get('nl-forever');
    expect(forever.metadata.deletionTimestamp).toBeUndefined();
    expect(forever.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    await pods.delete('nl-forever', { gracePeriodSeconds: 0 });
  });
});
