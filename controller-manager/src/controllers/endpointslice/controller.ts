// EndpointSlice controller (pkg/controller/endpointslice): discovery.k8s.io/v1 EndpointSlices for every selector
// Service, owned by the Service, labelled kubernetes.io/service-name and managed-by endpointslice-controller.k8s.io.
// A tracker remembers the resourceVersions this controller wrote so a sync against a stale cache waits for the
// informer instead of creating duplicate slices (upstream EndpointSliceTracker).
import { EndpointSliceKind, hasReason, NodeKind, PodKind, ServiceKind, type EndpointSlice, type Node, type Pod, type ReadOnly, type Service } from '@kubets/api';
import type { Informer, KubeClient, Lister, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { errMessage, type EventSink } from '../../controller/pod-control';
import { splitObjKey } from '../../controller/owner';
import type { InformerSource } from '../../controller/informer-source';
import { podEndpointsChanged, selectorMatches, serviceHasSelector, serviceKeysForPodChange, lastChangeTriggerTime, LastChangeTriggerTimeAnnotation } from '../endpoints/pod-endpoints';
import { ControllerName, DefaultMaxEndpointsPerSlice, ManagedByLabel, ServiceNameLabel, ZoneLabel, desiredEndpoints, planSlices } from './reconcile';

export interface EndpointSliceControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
  maxEndpointsPerSlice?: number;
}

/** Per service: slice name → resourceVersion we wrote, or 'deleted'. */
class SliceTracker {
  private readonly m = new Map<string, Map<string, string>>();
  expect(svcKey: string, slice: string, rv: string): void {
    let s = this.m.get(svcKey);
    if (!s) this.m.set(svcKey, (s = new Map()));
    s.set(slice, rv);
  }
  /** True when the cache is behind what we wrote; forgets entries the cache has caught up with. */
  stale(svcKey: string, cached: (name: string) => ReadOnly<EndpointSlice> | undefined): boolean {
    const s = this.m.get(svcKey);
    if (!s) return false;
    let stale = false;
    for (const [name, rv] of s) {
      const c = cached(name);
      const caughtUp = rv === 'deleted' ? !c : !!c && Number(c.metadata.resourceVersion ?? 0) >= Number(rv);
      if (caughtUp) s.delete(name);
      else stale = true;
    }
    if (s.size === 0) this.m.delete(svcKey);
    return stale;
  }
  forget(svcKey: string): void {
    this.m.delete(svcKey);
  }
}

export class EndpointSliceController extends BaseController {
  private readonly services: Lister<Service>;
  private readonly pods: Lister<Pod>;
  private readonly nodes: Lister<Node>;
  private readonly slices: Lister<EndpointSlice>;
  private readonly api: ResourceInterface<EndpointSlice>;
  private readonly recorder: EventSink;
  private readonly tracker = new SliceTracker();
  private readonly maxPerSlice: number;

