import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadKubeconfig, writeKubeconfig, inClusterConfig } from './kubeconfig';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-kc-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('kubeconfig', () => {
  it('round-trips writeKubeconfig -> loadKubeconfig', () => {
    const f = path.join(dir, 'sub', 'config');
    writeKubeconfig(f, { server: 'https://127.0.0.1:6443', token: 'abc', ca: 'PEMDATA', namespace: 'kube-system' });
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    const kc = loadKubeconfig(f);
    expect(kc.config.server).toBe('https://127.0.0.1:6443');
    expect(kc.config.token).toBe('abc');
    expect(Buffer.from(kc.config.caData!).toString()).toBe('PEMDATA');
    expect(kc.namespace).toBe('kube-system');
    expect(kc.context).toBe('kubets');
  });

  it('resolves relative files, tokenFile, client certs; picks --context; merges $KUBECONFIG first-wins', () => {
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'CA');
    fs.writeFileSync(path.join(dir, 'c.crt'), 'CERT');
    fs.writeFileSync(path.join(dir, 'c.key'), 'KEY');
    const a = path.join(dir, 'a.yaml');
    const b = path.join(dir, 'b.yaml');
    fs.writeFileSync(
      a,
      `apiVersion: v1
kind: Config
current-context: one
clusters:
- name: c1
  cluster: {server: 'https://a:1', certificate-authority: ca.crt}
users:
- name: u1
  user: {client-certificate: c.crt, client-key: c.key}
contexts:
- name: one
  context: {cluster: c1, user: u1}
`,
    );
    fs.writeFileSync(
      b,
      `current-context: two
clusters:
- name: c1
  cluster: {server: 'https://ignored:1'}
- name: c2
  cluster: {server: 'http://b:2', insecure-skip-tls-verify: true}
users:
- name: u2
  user: {tokenFile: tok}
contexts:
- name: two
  context: {cluster: c2, user: u2, namespace: ns2}
`,
    );
    const env = { KUBECONFIG: `${a}${path.delimiter}${b}` };
    const one = loadKubeconfig(undefined, { env });
    expect(one.config.server).toBe('https://a:1');
    expect(Buffer.from(one.config.caData!).toString()).toBe('CA');
    expect(Buffer.from(one.config.certData!).toString()).toBe('CERT');
    expect(Buffer.from(one.config.keyData!).toString()).toBe('KEY');
    const two = loadKubeconfig(undefined, { env, context: 'two' });
    expect(two.config).toEqual({ server: 'http://b:2', insecureSkipTLSVerify: true, tokenFile: path.join(dir, 'tok') });
    expect(two.namespace).toBe('ns2');
  });

  it('falls back to ~/.kube/config, then in-cluster, else throws', () => {
    const home = path.join(dir, 'home');
    writeKubeconfig(path.join(home, '.kube', 'config'), { server: 'https://h:1' });
    expect(loadKubeconfig(undefined, { env: {}, homeDir: home }).config.server).toBe('https://h:1');
    const sa = path.join(dir, 'sa');
    fs.mkdirSync(sa);
    fs.writeFileSync(path.join(sa, 'token'), 'T');
    fs.writeFileSync(path.join(sa, 'ca.crt'), 'CA');
    fs.writeFileSync(path.join(sa, 'namespace'), 'team\n');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    const ic = loadKubeconfig(undefined, { env, homeDir: path.join(dir, 'nohome'), serviceAccountDir: sa });
    expect(ic.config.server).toBe('https://[fd00::1]:443');
    expect(ic.config.tokenFile).toBe(path.join(sa, 'token'));
    expect(ic.namespace).toBe('team');
    expect(inClusterConfig({ env: {}, serviceAccountDir: sa })).toBeUndefined();
    expect(() => loadKubeconfig(undefined, { env: {}, homeDir: path.join(dir, 'nohome'), serviceAccountDir: path.join(dir, 'none') })).toThrow(/no configuration/);
  });
});
