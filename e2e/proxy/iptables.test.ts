// kts proxy against real iptables: Services and EndpointSlices in a real API server, backends and clients in
// network namespaces on a bridge this test owns. Everything (rules, namespaces, bridge) is removed afterwards.
import * as fs from 'node:fs';
import { ServiceKind, EndpointSliceKind, type Service, type EndpointSlice } from '@kubets/api';
import { RestClient, loadKubeconfig } from '@kubets/client';
import { startProxy, parseProxyFlags, cleanupAll, ExecIptables, type RunningProxy } from '@kubets/proxy';
import { lockHostIptables } from '../harness/host-lock';
import { startTestApiServer, eventually as poll, type TestApiServer } from '../harness/apiserver';
import { createTestNet, serveText, fetchFrom, sh, type TestNet, type TestHost } from '../harness/netns';

const prefix = '10.250.7';
let api: TestApiServer;
let net: TestNet;
let proxy: RunningProxy;
const ac = new AbortController();
let client: RestClient;
let a: TestHost, b: TestHost, c: TestHost;
const savedSysctls: Record<string, string> = {};

function slice(name: string, eps: Array<[TestHost, boolean]>): EndpointSlice {
  return {
    metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: eps.map(([h, ready]) => ({ addresses: [h.ip], conditions: { ready, serving: ready, terminating: false }, nodeName: 'proxy-node' })),
  };
}

async function setSlice(eps: Array<[TestHost, boolean]>): Promise<void> {
  const res = client.resource(EndpointSliceKind).namespace('default');
  const cur = await res.get('web-1');
  await res.update({ ...slice('web-1', eps), metadata: { ...slice('web-1', eps).metadata, resourceVersion: cur.metadata.resourceVersion } });
}

/** Retries an assertion until it passes (or the time runs out). */
function eventually(assertion: () => void, timeoutMs = 20_000, stepMs = 200): Promise<boolean> {
  return poll(() => {
    assertion();
    return true;
  }, timeoutMs, stepMs);
}

function eventuallyAsync(assertion: () => Promise<void>, timeoutMs = 20_000): Promise<boolean> {
  return poll(async () => {
    await assertion();
    return true;
  }, timeoutMs, 300);
}

/** Waits until the programmed nat rules contain (or lack) a DNAT to host:port. */
function rulesFor(host: TestHost, present: boolean): Promise<boolean> {
  return eventually(() => expect(sh('iptables-save -t nat').includes(`--to-destination ${host.ip}:8080`)).toBe(present));
}

function sample(host: TestHost, url: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(fetchFrom(host, url));
  return out;
}

let unlock: (() => void) | undefined;

