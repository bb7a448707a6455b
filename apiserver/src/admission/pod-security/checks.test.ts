import { checkIds, evaluatePod } from './evaluate';
import { forbiddenDetail } from './check';
import { podView } from './pod-view';

type Obj = Record<string, unknown>;
interface TestPod {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Obj & { securityContext: Obj; containers: Array<Obj & { securityContext: Obj }> };
}

const restrictedSC = (): Obj => ({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
/** A pod that passes the restricted level; each case changes one thing. */
function basePod(): TestPod {
  return {
    metadata: { name: 'p' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', image: 'busybox', securityContext: restrictedSC() }],
    },
  };
}
const c0 = (p: TestPod) => p.spec.containers[0]!;

function detail(level: 'baseline' | 'restricted', p: TestPod): string {
  return forbiddenDetail(evaluatePod(level, podView(p.metadata, p.spec)));
}

interface Case {
  check: string;
  /** makes the pod pass the check with the field set to an allowed value */
  pass: (p: TestPod) => void;
  fail: (p: TestPod) => void;
  /** message at the baseline level ('' = allowed) */
  baseline: string;
  /** message at the restricted level */
  restricted: string;
}

const cases: Case[] = [
  {
    check: 'windowsHostProcess',
    pass: (p) => (p.spec.securityContext.windowsOptions = { hostProcess: false }),
    fail: (p) => {
      p.spec.securityContext.windowsOptions = { hostProcess: true };
      c0(p).securityContext.windowsOptions = { hostProcess: true };
    },
    baseline: 'hostProcess (pod and container "c" must not set securityContext.windowsOptions.hostProcess=true)',
    restricted: 'hostProcess (pod and container "c" must not set securityContext.windowsOptions.hostProcess=true)',
  },
  {
    check: 'hostNamespaces',
    pass: (p) => Object.assign(p.spec, { hostNetwork: false, hostPID: false, hostIPC: false }),
    fail: (p) => Object.assign(p.spec, { hostNetwork: true, hostPID: true, hostIPC: true }),
    baseline: 'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)',
    restricted: 'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)',
  },
  {
    check: 'privileged (init and regular containers)',
    pass: (p) => (c0(p).securityContext.privileged = false),
    fail: (p) => {
      p.spec.initContainers = [{ name: 'i', image: 'busybox', securityContext: { ...restrictedSC(), privileged: true } }];
      c0(p).securityContext.privileged = true;
    },
    baseline: 'privileged (containers "i", "c" must not set securityContext.privileged=true)',
    restricted: 'privileged (containers "i", "c" must not set securityContext.privileged=true)',
  },
  {
    check: 'privileged (ephemeral container)',
    pass: (p) => (p.spec.ephemeralContainers = [{ name: 'e', image: 'busybox', securityContext: restrictedSC() }]),
    fail: (p) => (p.spec.ephemeralContainers = [{ name: 'e', image: 'busybox', securityContext: { ...restrictedSC(), privileged: true } }]),
    baseline: 'privileged (container "e" must not set securityContext.privileged=true)',
    restricted: 'privileged (container "e" must not set securityContext.privileged=true)',
  },
  {
    check: 'capabilities_baseline / capabilities_restricted (add)',
    pass: (p) => (c0(p).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }),
    fail: (p) => (c0(p).securityContext.capabilities = { drop: ['ALL'], add: ['SYS_ADMIN', 'NET_RAW', 'CHOWN'] }),
    baseline: 'non-default capabilities (container "c" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
    restricted: 'unrestricted capabilities (container "c" must not include "CHOWN", "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)',
  },
  {
    check: 'capabilities_restricted (drop ALL)',
    pass: (p) => (c0(p).securityContext.capabilities = { drop: ['NET_RAW', 'ALL'] }),
    fail: (p) => delete c0(p).securityContext.capabilities,
    baseline: '',
    restricted: 'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"])',
  },
  {
    check: 'hostPathVolumes / restrictedVolumes',
    pass: (p) => (p.spec.volumes = [{ name: 'h', emptyDir: {} }]),
    fail: (p) => (p.spec.volumes = [{ name: 'h', hostPath: { path: '/' } }]),
    baseline: 'hostPath volumes (volume "h")',
    restricted: 'restricted volume types (volume "h" uses restricted volume type "hostPath")',
  },
  {
    check: 'restrictedVolumes',
    pass: (p) => (p.spec.volumes = [{ name: 'a', configMap: { name: 'x' } }, { name: 'b', projected: { sources: [] } }, { name: 'c', persistentVolumeClaim: { claimName: 'x' } }]),
    fail: (p) => (p.spec.volumes = [{ name: 'n', nfs: { server: 's', path: '/' } }, { name: 'g', gitRepo: { repository: 'r' } }]),
    baseline: '',
    restricted: 'restricted volume types (volumes "n", "g" use restricted volume types "gitRepo", "nfs")',
  },
  {
    check: 'hostPorts',
    pass: (p) => (c0(p).ports = [{ containerPort: 80 }]),
    fail: (p) => (c0(p).ports = [{ containerPort: 80, hostPort: 8080 }, { containerPort: 443, hostPort: 443 }]),
    baseline: 'hostPort (container "c" uses hostPorts 443, 8080)',
    restricted: 'hostPort (container "c" uses hostPorts 443, 8080)',
  },
  {
    check: 'hostProbesAndHostLifecycle',
    pass: (p) => (c0(p).livenessProbe = { httpGet: { port: 80, host: '' } }),
    fail: (p) => {
      c0(p).livenessProbe = { httpGet: { port: 80, host: 'example.com' } };
      c0(p).lifecycle = { preStop: { tcpSocket: { port: 80, host: '10.0.0.1' } } };
    },
    baseline: 'probe or lifecycle host (container "c" uses probe or lifecycle hosts "10.0.0.1", "example.com")',
    restricted: 'probe or lifecycle host (container "c" uses probe or lifecycle hosts "10.0.0.1", "example.com")',
  },
  {
    check: 'appArmorProfile',
    pass: (p) => {
      p.spec.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
      p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/c': 'localhost/prof' };
    },
    fail: (p) => {
      p.spec.securityContext.appArmorProfile = { type: 'Unconfined' };
      p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' };
    },
    baseline: 'forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined"")',
    restricted: 'forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/c="unconfined"")',
  },
  {
    check: 'seLinuxOptions',
    pass: (p) => (c0(p).securityContext.seLinuxOptions = { type: 'container_t', level: 's0:c1,c2' }),
    fail: (p) => (c0(p).securityContext.seLinuxOptions = { type: 'spc_t', user: 'root' }),
    baseline: 'seLinuxOptions (container "c" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)',
    restricted: 'seLinuxOptions (container "c" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)',
  },
  {
    check: 'procMount / procMount_restricted',
    pass: (p) => (c0(p).securityContext.procMount = 'Default'),
    fail: (p) => (c0(p).securityContext.procMount = 'Unmasked'),
    baseline: 'procMount (container "c" must not set securityContext.procMount to "Unmasked")',
    restricted: 'procMount (container "c" must not set securityContext.procMount to "Unmasked")',
  },
  {
    check: 'procMount in a user namespace (allowed at baseline only)',
    pass: (p) => (p.spec.hostUsers = false),
    fail: (p) => {
      p.spec.hostUsers = false;
      c0(p).securityContext.procMount = 'Unmasked';
    },
    baseline: '',
    restricted: 'procMount (container "c" must not set securityContext.procMount to "Unmasked")',
  },
  {
    check: 'seccompProfile_baseline / seccompProfile_restricted (Unconfined)',
    pass: (p) => (p.spec.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'x.json' }),
    fail: (p) => (p.spec.securityContext.seccompProfile = { type: 'Unconfined' }),
    baseline: 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    restricted: 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
  },
  {
    check: 'seccompProfile_restricted (required)',
    pass: (p) => {
      delete p.spec.securityContext.seccompProfile;
      c0(p).securityContext.seccompProfile = { type: 'RuntimeDefault' };
    },
    fail: (p) => delete p.spec.securityContext.seccompProfile,
    baseline: '',
    restricted: 'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  },
  {
    check: 'sysctls',
    pass: (p) => (p.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }]),
    fail: (p) => (p.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'vm.swappiness', value: '1' }]),
    baseline: 'forbidden sysctls (kernel.msgmax, vm.swappiness)',
    restricted: 'forbidden sysctls (kernel.msgmax, vm.swappiness)',
  },
  {
    check: 'allowPrivilegeEscalation',
    pass: (p) => (c0(p).securityContext.allowPrivilegeEscalation = false),
    fail: (p) => delete c0(p).securityContext.allowPrivilegeEscalation,
    baseline: '',
    restricted: 'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false)',
  },
  {
    check: 'runAsNonRoot (unset)',
    pass: (p) => {
      delete p.spec.securityContext.runAsNonRoot;
      c0(p).securityContext.runAsNonRoot = true;
    },
    fail: (p) => delete p.spec.securityContext.runAsNonRoot,
    baseline: '',
    restricted: 'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true)',
  },
  {
    check: 'runAsNonRoot (false; allowed in a user namespace)',
    pass: (p) => {
      p.spec.hostUsers = false;
      c0(p).securityContext.runAsNonRoot = false;
    },
    fail: (p) => (c0(p).securityContext.runAsNonRoot = false),
    baseline: '',
    restricted: 'runAsNonRoot != true (container "c" must not set securityContext.runAsNonRoot=false)',
  },
  {
    check: 'runAsUser',
    pass: (p) => (p.spec.securityContext.runAsUser = 1000),
    fail: (p) => {
      p.spec.securityContext.runAsUser = 0;
      c0(p).securityContext.runAsUser = 0;
    },
    baseline: '',
    restricted: 'runAsUser=0 (pod and container "c" must not set runAsUser=0)',
  },
];

