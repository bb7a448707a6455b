// HorizontalPodAutoscaler controller (pkg/controller/podautoscaler): every sync period each HPA reads its target's
// /scale, its pods (informer) and their usage (metrics.k8s.io), computes the replicas each metric asks for
// (replica-calculator.ts), stabilizes and limits them (normalize.ts), rescales the target when that differs, and
// writes status (currentReplicas, desiredReplicas, currentMetrics, AbleToScale/ScalingActive/ScalingLimited).
// Supported metric sources: Resource and ContainerResource (Utilization, AverageValue); others report
// ScalingActive=False.
import {
  allKinds,
  PodKind,
  HorizontalPodAutoscalerKind,
  parseLabelSelector,
  formatQuantity,
  tryParseQuantity,
  type HorizontalPodAutoscaler,
  type HorizontalPodAutoscalerCondition,
  type KindDef,
  type MetricSpec,
  type MetricStatus,
  type Pod,
  type ReadOnly,
} from '@kubets/api';
import { rfc3339, type Informer, type KubeClient, type ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import { errMessage, type EventSink } from '../../controller/pod-control';
import type { InformerSource } from '../../controller/informer-source';
import { semanticEqual } from '../../controller/hash';
import { resourceReplicas, DEFAULT_TOLERANCE } from './replica-calculator';
import { stabilize, limit, type Recommendation } from './normalize';
import { setCondition } from './conditions';
import type { ResourceMetricsSource } from './metrics-client';

type HPA = HorizontalPodAutoscaler;

export interface PodAutoscalerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
  metricsSource: ResourceMetricsSource;
  /** --horizontal-pod-autoscaler-sync-period (default 15 s) */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (default 5 min) */
  downscaleStabilizationMs?: number;
  /** --horizontal-pod-autoscaler-tolerance (default 0.1) */
  tolerance?: number;
}

class MetricError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

export class PodAutoscalerController extends BaseController {
  private readonly hpaInformer: Informer<HPA>;
  private readonly podInformer: Informer<Pod>;
  private readonly hpaClient: ResourceInterface<HPA>;
  private readonly syncPeriodMs: number;
  private readonly downscaleMs: number;
  private readonly tolerance: number;
  /** recent recommendations per HPA key, for stabilization (in memory, as upstream) */
  private readonly recommendations = new Map<string, Recommendation[]>();

  constructor(private readonly opts: PodAutoscalerOptions) {
    super('horizontal-pod-autoscaler', opts);
    this.syncPeriodMs = opts.syncPeriodMs ?? 15_000;
    this.downscaleMs = opts.downscaleStabilizationMs ?? 300_000;
    this.tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
    this.hpaInformer = opts.informers.informerFor(HorizontalPodAutoscalerKind);
    this.podInformer = opts.informers.informerFor(PodKind);
    this.hpaClient = opts.client.resource(HorizontalPodAutoscalerKind);
    this.syncables.push(this.hpaInformer, this.podInformer);
    this.hpaInformer.addEventHandler({
      onAdd: (h) => this.enqueue(h),
      onUpdate: (o, n) => {
        // status writes of our own come back as updates: only a spec change warrants an early sync
        if (o.metadata.generation !== n.metadata.generation) this.enqueue(n);
      },
      onDelete: (h) => this.recommendations.delete(`${h.metadata.namespace ?? ''}/${h.metadata.name ?? ''}`),
    });
  }

  async sync(key: string): Promise<void> {
    const cached = this.hpaInformer.lister.get(key);
    if (!cached) {
      this.recommendations.delete(key);
      return;
    }
    try {
      await this.reconcile(key, structuredClone(cached) as HPA);
    } finally {
      // every HPA is evaluated once per period, whatever happened (upstream resyncs the queue the same way)
      this.enqueueAfter(key, this.syncPeriodMs);
    }
  }

  private targetKind(hpa: HPA): KindDef | undefined {
    const ref = hpa.spec?.scaleTargetRef;
    const group = (ref?.apiVersion ?? '').includes('/') ? (ref?.apiVersion ?? '').split('/')[0] : '';
    return (allKinds as KindDef[]).find((k) => k.kind === ref?.kind && k.group === group && k.scale);
  }

