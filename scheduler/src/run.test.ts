import * as http from 'node:http';
import { FakeClient, nopLogger } from '@kubets/client';
import { PodKind, NodeKind, PriorityClassKind, LeaseKind, ServiceKind, type KubeObject } from '@kubets/api';
import { runScheduler } from './run';
import { parseSchedulerFlags } from './flags';
import { makeNode, makePod } from './testing/builders';
import { formatExplanation } from './explain/format';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

async function until<T>(f: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('runScheduler over a FakeClient', () => {
  test('leader election: schedules only after taking the lease', async () => {
    const fc = new FakeClient();
    await fc.resource(NodeKind).create(makeNode('n1') as never);
    const ac = new AbortController();
    const opts = parseSchedulerFlags(['--secure-port=-1', '--leader-elect-lease-duration=3s', '--leader-elect-renew-deadline=2s', '--leader-elect-retry-period=200ms']);
    const done = runScheduler(opts, ac.signal, { client: fc, logger: nopLogger, identity: 'sched-a' });
    try {
      await fc.resource(PodKind).namespace('default').create(makePod('p') as never);
      const node = await until(async () => ((await fc.resource(PodKind).namespace('default').get('p')) as unknown as { spec: { nodeName?: string } }).spec.nodeName, 'binding');
      expect(node).toBe('n1');
      const lease = (await fc.resource(LeaseKind).namespace('kube-system').get('kube-scheduler')) as unknown as { spec: { holderIdentity?: string } };
      expect(lease.spec.holderIdentity).toBe('sched-a');
    } finally {
      ac.abort();
      await done;
    }
  });

  test('default topology spreading follows the Services that select the pods', async () => {
    const fc = new FakeClient();
    for (const n of ['a1', 'a2', 'b1', 'b2']) await fc.resource(NodeKind).create(makeNode(n, { zone: n[0] }) as never);
    await fc.resource(ServiceKind).namespace('default').create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } as never);
    const ac = new AbortController();
    let port = 0;
    const done = runScheduler(parseSchedulerFlags(['--leader-elect=false', '--secure-port=0', '--bind-address=127.0.0.1']), ac.signal, { client: fc, logger: nopLogger, onListening: (p) => (port = p) });
    try {
      const pods = fc.resource(PodKind).namespace('default');
      const placed: string[] = [];
      for (let i = 0; i < 4; i++) {
        await pods.create(makePod(`web-${i}`, { labels: { app: 'web' } }) as never);
        placed.push(await until(async () => ((await pods.get(`web-${i}`)) as unknown as { spec: { nodeName?: string } }).spec.nodeName, `web-${i}`));
      }
      // one per node: spreading by hostname (and zone) beats everything else being equal
      expect(new Set(placed).size).toBe(4);
      expect(placed.slice(0, 2).map((n) => n[0]).sort()).toEqual(['a', 'b']);
      // PodTopologySpread scored (it is skipped for pods no Service selects)
      const ex = JSON.parse((await get(port, '/debug/explain/default/web-1')).body) as { scores: Array<{ plugins: Record<string, number> }> };
      expect(Object.keys(ex.scores[0]!.plugins)).toContain('PodTopologySpread');
      await pods.create(makePod('loner', { labels: { app: 'other' } }) as never);
      await until(async () => ((await pods.get('loner')) as unknown as { spec: { nodeName?: string } }).spec.nodeName, 'loner');
      const ex2 = JSON.parse((await get(port, '/debug/explain/default/loner')).body) as { scores: Array<{ plugins: Record<string, number> }> };
      expect(Object.keys(ex2.scores[0]!.plugins)).not.toContain('PodTopologySpread');
    } finally {
      ac.abort();
      await done;
    }
  });

  test('binds pods, reports FailedScheduling, serves healthz/metrics/explain', async () => {
    const fc = new FakeClient();
    const nodes = fc.resource(NodeKind);
    const pods = fc.resource(PodKind).namespace('default');
    await nodes.create(makeNode('n1', { allocatable: { cpu: '2', memory: '4Gi', pods: '10' } }) as never);
    await fc.resource(PriorityClassKind).create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 } as never);
    const ac = new AbortController();
    let port = 0;
    const opts = parseSchedulerFlags(['--leader-elect=false', '--secure-port=0', '--bind-address=127.0.0.1']);
    const done = runScheduler(opts, ac.signal, { client: fc, logger: nopLogger, onListening: (p) => (port = p) });
    try {
      await pods.create(makePod('fits', { requests: { cpu: '1' } }) as never);
      await pods.create(makePod('huge', { requests: { cpu: '64' } }) as never);
      const bound = await until(async () => {
        const p = (await pods.get('fits')) as unknown as { spec: { nodeName?: string } };
        return p.spec.nodeName;
      }, 'binding');
      expect(bound).toBe('n1');
      const cond = await until(async () => {
        const p = (await pods.get('huge')) as unknown as { status?: { conditions?: Array<{ type: string; reason?: string; message?: string; status: string }> } };
        return p.status?.conditions?.find((c) => c.type === 'PodScheduled');
      }, 'PodScheduled condition');
      expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.' });

      // a high-priority pod preempts "fits" through the PriorityClass lister
      await pods.create(makePod('vip', { requests: { cpu: '2' }, priorityClassName: 'high' }) as never);
      await until(async () => ((await pods.get('fits')) as KubeObject).metadata.deletionTimestamp, 'victim deletion');
      const nominated = await until(async () => ((await pods.get('vip')) as unknown as { status?: { nominatedNodeName?: string } }).status?.nominatedNodeName, 'nomination');
      expect(nominated).toBe('n1');
      await pods.delete('fits', { gracePeriodSeconds: 0 }); // the kubelet finishes the graceful deletion
      const vip = await until(async () => ((await pods.get('vip')) as unknown as { spec: { nodeName?: string } }).spec.nodeName, 'vip binding');
      expect(vip).toBe('n1');

      expect((await get(port, '/healthz')).body).toBe('ok');
      const m = await get(port, '/metrics');
      expect(m.body).toMatch(/scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} [1-9]/);
      expect(m.body).toMatch(/scheduler_pending_pods\{queue="unschedulable"\} 1/);
      expect(m.body).toContain('scheduler_pod_scheduling_sli_duration_seconds_bucket');
      const ex = await get(port, '/debug/explain/default/huge');
      expect(ex.status).toBe(200);
      const text = formatExplanation(JSON.parse(ex.body));
      expect(text).toContain('Result:     Unschedulable');
      expect(text).toMatch(/n1\s+filtered\s+-\s+NodeResourcesFit: Insufficient cpu/);
      expect((await get(port, '/debug/explain/default/nope')).status).toBe(404);
      // events were written through the recorder
      const evs = await until(async () => {
        const l = await fc.resource({ ...PodKind, kind: 'Event', plural: 'events', singular: 'event' } as never).namespace('default').list();
        return l.items.length >= 2 ? l.items : undefined;
      }, 'events');
      expect(evs.map((e: KubeObject) => (e as unknown as { reason: string }).reason)).toEqual(expect.arrayContaining(['Scheduled', 'FailedScheduling']));
    } finally {
      ac.abort();
      await done;
    }
  });
});
