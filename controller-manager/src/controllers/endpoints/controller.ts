// Endpoints controller (pkg/controller/endpoint): keeps one core/v1 Endpoints per selector Service in step with
// the pods it selects. Services without a selector are left alone (their Endpoints are managed by users);
// the Endpoints of a deleted Service are deleted.
import { EndpointsKind, hasReason, PodKind, ServiceKind, type Endpoints, type Pod, type ReadOnly, type Service } from '@kubets/api';
import type { Informer, KubeClient, Lister, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { errMessage, type EventSink } from '../../controller/pod-control';
import { splitObjKey } from '../../controller/owner';
import type { InformerSource } from '../../controller/informer-source';
import { buildSubsets } from './subsets';
import { HeadlessServiceLabel, LastChangeTriggerTimeAnnotation, isHeadlessService, lastChangeTriggerTime, podEndpointsChanged, selectorMatches, serviceHasSelector, serviceKeysForPodChange } from './pod-endpoints';

export interface EndpointsControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
}

function sameMap(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => a?.[k] === b?.[k]);
}

/** The labels an Endpoints object carries: the service's, plus service.kubernetes.io/headless for headless ones. */
export function endpointsLabels(svc: ReadOnly<Service>): Record<string, string> {
  const l: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  if (isHeadlessService(svc)) l[HeadlessServiceLabel] = '';
  else delete l[HeadlessServiceLabel];
  return l;
}

export class EndpointsController extends BaseController {
  private readonly services: Lister<Service>;
  private readonly pods: Lister<Pod>;
  private readonly endpoints: Lister<Endpoints>;
  private readonly api: ResourceInterface<Endpoints>;
  private readonly recorder: EventSink;

  constructor(opts: EndpointsControllerOptions) {
    super('endpoint', opts);
    this.recorder = opts.recorder;
    this.api = opts.client.resource(EndpointsKind);
    const svcInf: Informer<Service> = opts.informers.informerFor(ServiceKind);
    const podInf: Informer<Pod> = opts.informers.informerFor(PodKind);
    const epInf: Informer<Endpoints> = opts.informers.informerFor(EndpointsKind);
    this.services = svcInf.lister;
    this.pods = podInf.lister;
    this.endpoints = epInf.lister;
    this.syncables.push(svcInf, podInf, epInf);
    svcInf.addEventHandler({
      onAdd: (s) => this.enqueue(s),
      onUpdate: (_o, s) => this.enqueue(s),
      onDelete: (s) => this.enqueue(s),
    });
    podInf.addEventHandler({
      onAdd: (p) => this.enqueuePod(undefined, p),
      onUpdate: (o, p) => {
        if (podEndpointsChanged(o, p)) this.enqueuePod(o, p);
      },
      onDelete: (p) => this.enqueuePod(undefined, p),
    });
    epInf.addEventHandler({ onDelete: (e) => this.enqueue(e) });
  }

  private enqueuePod(old: ReadOnly<Pod> | undefined, p: ReadOnly<Pod>): void {
    for (const k of serviceKeysForPodChange(this.services, old, p)) this.queue.add(k);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitObjKey(key);
    const svc = this.services.get(key);
    if (!svc) {
      // The service is gone: so are its Endpoints (selector-less or not; upstream deletes them too).
      try {
        await this.api.namespace(namespace).delete(name);
        this.logger.v(2).info('Deleted endpoints of deleted service', { key });
      } catch (e) {
        if (!hasReason(e, 'NotFound')) throw e;
      }
      return;
    }
    if (!serviceHasSelector(svc)) return; // user-managed Endpoints
    const sel = svc.spec?.selector;
    const pods = this.pods.namespace(namespace).list((labels) => selectorMatches(sel, labels));
    const subsets = buildSubsets(svc, pods);
    const labels = endpointsLabels(svc);
    const current = this.endpoints.get(key);
    if (current && JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets) && sameMap(current.metadata.labels, labels)) return;

    const next: Endpoints = current
      ? (structuredClone(current) as Endpoints)
      : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
    next.subsets = subsets;
    next.metadata.labels = labels;
    const annotations = { ...(next.metadata.annotations ?? {}) };
    const trigger = lastChangeTriggerTime(svc, pods);
    if (trigger) annotations[LastChangeTriggerTimeAnnotation] = trigger;
    else delete annotations[LastChangeTriggerTimeAnnotation];
    next.metadata.annotations = annotations;
    try {
      if (current) await this.api.namespace(namespace).update(next);
      else await this.api.namespace(namespace).create(next);
    } catch (e) {
      // namespace being deleted: nothing to do
      if (!current && hasReason(e, 'Forbidden') && errMessage(e).includes('being terminated')) return;
      this.recorder.event(svc as Service, 'Warning', current ? 'FailedToUpdateEndpoint' : 'FailedToCreateEndpoint', `Failed to ${current ? 'update' : 'create'} endpoint ${key}: ${errMessage(e)}`);
      throw e;
    }
    this.logger.v(4).info('Synced endpoints', { key, subsets: subsets.length });
  }
}

/** Starts the endpoints controller ("endpoint" in --controllers). */
export function newEndpointsController(opts: EndpointsControllerOptions): EndpointsController {
  return new EndpointsController(opts);
}