  constructor(opts: EndpointSliceControllerOptions) {
    super('endpointslice', opts);
    this.recorder = opts.recorder;
    this.maxPerSlice = opts.maxEndpointsPerSlice ?? DefaultMaxEndpointsPerSlice;
    this.api = opts.client.resource(EndpointSliceKind);
    const svcInf: Informer<Service> = opts.informers.informerFor(ServiceKind);
    const podInf: Informer<Pod> = opts.informers.informerFor(PodKind);
    const nodeInf: Informer<Node> = opts.informers.informerFor(NodeKind);
    const sliceInf: Informer<EndpointSlice> = opts.informers.informerFor(EndpointSliceKind);
    this.services = svcInf.lister;
    this.pods = podInf.lister;
    this.nodes = nodeInf.lister;
    this.slices = sliceInf.lister;
    this.syncables.push(svcInf, podInf, nodeInf, sliceInf);
    svcInf.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => this.enqueue(s) });
    podInf.addEventHandler({
      onAdd: (p) => this.enqueuePod(undefined, p),
      onUpdate: (o, p) => {
        if (podEndpointsChanged(o, p)) this.enqueuePod(o, p);
      },
      onDelete: (p) => this.enqueuePod(undefined, p),
    });
    nodeInf.addEventHandler({
      onUpdate: (o, n) => {
        if (o.metadata.labels?.[ZoneLabel] === n.metadata.labels?.[ZoneLabel]) return;
        for (const p of podInf.indexer.byIndex('spec.nodeName', n.metadata.name ?? '')) this.enqueuePod(undefined, p);
      },
    });
    const onSlice = (s: ReadOnly<EndpointSlice>) => {
      const svc = s.metadata.labels?.[ServiceNameLabel];
      if (svc && s.metadata.labels?.[ManagedByLabel] === ControllerName) this.queue.add(`${s.metadata.namespace ?? ''}/${svc}`);
    };
    sliceInf.addEventHandler({ onAdd: onSlice, onUpdate: (_o, s) => onSlice(s), onDelete: onSlice });
  }

  private enqueuePod(old: ReadOnly<Pod> | undefined, p: ReadOnly<Pod>): void {
    for (const k of serviceKeysForPodChange(this.services, old, p)) this.queue.add(k);
  }

  private managedSlices(namespace: string, name: string): ReadOnly<EndpointSlice>[] {
    return this.slices.namespace(namespace).list((l) => l?.[ServiceNameLabel] === name && l?.[ManagedByLabel] === ControllerName);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitObjKey(key);
    const ns = this.api.namespace(namespace);
    const svc = this.services.get(key);
    if (!svc || !serviceHasSelector(svc)) {
      // deleted (or no longer selecting): its managed slices go
      for (const s of this.managedSlices(namespace, name)) {
        try {
          await ns.delete(s.metadata.name ?? '');
        } catch (e) {
          if (!hasReason(e, 'NotFound')) throw e;
        }
      }
      if (!svc) this.tracker.forget(key);
      return;
    }
    if (this.tracker.stale(key, (n) => this.slices.namespace(namespace).get(n))) {
      this.logger.v(4).info('Slice cache is stale; waiting for the informer', { key });
      this.queue.addAfter(key, 1000);
      return;
    }
    const existing = this.managedSlices(namespace, name).filter((s) => s.addressType === 'IPv4');
    const pods = this.pods.namespace(namespace).list((labels) => selectorMatches(svc.spec?.selector, labels));
    const desired = desiredEndpoints(svc, pods, (n) => this.nodes.get(n));
    const plan = planSlices(svc, existing, desired, this.maxPerSlice);
    if (!plan.create.length && !plan.update.length && !plan.delete.length) return;
    const trigger = lastChangeTriggerTime(svc, pods);
    const annotate = (s: EndpointSlice) => {
      const a = { ...(s.metadata.annotations ?? {}) };
      if (trigger) a[LastChangeTriggerTimeAnnotation] = trigger;
      s.metadata.annotations = a;
    };
    try {
      for (const s of plan.create) {
        annotate(s);
        const created = await ns.create(s);
        this.tracker.expect(key, created.metadata.name ?? '', created.metadata.resourceVersion ?? '0');
      }
      for (const s of plan.update) {
        annotate(s);
        const updated = await ns.update(s);
        this.tracker.expect(key, updated.metadata.name ?? '', updated.metadata.resourceVersion ?? '0');
      }
      for (const s of plan.delete) {
        try {
          await ns.delete(s.metadata.name ?? '');
        } catch (e) {
          if (!hasReason(e, 'NotFound')) throw e;
        }
        this.tracker.expect(key, s.metadata.name ?? '', 'deleted');
      }
    } catch (e) {
      if (hasReason(e, 'Forbidden') && errMessage(e).includes('being terminated')) return;
      this.recorder.event(svc as Service, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${key}: ${errMessage(e)}`);
      throw e;
    }
    this.logger.v(4).info('Synced endpoint slices', { key, created: plan.create.length, updated: plan.update.length, deleted: plan.delete.length });
  }
}
