// Unit-test harness: FakeClient + FakeClock + a SharedInformerFactory (frozen caches, so a controller mutating a
// cached object fails loudly) + an event log. Tests call controller.sync(key) and settle() to let informers catch up.
import type { KindDef, KubeObject, Pod, Node } from '@kubets/api';
import { PodKind, NodeKind } from '@kubets/api';
import { FakeClient, FakeClock, SharedInformerFactory, flushPromises, rfc3339 } from '@kubets/client';
import type { EventSink } from '../controller/pod-control';

export interface RecordedEvent {
  kind?: string;
  name?: string;
  type: string;
  reason: string;
  message: string;
}

export class Harness {
  readonly clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  readonly client = new FakeClient({ clock: this.clock });
  readonly informers = new SharedInformerFactory(this.client, { clock: this.clock, freeze: true });
  readonly events: RecordedEvent[] = [];
  readonly recorder: EventSink = {
    event: (obj: KubeObject, type: string, reason: string, message: string) => {
      this.events.push({ kind: obj.kind, name: obj.metadata.name, type, reason, message });
    },
  };
  private readonly ac = new AbortController();
  get signal(): AbortSignal {
    return this.ac.signal;
  }

  async start(): Promise<void> {
    this.informers.start(this.ac.signal);
    await this.informers.waitForCacheSync();
  }

  /** Lets watch events reach the informers. */
  async settle(): Promise<void> {
    await flushPromises(10);
  }

  stop(): void {
    this.ac.abort();
  }

  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }

  async list<T extends KubeObject>(kind: KindDef<T>, ns = 'default'): Promise<T[]> {
    const r = kind.namespaced ? this.client.resource(kind).namespace(ns) : this.client.resource(kind);
    return (await r.list()).items;
  }

  async pods(ns = 'default'): Promise<Pod[]> {
    return this.list(PodKind, ns);
  }

  async get<T extends KubeObject>(kind: KindDef<T>, name: string, ns = 'default'): Promise<T> {
    const r = kind.namespaced ? this.client.resource(kind).namespace(ns) : this.client.resource(kind);
    return r.get(name);
  }

  /** Marks pods Running and Ready (as a kubelet would), ready since `readySince` (ms; default now). */
  async makeReady(pods: Pod[], readySince = this.clock.now(), node: string | null = 'node-1'): Promise<void> {
    const api = this.client.resource(PodKind);
    for (const p of pods) {
      const ns = api.namespace(p.metadata.namespace ?? 'default');
      const live = await ns.get(p.metadata.name ?? '');
      if (node && !live.spec?.nodeName) await ns.bind(p.metadata.name ?? '', { name: node });
      const cur = await ns.get(p.metadata.name ?? '');
      cur.status = {
        ...cur.status,
        phase: 'Running',
        conditions: [
          ...(cur.status?.conditions ?? []).filter((c) => c.type !== 'Ready'),
          { type: 'Ready', status: 'True', lastTransitionTime: rfc3339(readySince) },
        ],
      };
      await ns.updateStatus(cur);
    }
  }

  async setPhase(p: Pod, phase: 'Succeeded' | 'Failed' | 'Running' | 'Pending'): Promise<void> {
    const ns = this.client.resource(PodKind).namespace(p.metadata.namespace ?? 'default');
    const cur = await ns.get(p.metadata.name ?? '');
    cur.status = { ...cur.status, phase };
    await ns.updateStatus(cur);
  }

  async addNode(name: string, extra: Partial<Node> = {}): Promise<Node> {
    const n: Node = {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.metadata?.labels ?? {}) } },
      spec: { ...(extra.spec ?? {}) },
      status: { conditions: [{ type: 'Ready', status: 'True' }], ...(extra.status ?? {}) },
    };
    return this.client.resource(NodeKind).create(n);
  }
}

export function labels(o: { metadata: { labels?: Record<string, string> } }): Record<string, string> {
  return o.metadata.labels ?? {};
}