beforeAll(async () => {
  unlock = await lockHostIptables();
  for (const s of ['net/ipv4/ip_forward', 'net/ipv4/conf/all/route_localnet']) savedSysctls[s] = sh(`cat /proc/sys/${s}`).trim();
  api = await startTestApiServer();
  client = new RestClient(loadKubeconfig(api.kubeconfig).config);
  net = createTestNet('ktsp7', prefix);
  a = net.addHost('a', 10);
  b = net.addHost('b', 11);
  c = net.addHost('c', 20);
  // `ip netns exec` bind-mounts /etc/netns/<ns>/resolv.conf: the resolv.conf a kubelet writes for ClusterFirst.
  fs.mkdirSync(`/etc/netns/${c.name}`, { recursive: true });
  fs.writeFileSync(`/etc/netns/${c.name}/resolv.conf`, 'nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
  serveText(a, 8080, 'A');
  serveText(b, 8080, 'B');
  const svc: Service = {
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
  await client.resource(ServiceKind).namespace('default').create(svc);
  await client.resource(EndpointSliceKind).namespace('default').create(slice('web-1', [[a, true], [b, true]]));
  const opts = parseProxyFlags([`--hostname-override=proxy-node`, `--cluster-cidr=${prefix}.0/24`, '--metrics-bind-address=127.0.0.1:0', '--iptables-min-sync-period=100ms', `--cluster-dns-bind-address=${prefix}.1`, '--cluster-dns-port=53'])!;
  proxy = await startProxy(opts, ac.signal, { client });
});

afterAll(async () => {
  ac.abort();
  await proxy?.done;
  await cleanupAll(new ExecIptables());
  if (c) fs.rmSync(`/etc/netns/${c.name}`, { recursive: true, force: true });
  net?.cleanup();
  await api?.stop();
  for (const [s, v] of Object.entries(savedSysctls)) sh(`echo ${v} > /proc/sys/${s}`);
  unlock?.();
});

async function service(): Promise<Service> {
  return client.resource(ServiceKind).namespace('default').get('web');
}

test('a ClusterIP balances across two ready backends', async () => {
  const ip = (await service()).spec!.clusterIP!;
  await eventually(() => expect(fetchFrom(c, `http://${ip}/`)).toMatch(/^[AB]$/));
  const seen = new Set(sample(c, `http://${ip}/`, 20));
  expect(seen).toEqual(new Set(['A', 'B']));
});

test('an unready backend gets no traffic, and scaling the endpoints updates the rules', async () => {
  const ip = (await service()).spec!.clusterIP!;
  await setSlice([[a, true], [b, false]]);
  await rulesFor(b, false);
  expect(new Set(sample(c, `http://${ip}/`, 10))).toEqual(new Set(['A']));
  await setSlice([[a, true], [b, true]]);
  await rulesFor(b, true);
  expect(new Set(sample(c, `http://${ip}/`, 16))).toEqual(new Set(['A', 'B']));
});

test('a NodePort answers from a pod and from the node', async () => {
  const np = (await service()).spec!.ports![0]!.nodePort!;
  expect(np).toBeGreaterThanOrEqual(30000);
  await eventually(() => expect(fetchFrom(c, `http://${net.gateway}:${np}/`)).toMatch(/^[AB]$/));
  expect(sh(`timeout 3 busybox wget -qO- http://127.0.0.1:${np}/ || true`).trim()).toMatch(/^[AB]$/);
});

test('hairpin: a backend reaches itself through its own service', async () => {
  const ip = (await service()).spec!.clusterIP!;
  await setSlice([[a, true]]);
  await rulesFor(b, false);
  expect(fetchFrom(a, `http://${ip}/`)).toBe('A');
  await setSlice([[a, true], [b, true]]);
  await rulesFor(b, true);
});

test('ClientIP session affinity sticks', async () => {
  const res = client.resource(ServiceKind).namespace('default');
  await res.patch('web', 'merge', { spec: { sessionAffinity: 'ClientIP' } });
  const ip = (await service()).spec!.clusterIP!;
  await eventually(() => expect(sh('iptables-save -t nat')).toContain('--rcheck --seconds 10800'), 20_000, 200);
  const got = sample(c, `http://${ip}/`, 10);
  expect(new Set(got).size).toBe(1);
});

test('a service without endpoints is rejected, not black-holed', async () => {
  await client.resource(ServiceKind).namespace('default').create({ metadata: { name: 'empty', namespace: 'default' }, spec: { ports: [{ port: 81, targetPort: 81, protocol: 'TCP' }] } });
  const ip = (await client.resource(ServiceKind).namespace('default').get('empty')).spec!.clusterIP!;
  await eventually(() => expect(sh('iptables-save -t filter')).toContain(`-d ${ip}/32`), 20_000, 200);
  // REJECT answers at once with "connection refused"; a black hole would only time out.
  const out = c.exec(`timeout 5 busybox wget -qO- http://${ip}:81/ 2>&1 || true`);
  expect(out).toMatch(/refused/i);
});

test('a pod resolves web.default.svc.cluster.local and web through cluster DNS, and fetches from it', async () => {
  const ip = (await service()).spec!.clusterIP!;
  // The DNS server runs in this process: query with run(), which does not block the event loop.
  await eventuallyAsync(async () => expect(await c.run('timeout 5 busybox nslookup web.default.svc.cluster.local 10.96.0.10 || true')).toContain(ip));
  expect(await c.run('timeout 5 busybox nslookup web || true')).toContain(ip);
  expect(await c.run('timeout 5 busybox wget -qO- http://web.default.svc.cluster.local/ || true')).toMatch(/^[AB]$/);
  expect(await c.run('timeout 5 busybox nslookup nope.default.svc.cluster.local 10.96.0.10 2>&1 || true')).toMatch(/NXDOMAIN|can't find/);
});

test('headless DNS returns the pod IPs', async () => {
  await client.resource(ServiceKind).namespace('default').create({ metadata: { name: 'db', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, targetPort: 5432, protocol: 'TCP' }] } });
  await client.resource(EndpointSliceKind).namespace('default').create({
    metadata: { name: 'db-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'IPv4',
    ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
    endpoints: [a, b].map((h) => ({ addresses: [h.ip], conditions: { ready: true } })),
  });
  await eventuallyAsync(async () => {
    const out = await c.run('timeout 5 busybox nslookup db.default.svc.cluster.local 10.96.0.10 || true');
    expect(out).toContain(a.ip);
    expect(out).toContain(b.ip);
  });
});
