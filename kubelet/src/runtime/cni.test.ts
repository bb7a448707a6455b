import { networkPlugins, pluginStdin, type CniOptions } from './cni';
import { hostsFile, portMappingsOf, resolvConf } from './sandboxes';
import type { PodSandboxConfig } from './cri-types';

const o: CniOptions = { binDir: '/usr/lib/cni', name: 'kts', bridge: 'kts7', subnet: '10.244.7.0/24', ipamDataDir: '/tmp/ipam' };

test('bridge + host-local + portmap chain', () => {
  const [bridge, portmap] = networkPlugins(o);
  expect(bridge).toMatchObject({ type: 'bridge', bridge: 'kts7', isGateway: true, ipMasq: true, hairpinMode: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.7.0/24' }]], dataDir: '/tmp/ipam' } });
  expect(portmap).toMatchObject({ type: 'portmap', capabilities: { portMappings: true } });
});

test('plugin stdin carries name, version, prevResult and runtimeConfig for declared capabilities', () => {
  const [, portmap] = networkPlugins(o);
  const pm = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' as const }];
  const conf = JSON.parse(pluginStdin(o, portmap!, { ips: [] }, { portMappings: pm, other: 1 })) as Record<string, unknown>;
  expect(conf).toMatchObject({ cniVersion: '0.4.0', name: 'kts', type: 'portmap', prevResult: { ips: [] }, runtimeConfig: { portMappings: pm } });
  expect(conf['capabilities']).toBeUndefined();
  const b = JSON.parse(pluginStdin(o, networkPlugins(o)[0]!, undefined, { portMappings: pm })) as Record<string, unknown>;
  expect(b['runtimeConfig']).toBeUndefined();
  expect(b['prevResult']).toBeUndefined();
});

test('port mappings from the sandbox config (hostPort only)', () => {
  const cfg = { port_mappings: [{ protocol: 0, container_port: 80, host_port: 8080, host_ip: '' }, { protocol: 1, container_port: 53, host_port: 5353, host_ip: '127.0.0.1' }, { protocol: 0, container_port: 9, host_port: 0, host_ip: '' }] } as unknown as PodSandboxConfig;
  expect(portMappingsOf(cfg)).toEqual([
    { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    { hostPort: 5353, containerPort: 53, protocol: 'udp', hostIP: '127.0.0.1' },
  ]);
});

test('resolv.conf and hosts', () => {
  expect(resolvConf({ servers: ['10.96.0.10'], searches: ['a.svc', 'svc'], options: ['ndots:5'] })).toBe('search a.svc svc\nnameserver 10.96.0.10\noptions ndots:5\n');
  expect(hostsFile('10.244.0.5', 'web')).toMatch(/^127\.0\.0\.1\tlocalhost$/m);
  expect(hostsFile('10.244.0.5', 'web')).toMatch(/^10\.244\.0\.5\tweb$/m);
});
