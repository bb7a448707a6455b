import type { Pod, Service, ConfigMap, Secret, Container } from '@kubets/api';
import { expand, serviceEnv, makeEnvironment, expandCommand, EnvError, type EnvSources } from './env';

describe('expand', () => {
  const vars: Record<string, string> = { A: 'a', B: 'b', EMPTY: '' };
  const lk = (n: string) => vars[n];
  it.each([
    ['$(A)', 'a'],
    ['x$(A)y$(B)', 'xayb'],
    ['$(C)', '$(C)'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$a'],
    ['$$', '$'],
    ['$A', '$A'],
    ['$(A', '$(A'],
    ['$', '$'],
    ['$(EMPTY)x', 'x'],
    ['plain', 'plain'],
  ])('%s → %s', (input, want) => expect(expand(input, lk)).toBe(want));
});

const svc = (name: string, ns: string, ip: string, ports: Array<{ port: number; name?: string; protocol?: string }>): Service =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { clusterIP: ip, ports } }) as unknown as Service;

describe('serviceEnv', () => {
  it('writes service and docker-link variables', () => {
    const env = Object.fromEntries(serviceEnv([svc('my-svc', 'ns', '10.96.0.5', [{ port: 80, name: 'http' }, { port: 53, name: 'dns', protocol: 'UDP' }])]).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      MY_SVC_SERVICE_HOST: '10.96.0.5',
      MY_SVC_SERVICE_PORT: '80',
      MY_SVC_SERVICE_PORT_HTTP: '80',
      MY_SVC_SERVICE_PORT_DNS: '53',
      MY_SVC_PORT: 'tcp://10.96.0.5:80',
      MY_SVC_PORT_80_TCP: 'tcp://10.96.0.5:80',
      MY_SVC_PORT_80_TCP_PROTO: 'tcp',
      MY_SVC_PORT_80_TCP_PORT: '80',
      MY_SVC_PORT_80_TCP_ADDR: '10.96.0.5',
      MY_SVC_PORT_53_UDP: 'udp://10.96.0.5:53',
    });
  });
  it('skips headless services', () => expect(serviceEnv([svc('h', 'ns', 'None', [{ port: 80 }])])).toEqual([]));
});

describe('makeEnvironment', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' }, data: { k1: 'v1', k2: 'v2' } } as ConfigMap;
  const sec = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, data: { pw: Buffer.from('hunter2').toString('base64') } } as unknown as Secret;
  const src: EnvSources = {
    configMap: (ns, n) => (ns === 'ns' && n === 'cm' ? cm : undefined),
    secret: (ns, n) => (ns === 'ns' && n === 's' ? sec : undefined),
    services: () => [svc('web', 'ns', '10.96.0.9', [{ port: 8080 }])],
    masterService: () => svc('kubernetes', 'default', '10.96.0.1', [{ port: 443, name: 'https' }]),
    nodeName: 'n1',
    hostIP: '192.168.1.2',
    podIP: '10.244.0.7',
    nodeAllocatable: { cpu: 2, memory: 4 * 2 ** 30, 'ephemeral-storage': 0 },
  };
  const pod = (c: Partial<Container>, links = true): Pod =>
    ({
      metadata: { name: 'p', namespace: 'ns', uid: 'u1', labels: { app: 'x' } },
      spec: { nodeName: 'n1', serviceAccountName: 'sa', enableServiceLinks: links, containers: [{ name: 'c', image: 'busybox', ...c }] },
    }) as unknown as Pod;
  const run = (c: Partial<Container>, links = true) => {
    const p = pod(c, links);
    return Object.fromEntries(makeEnvironment(p, p.spec!.containers[0]!, src).map((e) => [e.key, e.value]));
  };

  it('resolves every source kind', () => {
    const env = run({
      envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }, { secretRef: { name: 's' } }],
      env: [
        { name: 'A', value: 'x-$(CM_k1)-$(WEB_SERVICE_HOST)' },
        { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'K2', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k2' } } },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'pw' } } },
        { name: 'OPT', valueFrom: { secretKeyRef: { name: 'nope', key: 'x', optional: true } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'B', value: '$(A)+$$(A)' },
      ],
    } as Partial<Container>);
    expect(env).toMatchObject({
      CM_k1: 'v1', pw: 'hunter2', A: 'x-v1-10.96.0.9', NAME: 'p', APP: 'x', IP: '10.244.0.7', HOST: '192.168.1.2', NODE: 'n1', SA: 'sa',
      K2: 'v2', PW: 'hunter2', MEM: '4096', B: 'x-v1-10.96.0.9+$(A)', KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443',
    });
    expect(env).not.toHaveProperty('OPT');
  });
  it('honours enableServiceLinks=false (kubernetes vars stay)', () => {
    const env = run({}, false);
    expect(env).not.toHaveProperty('WEB_SERVICE_HOST');
    expect(env.KUBERNETES_SERVICE_HOST).toBe('10.96.0.1');
  });
  it('fails on missing non-optional references', () => {
    expect(() => run({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'missing' } } }] } as Partial<Container>)).toThrow(EnvError);
    expect(() => run({ envFrom: [{ secretRef: { name: 'gone' } }] } as Partial<Container>)).toThrow('secret "gone" not found');
  });
  it('expands command and args', () => {
    const c = { name: 'c', command: ['sh', '-c', 'echo $(MSG)'], args: ['$$(MSG)', '$(NOPE)'] } as Container;
    expect(expandCommand(c, [{ key: 'MSG', value: 'hi' }])).toEqual({ command: ['sh', '-c', 'echo hi'], args: ['$(MSG)', '$(NOPE)'] });
  });
});
