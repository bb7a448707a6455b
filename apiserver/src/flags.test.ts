import { parseApiServerFlags, parseDuration } from './flags';

describe('parseApiServerFlags', () => {
  it('has kube-apiserver defaults', () => {
    expect(parseApiServerFlags([])).toMatchObject({ serviceClusterIpRange: '10.96.0.0/12', serviceNodePortRange: '30000-32767', etcdPrefix: '/registry', bindAddress: '127.0.0.1' });
  });
  it('parses kube-apiserver flag names in both forms', () => {
    const f = parseApiServerFlags(['--etcd-servers=http://a:1,http://b:2', '--secure-port', '7443', '--bind-address=127.0.0.2', '--service-cluster-ip-range', '10.0.0.0/24', '--service-node-port-range=31000-31010', '--etcd-prefix=/kts', '-v=4', '--etcd-compaction-interval=1m30s']);
    expect(f).toMatchObject({ etcdServers: ['http://a:1', 'http://b:2'], port: 7443, bindAddress: '127.0.0.2', serviceClusterIpRange: '10.0.0.0/24', serviceNodePortRange: '31000-31010', etcdPrefix: '/kts', verbosity: 4, etcdCompactionIntervalMs: 90_000 });
    expect(parseApiServerFlags(['--port', '8080']).port).toBe(8080);
  });
  it('parses service account and admission flags', () => {
    const f = parseApiServerFlags(['--service-account-signing-key-file=/k', '--service-account-key-file', '/p', '--service-account-issuer=https://x', '--client-ca-file=/ca', '--default-not-ready-toleration-seconds=5', '--default-unreachable-toleration-seconds', '6']);
    expect(f).toMatchObject({ serviceAccountSigningKeyFile: '/k', serviceAccountKeyFile: '/p', serviceAccountIssuer: 'https://x', clientCAFile: '/ca', defaultNotReadyTolerationSeconds: 5, defaultUnreachableTolerationSeconds: 6 });
  });
  it('rejects unknown flags and bad values', () => {
    expect(() => parseApiServerFlags(['--nope'])).toThrow('unknown flag');
    expect(() => parseApiServerFlags(['--secure-port=abc'])).toThrow('invalid value');
    expect(() => parseApiServerFlags(['--secure-port'])).toThrow('needs an argument');
    expect(() => parseDuration('5x')).toThrow();
  });
});

describe('apiserver flags on the shared parser', () => {
  it('aliases: the one given last wins', () => {
    expect(parseApiServerFlags(['--secure-port=1', '--port=2']).port).toBe(2);
    expect(parseApiServerFlags(['--port=2', '--secure-port', '1']).port).toBe(1);
    expect(parseApiServerFlags(['--advertise-address=10.0.0.1']).bindAddress).toBe('10.0.0.1');
    expect(parseApiServerFlags([]).port).toBe(6443);
  });
  it('keeps optional fields absent unless given and rejects positional arguments', () => {
    const f = parseApiServerFlags([]);
    expect(f).toEqual({ etcdServers: ['http://127.0.0.1:2379'], etcdPrefix: '/registry', bindAddress: '127.0.0.1', port: 6443, serviceClusterIpRange: '10.96.0.0/12', serviceNodePortRange: '30000-32767', verbosity: 0, etcdCompactionIntervalMs: 300_000, anonymousAuth: true, enableBootstrapTokenAuth: false, authorizationModes: ['Node', 'RBAC'], apiAudiences: [], encryptionProviderConfigAutomaticReload: false, auditLogMaxSize: 0, auditLogMaxBackup: 0, auditLogMaxAge: 0, requestheaderAllowedNames: [] });
    expect(parseApiServerFlags(['--authorization-mode=RBAC', '--anonymous-auth=false', '--tls-cert-file=a', '--tls-private-key-file=b'])).toMatchObject({ authorizationModes: ['RBAC'], anonymousAuth: false, tlsCertFile: 'a', tlsPrivateKeyFile: 'b' });
    expect(() => parseApiServerFlags(['--tls-cert-file=a'])).toThrow('must be given together');
    expect(parseApiServerFlags(['--etcd-compaction-interval=0']).etcdCompactionIntervalMs).toBe(0);
    expect(() => parseApiServerFlags(['extra'])).toThrow('unexpected argument');
    expect(() => parseApiServerFlags(['--secure-port=-1'])).toThrow('invalid value');
  });
  it('documents every flag in usage()', async () => {
    const { apiServerUsage, apiServerFlagSpecs } = await import('./flags');
    const u = apiServerUsage();
    expect(u).toContain('Usage: kts apiserver [flags]');
    for (const name of Object.keys(apiServerFlagSpecs)) expect(u).toContain(`--${name} `);
  });
});