describe('Pod Security checks', () => {
  it('the base pod passes both levels', () => {
    expect(detail('baseline', basePod())).toBe('');
    expect(detail('restricted', basePod())).toBe('');
  });

  describe.each(cases)('$check', ({ pass, fail, baseline, restricted }) => {
    it('allows the pod with an allowed value', () => {
      const p = basePod();
      pass(p);
      expect(detail('baseline', p)).toBe('');
      expect(detail('restricted', p)).toBe('');
    });
    it('refuses the violating pod with upstream message', () => {
      const p = basePod();
      fail(p);
      expect(detail('baseline', p)).toBe(baseline);
      expect(detail('restricted', p)).toBe(restricted);
    });
  });

  it('aggregates violations in upstream order', () => {
    const p = basePod();
    p.spec.hostNetwork = true;
    c0(p).securityContext.privileged = true;
    expect(detail('baseline', p)).toBe('host namespaces (hostNetwork=true), privileged (container "c" must not set securityContext.privileged=true)');
  });

  it('windows pods skip the Linux-only restricted checks', () => {
    const p = basePod();
    p.spec.os = { name: 'windows' };
    p.spec.securityContext = { runAsNonRoot: true };
    c0(p).securityContext = {};
    expect(detail('restricted', p)).toBe('');
  });

  it('runs upstream check IDs, baseline first, overridden ones replaced', () => {
    expect(checkIds('baseline')).toEqual([
      'appArmorProfile', 'capabilities_baseline', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'hostProbesAndHostLifecycle',
      'privileged', 'procMount', 'seLinuxOptions', 'seccompProfile_baseline', 'sysctls', 'windowsHostProcess',
    ]);
    expect(checkIds('restricted')).toEqual([
      'appArmorProfile', 'hostNamespaces', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'seLinuxOptions', 'sysctls', 'windowsHostProcess',
      'allowPrivilegeEscalation', 'capabilities_restricted', 'procMount_restricted', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
    ]);
  });

  it('reads malformed fields as absent (validation rejects them later)', () => {
    expect(detail('baseline', { metadata: { name: 'p' }, spec: { securityContext: {}, containers: 'x' as never, hostNetwork: 'yes' } })).toBe('');
  });
});
