// NetworkPolicy enforcement against real iptables: three "pods" (network namespaces on a bridge this test owns)
// registered as Pod objects with their IPs and labels; the proxy runs as system:kube-proxy (its RBAC is under test
// too) and policies are applied with kubectl, as the manifests in the Kubernetes docs are. Everything it creates
// (chains, jumps, namespaces, bridge) is removed afterwards.
import { NamespaceKind, PodKind, ServiceAccountKind, type Pod } from '@kubets/api';
import { RestClient, loadKubeconfig } from '@kubets/client';
import { startProxy, parseProxyFlags, cleanupAll, ExecIptables, type RunningProxy } from '@kubets/proxy';
import { lockHostIptables } from '../harness/host-lock';
import { startTestApiServer, eventually, type TestApiServer } from '../harness/apiserver';
import { createTestNet, serveText, sh, type TestNet, type TestHost } from '../harness/netns';

const prefix = '10.250.9';
const node = 'np-node';
let api: TestApiServer;
let net: TestNet;
let proxy: RunningProxy;
const ac = new AbortController();
let client: RestClient;
let web: TestHost, client1: TestHost, other: TestHost;
let unlock: (() => void) | undefined;
const savedSysctls: Record<string, string> = {};

/** true when an HTTP GET from `from` to host:port answers with `want` within 2 s. */
function reaches(from: TestHost, to: TestHost, port: number, want: string): boolean {
  try {
    return from.exec(`timeout 2 busybox wget -qO- http://${to.ip}:${port}/`).trim() === want;
  } catch {
    return false;
  }
}

/** Waits until reachability matches, for each [from, port, expected] (the rules follow the API within ~1 s). */
function expectReach(cases: Array<[TestHost, number, boolean]>, to: TestHost = web): Promise<boolean> {
  return eventually(() => cases.every(([from, port, ok]) => reaches(from, to, port, `${to === web ? 'WEB' : 'OTHER'}${port}`) === ok), 30_000, 200);
}

async function registerPod(h: TestHost, ns: string, name: string, labels: Record<string, string>): Promise<void> {
  const pod: Pod = {
    metadata: { name, namespace: ns, labels },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'alt', containerPort: 9090, protocol: 'TCP' }] }] },
  };
  const res = client.resource(PodKind).namespace(ns);
  const created = await res.create(pod);
  await res.updateStatus({ ...created, status: { phase: 'Running', podIP: h.ip, podIPs: [{ ip: h.ip }] } });
}

