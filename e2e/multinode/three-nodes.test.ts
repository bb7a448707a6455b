// `kts up --nodes 3`: three nodes, each a `kts agent` in its own netns; pods on different nodes reach each other by
// pod IP (host-gw routes), a Service reaches backends across nodes, and killing a node's agent makes it NotReady and
// its pods get replaced on the others. Clients run inside pods (kubectl exec) or in the nodes' netns.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnKts, type KtsProcess } from '../harness/kts';

const repoRoot = path.resolve(__dirname, '..', '..');
const cidrOctet = 200 + (process.pid % 40); // cluster CIDR 10.<octet>.0.0/16, unique per run

interface PodInfo {
  name: string;
  node: string;
  ip: string;
  phase: string;
  deleting: boolean;
}

describe('kts up --nodes 3', () => {
  let dataDir: string;
  let up: KtsProcess;
  let env: NodeJS.ProcessEnv;

  const kubectl = (args: string[], input?: string): string =>
    execFileSync('kubectl', args, { env, encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 });

  const pods = (): PodInfo[] => {
    const list = JSON.parse(kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: Array<{ metadata: { name: string; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { podIP?: string; phase?: string; conditions?: Array<{ type: string; status: string }> } }> };
    return list.items.map((p) => ({
      name: p.metadata.name,
      node: p.spec.nodeName ?? '',
      ip: p.status.podIP ?? '',
      phase: p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : p.status.phase ?? '',
      deleting: !!p.metadata.deletionTimestamp,
    }));
  };

  const nodeReady = (): Record<string, string> => {
    const list = JSON.parse(kubectl(['get', 'nodes', '-o', 'json'])) as { items: Array<{ metadata: { name: string }; status: { conditions?: Array<{ type: string; status: string }> } }> };
    return Object.fromEntries(list.items.map((n) => [n.metadata.name, n.status.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown']));
  };

  const until = async <T>(fn: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const t0 = Date.now();
    let last: unknown;
    for (;;) {
      try {
        const v = fn();
        if (v !== undefined) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  };

  /** HTTP GET through busybox nc from inside a pod; returns the body's last line. */
  const httpFrom = (pod: string, host: string, port: number): string =>
    kubectl(['exec', pod, '--', 'sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${host} ${port}`]).trim().split('\n').pop() ?? '';

  beforeAll(async () => {
    execFileSync('sh', [path.join(repoRoot, 'deploy', 'net-guard.sh'), 'apply']);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-3nodes-'));
    up = spawnKts(['up', '--nodes=3', `--data-dir=${dataDir}`, '--port=0', `--cluster-cidr=10.${cidrOctet}.0.0/16`, '--node-monitor-grace-period=10s']);
    await up.waitFor('Cluster is up', 240_000);
    env = { ...process.env, KUBECONFIG: path.join(dataDir, 'kubeconfig') };
  }, 300_000);

  afterAll(async () => {
    await up?.stop('SIGINT', 120_000);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 180_000);

  it('has three Ready nodes', () => {
    const nodes = nodeReady();
    expect(Object.keys(nodes).sort()).toHaveLength(3);
    expect(Object.values(nodes).every((s) => s === 'True')).toBe(true);
  });

  it('pods on different nodes reach each other by pod IP, and a Service reaches backends across nodes', async () => {
    const tolerate = [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 },
    ];
    const manifest = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'default' },
          spec: {
            replicas: 6,
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: {
                terminationGracePeriodSeconds: 1,
                tolerations: tolerate,
                containers: [{ name: 'web', image: 'busybox', command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www'] }],
              },
            },
          },
        },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
      ],
    };
    for (const o of manifest.items) kubectl(['apply', '-f', '-'], JSON.stringify(o));
    const ready = await until(() => {
      const p = pods().filter((x) => x.phase === 'Ready' && !x.deleting);
      return p.length === 6 ? p : undefined;
    }, 120_000, '6 ready web pods');
    const byNode = new Map<string, PodInfo[]>();
    for (const p of ready) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p]);
    expect(byNode.size).toBeGreaterThanOrEqual(2);
    const [from, ...others] = [...byNode.values()].map((l) => l[0]!);
    for (const to of others) expect(httpFrom(from!.name, to.ip, 8080)).toBe(to.name);
    // the Service (by DNS name) reaches pods on more than one node — once every node's proxy has programmed it and
    // cluster DNS knows the name: wait for that, not for luck
    const seen = new Set<string>();
    let lastError = '';
    await until(() => {
      try {
        const node = ready.find((p) => p.name === httpFrom(from!.name, 'web', 80))?.node;
        if (node) seen.add(node);
      } catch (e) {
        lastError = (e as Error).message; // not programmed yet
      }
      if (seen.size >= 2) return true;
      if (lastError) throw new Error(`seen ${[...seen].join(',') || 'none'}; last error: ${lastError}`);
      return undefined;
    }, 60_000, 'the web Service reaching pods on two nodes');
    expect(seen.size).toBeGreaterThanOrEqual(2);
  }, 240_000);

  it('a node whose agent dies goes NotReady and its pods are replaced on the other nodes', async () => {
    const nodes = JSON.parse(fs.readFileSync(path.join(dataDir, 'nodes', 'nodes.json'), 'utf8')) as Array<{ name: string; pid: number }>;
    const victimNode = [...new Set(pods().filter((p) => !p.deleting).map((p) => p.node))].sort()[0]!;
    const victim = nodes.find((x) => x.name === victimNode);
    if (!victim) throw new Error(`no web pods to pick a node from (${victimNode})`);
    process.kill(victim.pid, 'SIGKILL');
    await until(() => (nodeReady()[victim.name] !== 'True' ? true : undefined), 90_000, `${victim.name} NotReady`);
    await until(() => {
      const live = pods().filter((p) => p.phase === 'Ready' && !p.deleting && p.node !== victim.name);
      return live.length === 6 ? live : undefined;
    }, 150_000, '6 ready pods on the remaining nodes').catch((e: Error) => {
      let state = '';
      try {
        state = `\nnodes ${JSON.stringify(nodeReady())}\npods ${JSON.stringify(pods())}`;
      } catch {
        /* cluster gone */
      }
      throw new Error(`${e.message}${state}`);
    });
  }, 300_000);
});
