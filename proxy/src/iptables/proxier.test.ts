import { Registry } from 'prom-client';
import { IptablesProxier } from './proxier';
import { FakeIptables } from './fake-runner';
import { createProxyMetrics } from '../metrics';
import { chainNames } from './chain-names';
import type { ServicePort } from '../model/service-port';

function sp(name: string, ips: string[]): ServicePort {
  return {
    namespace: 'default', name, portName: '', protocol: 'TCP', clusterIP: '10.96.0.30', port: 80, externalIPs: [], loadBalancerIPs: [],
    externalPolicyLocal: false, internalPolicyLocal: false,
    endpoints: ips.map((ip) => ({ ip, port: 80, ready: true, serving: true, terminating: false, isLocal: false })),
  };
}

describe('IptablesProxier', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('installs jumps on the first (full) sync, then rate-limits by the min sync period', async () => {
    const ipt = new FakeIptables();
    const metrics = createProxyMetrics(new Registry());
    const p = new IptablesProxier(ipt, { masqueradeAll: false, nodePortAddresses: [], minSyncPeriodMs: 1000, syncPeriodMs: 0, metrics });
    p.update([sp('web', ['10.244.0.5'])], ['default/web']);
    await jest.advanceTimersByTimeAsync(0);
    expect(ipt.rules('nat', 'PREROUTING')).toEqual(['-m comment --comment kubernetes service portals -j KUBE-SERVICES']);
    expect(ipt.restores.filter((r) => r.includes('KUBE-SVC'))).toHaveLength(1);

    // two quick changes coalesce into one sync after the min period
    p.update([sp('web', ['10.244.0.5', '10.244.0.6'])], ['default/web']);
    p.update([sp('web', ['10.244.0.5', '10.244.0.6', '10.244.0.7'])], ['default/web']);
    await jest.advanceTimersByTimeAsync(500);
    expect(ipt.restores.filter((r) => r.includes('KUBE-SVC'))).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(600);
    expect(ipt.restores.filter((r) => r.includes('KUBE-SVC'))).toHaveLength(2);
    expect(ipt.rules('nat', chainNames.svc(sp('web', [])))).toHaveLength(3);
    expect((await metrics.syncDuration.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(2);
    p.dispose();
  });

  it('retries with a full sync after a failed restore', async () => {
    const ipt = new FakeIptables();
    let fail = true;
    const restore = ipt.restore.bind(ipt);
    ipt.restore = async (t: string) => {
      if (fail && t.includes('KUBE-SVC')) {
        fail = false;
        throw new Error('boom');
      }
      return restore(t);
    };
    const p = new IptablesProxier(ipt, { masqueradeAll: false, nodePortAddresses: [], minSyncPeriodMs: 100, syncPeriodMs: 0 });
    p.update([sp('web', ['10.244.0.5'])], ['default/web']);
    await jest.advanceTimersByTimeAsync(0);
    expect(ipt.tables.nat.has(chainNames.svc(sp('web', [])))).toBe(false);
    await jest.advanceTimersByTimeAsync(200);
    expect(ipt.rules('nat', chainNames.svc(sp('web', [])))).toHaveLength(1);
    p.dispose();
  });
});
