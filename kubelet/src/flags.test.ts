import { parseKubeletFlags } from './flags';
import { pressure, evictionOrder, threshold } from './eviction';
import type { Pod } from '@kubets/api';

describe('parseKubeletFlags', () => {
  it('defaults', () => {
    expect(parseKubeletFlags([])).toMatchObject({ rootDir: '/var/lib/kts-kubelet', clusterDomain: 'cluster.local', maxPods: 110, port: 10250, healthzPort: 10248, nodeStatusUpdateFrequencyMs: 10_000, evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '10%' } });
  });
  it('parses lists, labels, taints and durations', () => {
    const o = parseKubeletFlags(['--cluster-dns=10.96.0.10,10.96.0.11', '--node-labels=a=b,c=', '--register-with-taints=dedicated=gpu:NoSchedule,x:NoExecute', '--sync-frequency=30s', '--max-pods', '20', '-v=3', '--container-runtime-endpoint=unix:///run/x.sock']);
    expect(o).toMatchObject({ clusterDNS: ['10.96.0.10', '10.96.0.11'], nodeLabels: { a: 'b', c: '' }, registerWithTaints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'x', effect: 'NoExecute' }], syncFrequencyMs: 30_000, maxPods: 20, verbosity: 3, containerRuntimeEndpoint: 'unix:///run/x.sock' });
  });
  it('kubelet server security flags: secure defaults, upstream names', () => {
    expect(parseKubeletFlags([])).toMatchObject({
      address: '', certDir: '', anonymousAuth: false, authenticationTokenWebhook: true, authenticationTokenWebhookCacheTtlMs: 120_000,
      authorizationMode: 'Webhook', authorizationWebhookCacheAuthorizedTtlMs: 300_000, authorizationWebhookCacheUnauthorizedTtlMs: 30_000,
    });
    const o = parseKubeletFlags(['--tls-cert-file=/c', '--tls-private-key-file=/k', '--client-ca-file=/ca', '--anonymous-auth=true', '--authorization-mode=AlwaysAllow', '--authentication-token-webhook-cache-ttl=10s']);
    expect(o).toMatchObject({ tlsCertFile: '/c', tlsPrivateKeyFile: '/k', clientCAFile: '/ca', anonymousAuth: true, authorizationMode: 'AlwaysAllow', authenticationTokenWebhookCacheTtlMs: 10_000 });
    expect(() => parseKubeletFlags(['--authorization-mode=RBAC'])).toThrow('invalid --authorization-mode');
  });
  it('rejects bad input', () => {
    expect(() => parseKubeletFlags(['--register-with-taints=bad'])).toThrow('invalid taint');
    expect(() => parseKubeletFlags(['--nope'])).toThrow('unknown flag');
  });
});

describe('eviction', () => {
  it('thresholds', () => {
    expect(threshold('10%', 1000)).toBe(100);
    expect(threshold('100Mi', 0)).toBe(100 * 2 ** 20);
    expect(pressure({ 'memory.available': '100Mi', 'nodefs.available': '10%' }, { memoryAvailable: 50 * 2 ** 20, memoryCapacity: 2 ** 30, nodefsAvailable: 50, nodefsCapacity: 100 })).toEqual({ memory: true, disk: false });
  });
  it('evicts BestEffort first, then Burstable by request', () => {
    const pod = (name: string, res: Record<string, Record<string, string>>): Pod => ({ metadata: { name }, spec: { containers: [{ name: 'c', resources: res }] }, status: { phase: 'Running' } }) as unknown as Pod;
    const order = evictionOrder([pod('g', { limits: { cpu: '1', memory: '1Gi' } }), pod('b2', { requests: { memory: '2Gi' } }), pod('be', {}), pod('b1', { requests: { memory: '1Gi' } })]);
    expect(order.map((p) => p.metadata.name)).toEqual(['be', 'b1', 'b2', 'g']);
  });
});
