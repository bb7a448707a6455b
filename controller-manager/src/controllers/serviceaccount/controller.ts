// ServiceAccounts controller (pkg/controller/serviceaccount): every active namespace has a `default`
// ServiceAccount; it is recreated when deleted. Namespaces being deleted are skipped.
import { NamespaceKind, ServiceAccountKind, hasReason, type Namespace, type ReadOnly, type ServiceAccount } from '@kubets/api';
import type { Informer, KubeClient, Lister, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { errMessage, type EventSink } from '../../controller/pod-control';
import type { InformerSource } from '../../controller/informer-source';

export interface ServiceAccountsControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
  /** Service accounts every namespace gets (default ["default"]). */
  serviceAccounts?: string[];
}

export class ServiceAccountsController extends BaseController {
  private readonly namespaces: Lister<Namespace>;
  private readonly accounts: Lister<ServiceAccount>;
  private readonly api: ResourceInterface<ServiceAccount>;
  private readonly recorder: EventSink;
  private readonly names: string[];

  constructor(opts: ServiceAccountsControllerOptions) {
    super('serviceaccount', opts);
    this.recorder = opts.recorder;
    this.names = opts.serviceAccounts ?? ['default'];
    this.api = opts.client.resource(ServiceAccountKind);
    const nsInf: Informer<Namespace> = opts.informers.informerFor(NamespaceKind);
    const saInf: Informer<ServiceAccount> = opts.informers.informerFor(ServiceAccountKind);
    this.namespaces = nsInf.lister;
    this.accounts = saInf.lister;
    this.syncables.push(nsInf, saInf);
    nsInf.addEventHandler({ onAdd: (ns) => this.enqueue(ns), onUpdate: (_o, ns) => this.enqueue(ns) });
    saInf.addEventHandler({
      onDelete: (sa: ReadOnly<ServiceAccount>) => {
        if (this.names.includes(sa.metadata.name ?? '')) this.queue.add(sa.metadata.namespace ?? '');
      },
    });
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(namespace);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    for (const name of this.names) {
      if (this.accounts.namespace(namespace).get(name)) continue;
      try {
        await this.api.namespace(namespace).create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
        this.logger.v(2).info('Created service account', { namespace, name });
      } catch (e) {
        if (hasReason(e, 'AlreadyExists')) continue;
        // namespace going away: nothing to do
        if ((hasReason(e, 'Forbidden') && errMessage(e).includes('being terminated')) || hasReason(e, 'NotFound')) return;
        this.recorder.event(ns as Namespace, 'Warning', 'FailedCreate', `Error creating service account ${namespace}/${name}: ${errMessage(e)}`);
        throw e;
      }
    }
  }
}
