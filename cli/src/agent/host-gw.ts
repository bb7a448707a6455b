// host-gw pod routing (like flannel's host-gw backend): for every other Node with a pod CIDR and an InternalIP on a
// directly connected network, `ip route replace <podCIDR> via <InternalIP>`; routes go away with their Node (and,
// for dev clusters, when the agent stops). Nodes behind a router (not on-link) are skipped with a warning: host-gw needs one L2 segment.
import { execFileSync } from 'node:child_process';
import { NodeKind, type Node, type ReadOnly } from '@kubets/api';
import { SharedInformerFactory, type KubeClient } from '@kubets/client';

export interface RouteRunner {
  /** true when `ip` is reachable without a gateway */
  onLink(ip: string): boolean;
  replace(cidr: string, via: string): void;
  remove(cidr: string, via: string): void;
}

export const ipRoutes: RouteRunner = {
  onLink(ip) {
    try {
      const out = execFileSync('ip', ['route', 'get', ip], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return !/\bvia\b/.test(out) && !/^local\b/.test(out);
    } catch {
      return false;
    }
  },
  replace(cidr, via) {
    execFileSync('ip', ['route', 'replace', cidr, 'via', via], { stdio: 'ignore' });
  },
  remove(cidr, via) {
    try {
      execFileSync('ip', ['route', 'del', cidr, 'via', via], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  },
};

function routeOf(n: ReadOnly<Node>): { cidr: string; via: string } | undefined {
  const cidr = n.spec?.podCIDR;
  const via = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  return cidr && via ? { cidr, via } : undefined;
}

/** Keeps the routes in step with the Nodes until `signal` aborts; then removes the routes it added. */
export class HostGateway {
  private readonly routes = new Map<string, { cidr: string; via: string }>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly self: string,
    private readonly runner: RouteRunner = ipRoutes,
    private readonly log: (msg: string, kv: Record<string, unknown>) => void = () => undefined,
  ) {}

  set(n: ReadOnly<Node>): void {
    const name = n.metadata.name ?? '';
    if (name === this.self) return;
    const want = routeOf(n);
    const have = this.routes.get(name);
    if (have && (!want || have.cidr !== want.cidr || have.via !== want.via)) this.delete(n);
    if (!want || (have && have.cidr === want.cidr && have.via === want.via)) return;
    if (!this.runner.onLink(want.via)) {
      if (!this.warned.has(name)) this.log('host-gw: node is not on a directly connected network; no route to its pods', { node: name, ip: want.via });
      this.warned.add(name);
      return;
    }
    try {
      this.runner.replace(want.cidr, want.via);
      this.routes.set(name, want);
      this.log('host-gw: route added', { node: name, podCIDR: want.cidr, via: want.via });
    } catch (e) {
      this.log('host-gw: adding route failed', { node: name, err: (e as Error).message });
    }
  }

  delete(n: ReadOnly<Node>): void {
    const name = n.metadata.name ?? '';
    const have = this.routes.get(name);
    if (!have) return;
    this.runner.remove(have.cidr, have.via);
    this.routes.delete(name);
  }

  removeAll(): void {
    for (const r of this.routes.values()) this.runner.remove(r.cidr, r.via);
    this.routes.clear();
  }

  /**
   * Watches Nodes with `client`; resolves once stopped after `signal` aborts. With `removeOnStop` the routes go too
   * (dev clusters); otherwise they stay, so pod traffic keeps flowing while an agent restarts.
   */
  run(client: KubeClient, signal: AbortSignal, removeOnStop: boolean): Promise<void> {
    const factory = new SharedInformerFactory(client);
    factory.informerFor(NodeKind).addEventHandler({
      onAdd: (n) => this.set(n),
      onUpdate: (_o, n) => this.set(n),
      onDelete: (n) => this.delete(n),
    });
    factory.start(signal);
    return new Promise<void>((resolve) => {
      const stop = (): void => {
        void factory.shutdown().finally(() => {
          if (removeOnStop) this.removeAll();
          resolve();
        });
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
  }
}