async function apply(yaml: string): Promise<void> {
  const r = await api.kubectl(['apply', '-f', '-'], { input: yaml });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

async function remove(ns: string, name: string): Promise<void> {
  const r = await api.kubectl(['delete', 'networkpolicy', name, '-n', ns]);
  expect(r.code).toBe(0);
}

beforeAll(async () => {
  unlock = await lockHostIptables();
  for (const s of ['net/ipv4/ip_forward', 'net/ipv4/conf/all/route_localnet']) savedSysctls[s] = sh(`cat /proc/sys/${s}`).trim();
  api = await startTestApiServer();
  client = new RestClient(loadKubeconfig(api.kubeconfig).config);
  net = createTestNet('ktsnp9', prefix);
  web = net.addHost('web', 10);
  client1 = net.addHost('cli', 11);
  other = net.addHost('oth', 12);
  for (const port of [8080, 9090]) {
    serveText(web, port, `WEB${port}`);
    serveText(other, port, `OTHER${port}`);
  }
  await client.resource(NamespaceKind).create({ metadata: { name: 'team-b', labels: { team: 'b' } } });
  for (const ns of ['default', 'team-b'])
    await client.resource(ServiceAccountKind).namespace(ns).create({ metadata: { name: 'default', namespace: ns } }).catch(() => undefined);
  await registerPod(web, 'default', 'web', { app: 'web' });
  await registerPod(client1, 'default', 'client', { role: 'client' });
  await registerPod(other, 'team-b', 'other', { role: 'client' });
  const cert = await api.pki.clientCert('system:kube-proxy');
  const kubeconfig = api.kubeconfigFor('kube-proxy', { cert: cert.certPem, key: cert.keyPem });
  const opts = parseProxyFlags([`--kubeconfig=${kubeconfig}`, `--hostname-override=${node}`, `--cluster-cidr=${prefix}.0/24`, '--metrics-bind-address=127.0.0.1:0', '--iptables-min-sync-period=100ms'])!;
  expect(opts.networkPolicy).toBe(true); // on by default
  proxy = await startProxy(opts, ac.signal);
}, 120_000);

afterAll(async () => {
  ac.abort();
  await proxy?.done;
  await cleanupAll(new ExecIptables());
  net?.cleanup();
  await api?.stop();
  for (const [s, v] of Object.entries(savedSysctls)) sh(`echo ${v} > /proc/sys/${s}`);
  unlock?.();
  expect(sh('iptables-save -t filter')).not.toContain('KTS-NETPOL');
});

test('no policy: every pod reaches every other pod (default allow); the jumps are in place', async () => {
  await expectReach([[client1, 8080, true], [other, 8080, true], [other, 9090, true]]);
  expect(reaches(web, other, 8080, 'OTHER8080')).toBe(true);
  const rules = sh('iptables-save -t filter');
  expect(rules).toMatch(/-A FORWARD .*-j KTS-NETPOL/);
  expect(rules).toMatch(/-A INPUT .*-j KTS-NETPOL/);
});

test('a default-deny ingress policy blocks everyone; deleting it restores traffic', async () => {
  // https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic
  await apply(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
spec:
  podSelector: {}
  policyTypes:
  - Ingress
`);
  await expectReach([[client1, 8080, false], [other, 8080, false]]);
  // client is in default too, so it is isolated as well; pods in team-b are not
  expect(reaches(web, other, 8080, 'OTHER8080')).toBe(true);
  // the host may always reach its pods (kubelet probes)
  expect(sh(`timeout 2 busybox wget -qO- http://${web.ip}:8080/ || true`).trim()).toBe('WEB8080');
  await remove('default', 'default-deny-ingress');
  await expectReach([[client1, 8080, true], [other, 8080, true]]);
});

test('allowing pods with a label lets exactly those through; namespaceSelector adds another namespace', async () => {
  await apply(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-clients
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - podSelector:
        matchLabels:
          role: client
`);
  // other has role=client too, but lives in team-b: a bare podSelector means the policy's namespace
  await expectReach([[client1, 8080, true], [other, 8080, false]]);
  await apply(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-team-b
  namespace: default
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          team: b
      podSelector:
        matchLabels:
          role: nobody
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: team-b
`);
  await expectReach([[client1, 8080, true], [other, 8080, true]]);
  await remove('default', 'web-from-team-b');
  await expectReach([[client1, 8080, true], [other, 8080, false]]);
  await remove('default', 'web-from-clients');
  await expectReach([[other, 8080, true]]);
});

test('ipBlock with except, restricted to one port (named)', async () => {
  await apply(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-from-block
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress]
  ingress:
  - from:
    - ipBlock:
        cidr: ${prefix}.0/24
        except:
        - ${prefix}.12/32
    ports:
    - protocol: TCP
      port: alt
`);
  await expectReach([[client1, 9090, true], [client1, 8080, false], [other, 9090, false], [other, 8080, false]]);
  await remove('default', 'web-from-block');
  await expectReach([[client1, 8080, true], [other, 9090, true]]);
});

test('port ranges with endPort', async () => {
  await apply(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-ports
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - ports:
    - protocol: TCP
      port: 9000
      endPort: 9100
`);
  await expectReach([[client1, 9090, true], [client1, 8080, false], [other, 9090, true], [other, 8080, false]]);
  await remove('default', 'web-ports');
  await expectReach([[client1, 8080, true]]);
});

test('egress deny: an isolated pod reaches only what its egress rules allow (the node included)', async () => {
  await apply(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: client-egress
spec:
  podSelector:
    matchLabels:
      role: client
  policyTypes:
  - Egress
  egress:
  - to:
    - podSelector:
        matchLabels:
          app: web
    ports:
    - protocol: TCP
      port: 9090
`);
  await expectReach([[client1, 9090, true], [client1, 8080, false], [other, 8080, true]]);
  // nothing else: not the other pod, not the node
  expect(reaches(client1, other, 8080, 'OTHER8080')).toBe(false);
  expect(client1.exec(`timeout 2 busybox wget -qO- http://${net.gateway}:1/ 2>&1 || true`)).not.toMatch(/refused/i);
  await remove('default', 'client-egress');
  await expectReach([[client1, 8080, true]]);
  expect(reaches(client1, other, 8080, 'OTHER8080')).toBe(true);
});
