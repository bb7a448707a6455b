// An in-memory cluster around a Scheduler: the RecordingClient's bind/delete feed back into the
// scheduler's event handlers as an informer would, so full cycles (including preemption) can be tested.
import { Scheduler, type SchedulerOptions } from '../core/scheduler';
import { FakeClock } from '../util/clock';
import { RecordingClient } from './builders';
import type { Node, Pod } from '../types';
import { podKey } from '../types';
import { ExplainStore } from '../explain/store';

export class Harness {
  readonly client = new RecordingClient();
  readonly clock = new FakeClock();
  readonly explain = new ExplainStore();
  readonly sched: Scheduler;
  readonly pods = new Map<string, Pod>();

  constructor(opts: Partial<SchedulerOptions> = {}, nodes: Node[] = []) {
    this.sched = new Scheduler({ client: this.client, clock: this.clock, explain: this.explain, rng: () => 0, ...opts });
    this.client.onBind = (pod, node) => {
      const cur = this.pods.get(podKey(pod)) ?? pod;
      const bound: Pod = { ...cur, spec: { ...cur.spec, nodeName: node }, status: { ...cur.status, phase: 'Running' } };
      this.pods.set(podKey(pod), bound);
      this.sched.onPodUpdate(cur, bound);
    };
    this.client.onDelete = (pod) => {
      const cur = this.pods.get(podKey(pod));
      if (!cur) return;
      this.pods.delete(podKey(pod));
      this.sched.onPodDelete(cur);
    };
    const origUpdate = this.client.updatePodStatus.bind(this.client);
    this.client.updatePodStatus = async (pod, update) => {
      await origUpdate(pod, update);
      const cur = this.pods.get(podKey(pod));
      if (!cur) return;
      const conditions = [...(cur.status?.conditions ?? []).filter((c) => c.type !== update.condition?.type), ...(update.condition ? [update.condition] : [])];
      const status = { ...cur.status, conditions };
      if (update.nominatedNodeName !== undefined) {
        if (update.nominatedNodeName) status.nominatedNodeName = update.nominatedNodeName;
        else delete status.nominatedNodeName;
      }
      const next: Pod = { ...cur, status };
      this.pods.set(podKey(pod), next);
      this.sched.onPodUpdate(cur, next);
    };
    for (const n of nodes) this.sched.onNodeAdd(n);
  }

  addPod(p: Pod): Pod {
    this.pods.set(podKey(p), p);
    this.sched.onPodAdd(p);
    return p;
  }

  /** Schedules until activeQ is empty and bindings settled (repeats: bindings may wake pods). */
  async settle(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      const n = await this.sched.scheduleAllPending();
      await this.sched.waitForBindings();
      await new Promise((r) => setImmediate(r));
      if (n === 0 && this.sched.queue.counts().active === 0) return;
    }
  }

  nodeOf(name: string, ns = 'default'): string | undefined {
    return this.pods.get(`${ns}/${name}`)?.spec?.nodeName;
  }
  lastEvent(name: string, ns = 'default') {
    return [...this.client.events].reverse().find((e) => e.pod === `${ns}/${name}`);
  }
  condition(name: string, ns = 'default') {
    return this.pods.get(`${ns}/${name}`)?.status?.conditions?.find((c) => c.type === 'PodScheduled');
  }
}
