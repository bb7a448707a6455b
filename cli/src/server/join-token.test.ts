import { BOOTSTRAP_TOKEN_PATTERN, bootstrapTokenSecret, caBundleHash, describeBootstrapTokenSecret, formatJoinToken, generateBootstrapToken, parseBootstrapToken, parseJoinToken } from './join-token';

describe('join tokens', () => {
  it('generates kubeadm-shaped bootstrap tokens and round-trips the K10 form', () => {
    const t = generateBootstrapToken();
    expect(`${t.id}.${t.secret}`).toMatch(BOOTSTRAP_TOKEN_PATTERN);
    const hash = caBundleHash('-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const s = formatJoinToken({ ...t, caHash: hash });
    expect(s).toBe(`K10${hash}::${t.id}.${t.secret}`);
    expect(parseJoinToken(s)).toEqual({ ...t, caHash: hash });
  });

  it.each([
    ['abcdef.0123456789abcdef', /has no CA hash/],
    [`K10${'0'.repeat(63)}::abcdef.0123456789abcdef`, /not a join token/],
    [`K10${'0'.repeat(64)}::ABCDEF.0123456789abcdef`, /not a join token/],
    ['kts-abcdef.00', /not a join token/],
  ])('refuses %s', (s, msg) => expect(() => parseJoinToken(s)).toThrow(msg));

  it('parses a bare <id>.<secret> only', () => {
    expect(parseBootstrapToken('abcdef.0123456789abcdef')).toEqual({ id: 'abcdef', secret: '0123456789abcdef' });
    expect(parseBootstrapToken('abcdef.0123')).toBeUndefined();
  });

  it('stores the token as the Secret the bootstrap authenticator reads, and lists it back', () => {
    const s = bootstrapTokenSecret({ id: 'abcdef', secret: '0123456789abcdef' }, { description: 'd', expires: new Date('2030-01-02T03:04:05.678Z') });
    const plain = Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(s.metadata).toEqual({ name: 'bootstrap-token-abcdef', namespace: 'kube-system' });
    expect(s.type).toBe('bootstrap.kubernetes.io/token');
    expect(plain).toEqual({
      'token-id': 'abcdef',
      'token-secret': '0123456789abcdef',
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
      'auth-extra-groups': 'system:bootstrappers:kts:default-node-token',
      description: 'd',
      expiration: '2030-01-02T03:04:05Z',
    });
    expect(describeBootstrapTokenSecret(s)).toEqual({ id: 'abcdef', description: 'd', expiration: '2030-01-02T03:04:05Z', usages: ['authentication', 'signing'], groups: ['system:bootstrappers:kts:default-node-token'] });
    expect(describeBootstrapTokenSecret({ type: 'Opaque', data: s.data })).toBeUndefined();
  });
});
