// Issue 24 item 3: renewals that load cannot starve. A failed renewal is retried every retryPeriod until
// renewDeadline; a leader renews with one optimistic update (no GET); the leader-election client has its own
// rate limiter and the "/leader-election" user agent.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Lease } from '@kubets/api';
import { FakeClient } from '../fake';
import { FakeClock, flushPromises } from '../clock';
import { RestClient } from '../rest/client';
import { defaultUserAgent } from '../rest/config';
import { LeaderElector, leaseKindDef } from './leader-elector';
import { addUserAgent, newLeaderElectionClient } from './client';

function elector(fc: FakeClient, clock: FakeClock, log: string[]) {
  const ac = new AbortController();
  const el = new LeaderElector({
    client: fc,
    clock,
    identity: 'a',
    lock: { namespace: 'kube-system', name: 'kube-controller-manager' },
    callbacks: { onStartedLeading: () => void log.push('started'), onStoppedLeading: () => void log.push('stopped') },
  });
  return { el, ac, done: el.run(ac.signal) };
}

const lease = (fc: FakeClient) => fc.resource(leaseKindDef()).namespace('kube-system').get('kube-controller-manager') as Promise<Lease>;

describe('LeaderElector renewals', () => {
  it('retries a failed renewal every retryPeriod until one succeeds within renewDeadline', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const log: string[] = [];
    const a = elector(fc, clock, log);
    await flushPromises();
    expect(a.el.isLeader()).toBe(true);
    let failing = 0;
    const attempts: number[] = [];
    fc.prependReactor((act) => {
      if (act.resource !== 'leases' || act.verb === 'create') return;
      if (act.verb === 'update') attempts.push(clock.now());
      if (failing > 0 && act.verb === 'update') {
        failing--;
        throw Object.assign(new Error('the server is currently unable to handle the request'), { code: 'ECONNRESET' });
      }
    });
    failing = 6; // the fast and the slow path fail in each attempt: three failed attempts (t=2,4,6 s), the fourth succeeds
    await clock.tick(9_000);
    expect(a.el.isLeader()).toBe(true);
    expect(log).toEqual(['started']);
    // retried at the retry period, not given up after the first failure
    expect(attempts).toHaveLength(7);
    await clock.tick(20_000);
    expect(a.el.isLeader()).toBe(true);
    const l = await lease(fc);
    expect(l.spec?.holderIdentity).toBe('a');
    expect(l.spec?.leaseTransitions).toBe(0);
    a.ac.abort();
    await a.done;
  });

  it('gives up only when renewDeadline passes without a successful renewal', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const log: string[] = [];
    const a = elector(fc, clock, log);
    await flushPromises();
    let attempts = 0;
    fc.prependReactor((act) => {
      if (act.resource !== 'leases' || act.verb !== 'update') return;
      attempts++;
      throw Object.assign(new Error('conflict'), { code: 'ECONNRESET' });
    });
    await clock.tick(2_000 + 9_000); // one retry period, then 9 of the 10 s deadline
    expect(a.el.isLeader()).toBe(true);
    expect(attempts).toBeGreaterThanOrEqual(5);
    await clock.tick(2_000);
    await a.done;
    expect(a.el.isLeader()).toBe(false);
    expect(log).toEqual(['started', 'stopped']);
  });

  it('a valid leader renews with one update and no GET', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const a = elector(fc, clock, []);
    await flushPromises();
    const verbs: string[] = [];
    fc.prependReactor((act) => {
      if (act.resource === 'leases') verbs.push(act.verb);
    });
    await clock.tick(10_000);
    expect(verbs.length).toBeGreaterThanOrEqual(4);
    expect(new Set(verbs)).toEqual(new Set(['update']));
    a.ac.abort();
    await a.done;
  });

  it('a conflicting optimistic renewal falls back to GET and sees the other holder', async () => {
    const clock = new FakeClock();
    const fc = new FakeClient({ clock });
    const log: string[] = [];
    const a = elector(fc, clock, log);
    await flushPromises();
    // someone else takes the lease behind our back
    const cur = await lease(fc);
    await fc.resource(leaseKindDef()).namespace('kube-system').update({ ...cur, spec: { ...cur.spec, holderIdentity: 'b', leaseTransitions: 1 } });
    await clock.tick(13_000);
    await a.done;
    expect(a.el.getLeader()).toBe('b');
    expect(log).toEqual(['started', 'stopped']);
    expect((await lease(fc)).spec?.holderIdentity).toBe('b');
  });
});

describe('newLeaderElectionClient', () => {
  it('adds "/leader-election" to the user agent', () => {
    expect(addUserAgent({ server: 'https://x' }, 'leader-election').userAgent).toBe(`${defaultUserAgent}/leader-election`);
    expect(addUserAgent({ server: 'https://x', userAgent: 'kube-controller-manager/v1' }, 'leader-election').userAgent).toBe('kube-controller-manager/v1/leader-election');
  });

  it('has a rate limiter of its own: it is served while the component client is saturated', async () => {
    const agents: string[] = [];
    const server = http.createServer((req, res) => {
      agents.push(String(req.headers['user-agent']));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', namespace: 'kube-system', resourceVersion: '1' }, spec: {} }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const clock = new FakeClock(); // never ticked: the component client's bucket never refills
    const cfg = { server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, qps: 1, burst: 1, userAgent: 'kube-controller-manager/test' };
    const main = new RestClient(cfg, { clock });
    const le = newLeaderElectionClient(cfg, { clock });
    try {
      const leases = (c: RestClient) => c.resource(leaseKindDef()).namespace('kube-system');
      await leases(main).get('l'); // spends the component's only token
      let queuedDone = false;
      const ac = new AbortController();
      const queued = leases(main).get('l', { signal: ac.signal }).then(() => (queuedDone = true), () => undefined);
      const got = await leases(le).get('l');
      expect(got.metadata.name).toBe('l');
      expect(queuedDone).toBe(false); // still waiting for a token the fake clock never gives
      expect(agents).toEqual(['kube-controller-manager/test', 'kube-controller-manager/test/leader-election']);
      ac.abort();
      await queued;
    } finally {
      main.close();
      le.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
