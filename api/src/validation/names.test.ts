import {
  checkDNS1123Label,
  checkDNS1123Subdomain,
  checkDNS1035Label,
  checkLabelValue,
  checkName,
  checkPathSegmentName,
  checkQualifiedName,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from './names';

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('DNS-1123 subdomain', () => {
  test.each([
    ['a', true],
    ['example.com', true],
    ['my-app.v1', true],
    ['0abc', true],
    ['a'.repeat(253), true],
    ['a'.repeat(254), false],
    ['', false],
    ['Foo', false],
    ['foo_bar', false],
    ['-foo', false],
    ['foo-', false],
    ['foo..bar', false],
    ['.foo', false],
    ['foo.', false],
  ])('%s → %s', (v, ok) => {
    expect(isDNS1123Subdomain(v)).toBe(ok);
    expect(checkDNS1123Subdomain(v).length === 0).toBe(ok);
  });
  test('message matches Kubernetes', () => {
    expect(checkDNS1123Subdomain('Foo_bar')).toEqual([subdomainMsg]);
    expect(checkDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
  });
});

describe('DNS-1123 label', () => {
  test.each([
    ['a', true],
    ['my-name', true],
    ['123-abc', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['a.b', false],
    ['A', false],
    ['-a', false],
    ['', false],
  ])('%s → %s', (v, ok) => {
    expect(isDNS1123Label(v)).toBe(ok);
    expect(checkDNS1123Label(v).length === 0).toBe(ok);
  });
  test('message keeps Go spacing', () => {
    expect(checkDNS1123Label('a.b')).toEqual([labelMsg]);
  });
});

describe('DNS-1035 label', () => {
  test.each([
    ['my-name', true],
    ['abc-123', true],
    ['1abc', false],
    ['a-', false],
    ['a'.repeat(64), false],
  ])('%s → %s', (v, ok) => {
    expect(isDNS1035Label(v)).toBe(ok);
    expect(checkDNS1035Label(v).length === 0).toBe(ok);
  });
  test('message', () => {
    expect(checkDNS1035Label('1abc')[0]).toMatch(/^a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
  });
});

describe('qualified names (label/annotation keys)', () => {
  test.each([
    ['app', true],
    ['App.Name_1', true],
    ['example.com/MyName', true],
    ['kubernetes.io/cluster-service', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['/name', false],
    ['example.com/', false],
    ['a/b/c', false],
    ['-app', false],
    ['app-', false],
    ['Example.com/x', false],
    ['', false],
  ])('%s → %s', (v, ok) => {
    expect(isQualifiedName(v)).toBe(ok);
  });
  test('messages', () => {
    expect(checkQualifiedName('/name')).toEqual(['prefix part must be non-empty']);
    expect(checkQualifiedName('a'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
    expect(checkQualifiedName('a_')[0]).toBe(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
    expect(checkQualifiedName('a/b/c')[0]).toMatch(/^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
    expect(checkQualifiedName('Bad_/x')[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
  });
});

describe('label values', () => {
  test.each([
    ['', true],
    ['v1', true],
    ['my_value', true],
    ['12345', true],
    ['a.b-c_d', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-a', false],
    ['a b', false],
    ['a/b', false],
  ])('%s → %s', (v, ok) => {
    expect(isValidLabelValue(v)).toBe(ok);
    expect(checkLabelValue(v).length === 0).toBe(ok);
  });
});

describe('checkName by kind rule', () => {
  test.each([
    ['subdomain', 'a.b', false, 0],
    ['label', 'a.b', false, 1],
    ['dns1035', '1a', false, 1],
    ['path', 'system:controller:x', false, 0],
    ['path', 'a/b', false, 1],
    ['path', '..', false, 1],
    ['subdomain', 'web-', true, 0],
    ['label', 'web-', true, 0],
    ['subdomain', 'web-', false, 1],
  ] as const)('%s %s prefix=%s → %d errors', (kind, v, prefix, n) => {
    expect(checkName(kind, v, prefix)).toHaveLength(n);
  });
  test('path segment messages', () => {
    expect(checkPathSegmentName('.')).toEqual(["may not be '.'"]);
    expect(checkPathSegmentName('a%b/c')).toEqual(["may not contain '/'", "may not contain '%'"]);
  });
});