  private async reconcile(key: string, hpa: HPA): Promise<void> {
    const spec = hpa.spec!;
    const ns = hpa.metadata.namespace ?? '';
    const now = this.clock.now();
    const ts = rfc3339(now);
    const ref = `${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}`;
    let conds = [...(hpa.status?.conditions ?? [])];
    const set = (type: string, status: 'True' | 'False', reason: string, message: string) => (conds = setCondition(conds, type, status, reason, message, ts));

    const kind = this.targetKind(hpa);
    let scale;
    try {
      if (!kind) throw new Error(`the server could not find the requested resource (${spec.scaleTargetRef.apiVersion ?? ''} ${spec.scaleTargetRef.kind})`);
      scale = await this.opts.client.resource(kind).namespace(ns).getScale(spec.scaleTargetRef.name);
    } catch (e) {
      this.opts.recorder.event(hpa, 'Warning', 'FailedGetScale', errMessage(e));
      set('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${errMessage(e)}`);
      await this.writeStatus(hpa, { ...(hpa.status ?? { desiredReplicas: 0 }), conditions: conds });
      return;
    }
    set('AbleToScale', 'True', 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale');
    const current = scale.spec?.replicas ?? 0;
    const min = spec.minReplicas ?? 1;
    let desired: number;
    let rescaleReason = '';
    let currentMetrics: MetricStatus[] | undefined = hpa.status?.currentMetrics;
    if (current === 0 && min !== 0) {
      desired = 0;
      set('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (current > spec.maxReplicas) {
      desired = spec.maxReplicas;
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
    } else if (current < min) {
      desired = min;
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
    } else {
      const computed = await this.computeFromMetrics(hpa, scale.status?.selector ?? '', current);
      if (computed.error) {
        this.opts.recorder.event(hpa, 'Warning', computed.error.reason, computed.error.message);
        set('ScalingActive', 'False', computed.error.reason, `the HPA was unable to compute the replica count: ${computed.error.message}`);
        await this.writeStatus(hpa, { ...(hpa.status ?? { desiredReplicas: 0 }), currentReplicas: current, conditions: conds });
        throw computed.error; // retried with backoff, besides the periodic resync
      }
      currentMetrics = computed.statuses;
      set('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${computed.metricName}`);
      const behavior = spec.behavior;
      const upMs = (behavior?.scaleUp?.stabilizationWindowSeconds ?? 0) * 1000;
      const downMs = behavior?.scaleDown?.stabilizationWindowSeconds !== undefined ? behavior.scaleDown.stabilizationWindowSeconds * 1000 : this.downscaleMs;
      const st = stabilize(this.recommendations.get(key) ?? [], now, computed.replicas, current, upMs, downMs);
      this.recommendations.set(key, st.recs);
      if (st.replicas !== computed.replicas) {
        const down = st.replicas > computed.replicas;
        set('AbleToScale', 'True', down ? 'ScaleDownStabilized' : 'ScaleUpStabilized', down ? 'recent recommendations were higher than current one, applying the highest recent recommendation' : 'recent recommendations were lower than current one, applying the lowest recent recommendation');
      } else set('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
      const lim = limit(st.replicas, current, min, spec.maxReplicas);
      set('ScalingLimited', lim.limited.status, lim.limited.reason, lim.limited.message);
      desired = lim.replicas;
      rescaleReason = `${computed.metricName} ${desired > current ? 'above' : 'below'} target`;
    }
    let lastScaleTime = hpa.status?.lastScaleTime;
    if (desired !== current) {
      try {
        await this.opts.client.resource(kind).namespace(ns).updateScale(spec.scaleTargetRef.name, { ...scale, spec: { ...scale.spec, replicas: desired } });
      } catch (e) {
        this.opts.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${rescaleReason}; error: ${errMessage(e)}`);
        set('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${errMessage(e)}`);
        await this.writeStatus(hpa, { ...(hpa.status ?? { desiredReplicas: 0 }), currentReplicas: current, conditions: conds });
        throw e;
      }
      set('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
      this.opts.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${rescaleReason}`);
      this.logger.info('Successful rescale', { hpa: key, currentReplicas: current, desiredReplicas: desired, reason: rescaleReason });
      lastScaleTime = ts;
    }
    await this.writeStatus(hpa, {
      ...(hpa.metadata.generation !== undefined ? { observedGeneration: hpa.metadata.generation } : {}),
      ...(lastScaleTime ? { lastScaleTime } : {}),
      currentReplicas: current,
      desiredReplicas: desired,
      ...(currentMetrics ? { currentMetrics } : {}),
      conditions: conds,
    });
  }

  /** The largest replica count any metric asks for (upstream computeReplicasForMetrics). */
  private async computeFromMetrics(hpa: HPA, selector: string, current: number): Promise<{ replicas: number; statuses: MetricStatus[]; metricName: string; error?: undefined } | { error: MetricError }> {
    const ns = hpa.metadata.namespace ?? '';
    if (!selector) return { error: new MetricError('InvalidSelector', 'selector is required') };
    try {
      parseLabelSelector(selector);
    } catch (e) {
      return { error: new MetricError('InvalidSelector', `couldn't convert selector into a corresponding internal selector object: ${errMessage(e)}`) };
    }
    const pods = this.podInformer.lister.namespace(ns).list(selector);
    let best: { replicas: number; metricName: string } | undefined;
    const statuses: MetricStatus[] = [];
    let lastErr: MetricError | undefined;
    for (const m of hpa.spec?.metrics ?? []) {
      try {
        const r = await this.computeOne(m, ns, selector, pods, current);
        statuses.push(r.status);
        if (!best || r.replicas > best.replicas) best = { replicas: r.replicas, metricName: r.metricName };
      } catch (e) {
        lastErr = e instanceof MetricError ? e : new MetricError('FailedGetResourceMetric', errMessage(e));
        statuses.push({ type: m.type });
      }
    }
    // upstream: when a metric fails, scale only if the others ask for more than now (never down on partial data)
    if (!best || (lastErr && best.replicas <= current)) return { error: lastErr ?? new MetricError('FailedGetResourceMetric', 'no metrics') };
    return { ...best, statuses };
  }

  private async computeOne(m: ReadOnly<MetricSpec>, ns: string, selector: string, pods: readonly ReadOnly<Pod>[], current: number): Promise<{ replicas: number; status: MetricStatus; metricName: string }> {
    const src = m.type === 'Resource' ? m.resource : m.type === 'ContainerResource' ? m.containerResource : undefined;
    if (!src) throw new MetricError('InvalidMetricSourceType', `metric source type ${m.type} is not supported by kubets' HPA controller`);
    const container = m.type === 'ContainerResource' ? m.containerResource?.container : undefined;
    const failReason = m.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
    let usage;
    try {
      usage = await this.opts.metricsSource.podUsage(ns, selector, src.name, container);
    } catch (e) {
      throw new MetricError(failReason, `failed to get ${src.name} utilization: unable to get metrics for resource ${src.name}: ${errMessage(e)}`);
    }
    const fmt = (v: number) => (src.name === 'cpu' ? `${Math.round(v)}m` : formatQuantity(Math.round(v), 'BinarySI'));
    const wrap = (cur: { averageUtilization?: number; averageValue: string }): MetricStatus =>
      m.type === 'Resource' ? { type: 'Resource', resource: { name: src.name, current: cur } } : { type: 'ContainerResource', containerResource: { name: src.name, container: container ?? '', current: cur } };
    if (src.target.type === 'Utilization') {
      const target = src.target.averageUtilization;
      if (!target) throw new MetricError(failReason, `invalid target for ${src.name}: averageUtilization is required`);
      try {
        const r = resourceReplicas({ currentReplicas: current, target, resource: src.name, ...(container ? { container } : {}), pods, metrics: usage, tolerance: this.tolerance });
        return { replicas: r.replicas, status: wrap({ averageUtilization: r.utilization, averageValue: fmt(r.rawAverage) }), metricName: `${src.name} resource utilization (percentage of request)` };
      } catch (e) {
        throw new MetricError(failReason, `failed to get ${src.name} utilization: ${errMessage(e)}`);
      }
    }
    // AverageValue: desired = ceil(total usage / target per pod), within the tolerance of the current count
    const targetQ = src.target.averageValue;
    if (!targetQ) throw new MetricError(failReason, `invalid target for ${src.name}: averageValue is required`);
    const targetV = src.name === 'cpu' ? Math.round((tryParseQuantity(targetQ) ?? NaN) * 1000) : tryParseQuantity(targetQ) ?? NaN;
    if (!(targetV > 0)) throw new MetricError(failReason, `invalid target for ${src.name}: averageValue ${String(targetQ)}`);
    if (!usage.size) throw new MetricError(failReason, `failed to get ${src.name} usage: no metrics returned from resource metrics API`);
    const total = [...usage.values()].reduce((a, b) => a + b, 0);
    const ratio = total / (targetV * current);
    const replicas = Math.abs(1 - ratio) <= this.tolerance ? current : Math.ceil(total / targetV);
    return { replicas, status: wrap({ averageValue: fmt(total / usage.size) }), metricName: `${src.name} resource` };
  }

  private async writeStatus(hpa: HPA, status: HPA['status'] & object): Promise<void> {
    if (semanticEqual(hpa.status, status)) return;
    await this.hpaClient.namespace(hpa.metadata.namespace ?? '').updateStatus({ ...hpa, status });
  }
}

export type { HorizontalPodAutoscalerCondition };
