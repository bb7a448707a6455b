import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPodSecurityConfig, resolvePodSecurityConfig } from './config';

describe('PodSecurity configuration', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kts-psa-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('defaults to privileged:latest everywhere with kube-system exempt', () => {
    expect(resolvePodSecurityConfig(undefined)).toEqual({
      defaults: { enforce: { level: 'privileged', version: 'latest' }, audit: { level: 'privileged', version: 'latest' }, warn: { level: 'privileged', version: 'latest' } },
      exemptions: { usernames: [], namespaces: ['kube-system'], runtimeClasses: [] },
    });
  });

  it('reads the PodSecurity entry of an AdmissionConfiguration, inline', () => {
    const f = write(
      'admission.yaml',
      `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: Other
  configuration: {}
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults:
      enforce: baseline
      enforce-version: v1.30
      warn: restricted
    exemptions:
      usernames: [admin]
      runtimeClasses: [kata]
      namespaces: [tools]
`,
    );
    const c = loadPodSecurityConfig(f);
    expect(c.defaults.enforce).toEqual({ level: 'baseline', version: 'v1.30' });
    expect(c.defaults.warn).toEqual({ level: 'restricted', version: 'latest' });
    expect(c.defaults.audit).toEqual({ level: 'privileged', version: 'latest' });
    expect(c.exemptions).toEqual({ usernames: ['admin'], namespaces: ['tools'], runtimeClasses: ['kata'] });
  });

  it('follows a path relative to the AdmissionConfiguration', () => {
    write('psa.yaml', 'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  audit: restricted\n');
    const f = write('admission.yaml', 'apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  path: psa.yaml\n');
    expect(loadPodSecurityConfig(f).defaults.audit.level).toBe('restricted');
  });

  it.each([
    ['a bad level', { defaults: { enforce: 'strict' } }, 'defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted'],
    ['a bad version', { defaults: { 'warn-version': '1.2' } }, 'defaults.warn-version: Invalid value: "1.2": must be "latest" or "v1.x"'],
    ['an empty username', { exemptions: { usernames: [''] } }, 'exemptions.usernames[0]: Invalid value: "": username must not be empty'],
    ['a duplicate namespace', { exemptions: { namespaces: ['a', 'a'] } }, 'exemptions.namespaces[1]: Duplicate value: "a"'],
    ['a bad runtime class', { exemptions: { runtimeClasses: ['Kata'] } }, 'exemptions.runtimeClasses[0]: Invalid value: "Kata": '],
  ])('rejects %s', (_n, cfg, msg) => {
    expect(() => resolvePodSecurityConfig(cfg)).toThrow(msg);
  });

  it('rejects the wrong kind', () => {
    const f = write('x.yaml', 'apiVersion: pod-security.admission.config.k8s.io/v2\nkind: PodSecurityConfiguration\n');
    expect(() => loadPodSecurityConfig(f)).toThrow('unexpected PodSecurity configuration pod-security.admission.config.k8s.io/v2');
  });
});
