// SharedInformerFactory: one informer (and so one list+watch) per (kind, namespace, selectors) per process.
import { setMaxListeners } from 'node:events';
import type { KindDef, KubeObject } from '@kubets/api';
import type { KubeClient } from '../interface';
import { type Clock, realClock } from '../clock';
import { type Logger, nopLogger } from '../log';
import { Informer, type InformerOptions } from './informer';
import type { Lister } from './lister';

export interface InformerScope {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface SharedInformerFactoryOptions {
  /** Resync period for informers created by this factory (ms; 0 disables, the default). */
  defaultResyncMs?: number;
  /** Restrict every informer to one namespace. */
  namespace?: string;
  clock?: Clock;
  logger?: Logger;
  freeze?: boolean;
  /** Per-kind customisation (indexers, transform), keyed by "group/version/plural". */
  informerOptions?: Record<string, Partial<InformerOptions<KubeObject>>>;
}

export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private signal: AbortSignal | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(
    readonly client: KubeClient,
    private readonly opts: SharedInformerFactoryOptions = {},
  ) {
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? nopLogger;
  }

  private keyFor(kind: KindDef, scope: InformerScope): string {
    const ns = kind.namespaced ? (scope.namespace ?? this.opts.namespace ?? '') : '';
    return `${kind.group}/${kind.version}/${kind.plural}|${ns}|${scope.labelSelector ?? ''}|${scope.fieldSelector ?? ''}`;
  }

  /** The shared informer for a kind and scope; created on first request, started at once if the factory is started. */
  informerFor<T extends KubeObject>(kind: KindDef<T>, scope: InformerScope = {}): Informer<T> {
    const k = this.keyFor(kind as unknown as KindDef, scope);
    let inf = this.informers.get(k) as Informer<T> | undefined;
    if (!inf) {
      const ns = kind.namespaced ? (scope.namespace ?? this.opts.namespace ?? '') : '';
      let res = this.client.resource(kind);
      if (ns) res = res.namespace(ns);
      const extra = this.opts.informerOptions?.[`${kind.group}/${kind.version}/${kind.plural}`] as Partial<InformerOptions<T>> | undefined;
      inf = new Informer<T>(res, {
        resyncPeriodMs: this.opts.defaultResyncMs ?? 0,
        clock: this.clock,
        logger: this.logger,
        ...(this.opts.freeze !== undefined ? { freeze: this.opts.freeze } : {}),
        ...(scope.labelSelector ? { labelSelector: scope.labelSelector } : {}),
        ...(scope.fieldSelector ? { fieldSelector: scope.fieldSelector } : {}),
        ...(extra ?? {}),
      });
      this.informers.set(k, inf as unknown as Informer<KubeObject>);
      if (this.signal) inf.start(this.signal);
    }
    return inf;
  }

  lister<T extends KubeObject>(kind: KindDef<T>, scope: InformerScope = {}): Lister<T> {
    return this.informerFor(kind, scope).lister;
  }

  /** Starts every informer; informers requested later start immediately. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    // every informer (and its reflector) listens for this one abort: a dozen are expected, not a leak
    setMaxListeners(0, signal);
    for (const inf of this.informers.values()) inf.start(signal);
  }

  /** Waits for every informer created so far to sync; false if the signal aborts first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves when every started informer has stopped (abort the start() signal first). */
  async shutdown(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stoppedPromise()));
  }

  informerCount(): number {
    return this.informers.size;
  }
}
