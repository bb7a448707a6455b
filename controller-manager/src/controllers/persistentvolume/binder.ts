// PersistentVolume controller (pkg/controller/volume/persistentvolume, "persistent-volume-binder"): binds claims to
// matching volumes (both sides: pv.spec.claimRef, then pvc.spec.volumeName, then their phases), gives claims
// without a class the default StorageClass (retroactive default class), provisions volumes for classes whose
// provisioner is kts.io/local-path, waits for a consumer's node under WaitForFirstConsumer, and reclaims released
// volumes (Retain: stays Released; Delete: the PV object is deleted).
import {
  hasReason,
  isDefaultStorageClass,
  NodeKind,
  PersistentVolumeClaimKind,
  PersistentVolumeKind,
  PodKind,
  StorageClassKind,
  type Node,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type Pod,
  type ReadOnly,
  type StorageClass,
} from '@kubets/api';
import { rfc3339 } from '@kubets/client';
import type { Informer, KubeClient, Lister, ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import type { EventSink } from '../../controller/pod-control';
import type { InformerSource } from '../../controller/informer-source';
import { claimClass, findBestMatch, isBoundTo } from './matching';
import { LocalPathProvisioner, ProvisionedByAnnotation, SelectedNodeAnnotation, localPathVolume } from './provisioner';

export const BindCompletedAnnotation = 'pv.kubernetes.io/bind-completed';
export const BoundByControllerAnnotation = 'pv.kubernetes.io/bound-by-controller';

type PV = ReadOnly<PersistentVolume>;
type PVC = ReadOnly<PersistentVolumeClaim>;

export interface PersistentVolumeControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  recorder: EventSink;
}

const claimKey = (c: { metadata: { namespace?: string; name?: string } }) => `claim:${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`;
const volumeKey = (v: { metadata: { name?: string } }) => `volume:${v.metadata.name ?? ''}`;

export class PersistentVolumeController extends BaseController {
  private readonly pvInformer: Informer<PersistentVolume>;
  private readonly pvcInformer: Informer<PersistentVolumeClaim>;
  private readonly classInformer: Informer<StorageClass>;
  private readonly podInformer: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  private readonly pvs: Lister<PersistentVolume>;
  private readonly pvcs: Lister<PersistentVolumeClaim>;
  private readonly classes: Lister<StorageClass>;
  private readonly podLister: Lister<Pod>;
  private readonly nodes: Lister<Node>;
  private readonly pvClient: ResourceInterface<PersistentVolume>;
  private readonly pvcClient: ResourceInterface<PersistentVolumeClaim>;
  private readonly recorder: EventSink;

  constructor(opts: PersistentVolumeControllerOptions) {
    super('persistentvolume-binder', opts);
    this.recorder = opts.recorder;
    this.pvInformer = opts.informers.informerFor(PersistentVolumeKind);
    this.pvcInformer = opts.informers.informerFor(PersistentVolumeClaimKind);
    this.classInformer = opts.informers.informerFor(StorageClassKind);
    this.podInformer = opts.informers.informerFor(PodKind);
    this.nodeInformer = opts.informers.informerFor(NodeKind);
    this.pvs = this.pvInformer.lister;
    this.pvcs = this.pvcInformer.lister;
    this.classes = this.classInformer.lister;
    this.podLister = this.podInformer.lister;
    this.nodes = this.nodeInformer.lister;
    this.pvClient = opts.client.resource(PersistentVolumeKind);
    this.pvcClient = opts.client.resource(PersistentVolumeClaimKind);
    this.syncables.push(this.pvInformer, this.pvcInformer, this.classInformer, this.podInformer, this.nodeInformer);

    const onVolume = (v: PV) => {
      this.queue.add(volumeKey(v));
      const r = v.spec?.claimRef;
      if (r?.name) this.queue.add(`claim:${r.namespace ?? ''}/${r.name}`);
    };
    this.pvInformer.addEventHandler({ onAdd: onVolume, onUpdate: (_o, v) => onVolume(v), onDelete: onVolume });
    const onClaim = (c: PVC) => {
      this.queue.add(claimKey(c));
      if (c.spec?.volumeName) this.queue.add(`volume:${c.spec.volumeName}`);
      // a released claim frees its volume: look at the volumes that point at it
      for (const v of this.pvs.list()) if (v.spec?.claimRef?.name === c.metadata.name && v.spec?.claimRef?.namespace === c.metadata.namespace) this.queue.add(volumeKey(v));
    };
    this.pvcInformer.addEventHandler({ onAdd: onClaim, onUpdate: (_o, c) => onClaim(c), onDelete: onClaim });
    // a scheduled consumer is what WaitForFirstConsumer claims wait for
    this.podInformer.addEventHandler({
      onAdd: (p) => this.podChanged(p),
      onUpdate: (o, p) => {
        if (!o.spec?.nodeName && p.spec?.nodeName) this.podChanged(p);
      },
    });
    // a new default class may now apply to class-less claims
    this.classInformer.addEventHandler({ onAdd: () => this.requeuePendingClaims(), onUpdate: () => this.requeuePendingClaims() });
  }

  private podChanged(p: ReadOnly<Pod>): void {
    if (!p.spec?.nodeName) return;
    for (const v of p.spec.volumes ?? []) if (v.persistentVolumeClaim) this.queue.add(`claim:${p.metadata.namespace ?? ''}/${v.persistentVolumeClaim.claimName}`);
  }

  private requeuePendingClaims(): void {
    for (const c of this.pvcs.list()) if (c.status?.phase !== 'Bound') this.queue.add(claimKey(c));
  }

  async sync(key: string): Promise<void> {
    if (key.startsWith('claim:')) {
      const c = this.pvcs.get(key.slice('claim:'.length));
      if (c && !c.metadata.deletionTimestamp) await this.syncClaim(c);
      return;
    }
    if (key.startsWith('volume:')) {
      const v = this.pvs.get(key.slice('volume:'.length));
      if (v) await this.syncVolume(v);
    }
  }

  private defaultClass(): ReadOnly<StorageClass> | undefined {
    // several defaults: the newest wins, as upstream's GetDefaultClass
    const defaults = this.classes.list().filter((c) => isDefaultStorageClass(c));
    return defaults.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))[0];
  }

  async syncClaim(c: PVC): Promise<void> {
    const ns = c.metadata.namespace ?? '';
    // a claim without storageClassName (not ""): the default class, also for claims created before it existed
    if (c.spec?.storageClassName === undefined && !c.spec?.volumeName) {
      const def = this.defaultClass();
      if (def) {
        const next = structuredClone(c) as PersistentVolumeClaim;
        next.spec = { ...next.spec, storageClassName: def.metadata.name ?? '' };
        await this.pvcClient.namespace(ns).update(next);
        return; // the update event brings the claim back
      }
    }
    const volumeName = c.spec?.volumeName;
    if (volumeName) {
      const pv = this.pvs.get(volumeName);
      if (!pv) {
        await this.setClaimPhase(c, c.status?.phase === 'Bound' ? 'Lost' : 'Pending');
        if (c.status?.phase === 'Bound') this.event(c, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
        return;
      }
      if (!pv.spec?.claimRef) {
        await this.bindVolume(pv, c); // the user pre-bound the claim: complete the volume side
        return;
      }
      if (!isBoundTo(pv, c)) {
        if (c.status?.phase === 'Bound') {
          await this.setClaimPhase(c, 'Lost');
          this.event(c, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
        }
        return;
      }
      await this.bindVolume(pv, c);
      await this.bindClaim(pv, c);
      return;
    }

    const cls = claimClass(c) ? this.classes.get(claimClass(c)) : undefined;
    const waitForConsumer = cls?.volumeBindingMode === 'WaitForFirstConsumer';
    const node = waitForConsumer ? this.selectedNode(c) : undefined;
    if (waitForConsumer && !node) {
      await this.setClaimPhase(c, 'Pending');
      this.event(c, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
      return;
    }
    const match = findBestMatch(this.pvs.list(), c, node ? { name: node, labels: (this.nodes.get(node)?.metadata.labels ?? {}) as Record<string, string> } : undefined);
    if (match) {
      await this.bindClaim(await this.bindVolume(match, c), c);
      return;
    }
    if (cls?.provisioner === LocalPathProvisioner) {
      await this.provision(c, cls, node);
      return;
    }
    await this.setClaimPhase(c, 'Pending');
    if (cls && cls.provisioner !== LocalPathProvisioner) this.event(c, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${cls.provisioner}' or manually by the system administrator.`);
    else this.event(c, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
  }

  /** The node a WaitForFirstConsumer claim goes to: the selected-node annotation, else a scheduled pod using it. */
  private selectedNode(c: PVC): string | undefined {
    const ann = c.metadata.annotations?.[SelectedNodeAnnotation];
    if (ann) return ann;
    for (const p of this.podLister.namespace(c.metadata.namespace ?? '').list()) {
      if (!p.spec?.nodeName || p.metadata.deletionTimestamp) continue;
      if ((p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === c.metadata.name)) return p.spec.nodeName;
    }
    return undefined;
  }

  private async provision(c: PVC, cls: ReadOnly<StorageClass>, node: string | undefined): Promise<void> {
    if (!node) {
      // Immediate binding has no node to put a node-local volume on: use any ready node with a local-path root
      node = this.nodes.list().find((n) => n.metadata.annotations?.['kts.io/local-path-root'])?.metadata.name;
      if (!node) {
        this.event(c, 'Warning', 'ProvisioningFailed', 'no node with a local-path root to provision on');
        return;
      }
    }
    const n = this.nodes.get(node);
    const root = n?.metadata.annotations?.['kts.io/local-path-root'];
    if (!n || !root) {
      this.event(c, 'Warning', 'ProvisioningFailed', `node "${node}" has no local-path root (annotation kts.io/local-path-root)`);
      throw new Error(`node ${node} has no local-path root`);
    }
    const pv = localPathVolume(c, cls, n, root);
    try {
      await this.pvClient.create(pv);
      this.event(c, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pv.metadata.name ?? ''}`);
    } catch (e) {
      if (!hasReason(e, 'AlreadyExists')) {
        this.event(c, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${cls.metadata.name ?? ''}": ${(e as Error).message}`);
        throw e;
      }
    }
  }

  /** The volume side of a binding: claimRef (with uid) and phase Bound. */
  private async bindVolume(pv: PV, c: PVC): Promise<PV> {
    const ref = pv.spec?.claimRef;
    const refOk = ref && ref.uid === c.metadata.uid && ref.namespace === c.metadata.namespace && ref.name === c.metadata.name;
    let cur = pv;
    if (!refOk) {
      const next = structuredClone(pv) as PersistentVolume;
      next.spec = { ...next.spec, claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: c.metadata.namespace ?? '', name: c.metadata.name ?? '', uid: c.metadata.uid ?? '', resourceVersion: c.metadata.resourceVersion ?? '' } };
      if (!ref) next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [BoundByControllerAnnotation]: 'yes' };
      cur = await this.pvClient.update(next);
    }
    await this.setVolumePhase(cur, 'Bound');
    return cur;
  }

  /** The claim side: spec.volumeName and the bind annotations, then status Bound with capacity and modes. */
  private async bindClaim(pv: PV, c: PVC): Promise<void> {
    const api = this.pvcClient.namespace(c.metadata.namespace ?? '');
    let cur: PVC = c;
    if (c.spec?.volumeName !== pv.metadata.name || c.metadata.annotations?.[BindCompletedAnnotation] !== 'yes') {
      const next = structuredClone(c) as PersistentVolumeClaim;
      const preBound = !!c.spec?.volumeName;
      next.spec = { ...next.spec, volumeName: pv.metadata.name ?? '' };
      next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [BindCompletedAnnotation]: 'yes', ...(preBound ? {} : { [BoundByControllerAnnotation]: 'yes' }) };
      cur = await api.update(next);
    }
    const want = { phase: 'Bound' as const, capacity: { ...(pv.spec?.capacity ?? {}) }, accessModes: [...(pv.spec?.accessModes ?? [])] };
    const st = cur.status;
    if (st?.phase === 'Bound' && JSON.stringify(st.capacity) === JSON.stringify(want.capacity) && JSON.stringify(st.accessModes) === JSON.stringify(want.accessModes)) return;
    const next = structuredClone(cur) as PersistentVolumeClaim;
    next.status = { ...next.status, ...want };
    await api.updateStatus(next);
    this.event(c, 'Normal', 'Bound', `Successfully bound to volume ${pv.metadata.name ?? ''}`);
  }

  async syncVolume(pv: PV): Promise<void> {
    const ref = pv.spec?.claimRef;
    if (!ref?.name) {
      await this.setVolumePhase(pv, 'Available');
      return;
    }
    const claim = this.pvcs.get(`${ref.namespace ?? ''}/${ref.name}`);
    if (!ref.uid) {
      // pre-bound to a claim by name: the claim's sync finishes the binding
      if (pv.status?.phase !== 'Available') await this.setVolumePhase(pv, 'Available');
      return;
    }
    if (claim && claim.metadata.uid === ref.uid) {
      if (claim.spec?.volumeName === pv.metadata.name) await this.setVolumePhase(pv, 'Bound');
      else if (!claim.spec?.volumeName) this.queue.add(claimKey(claim)); // half-bound: the claim side is next
      return;
    }
    {
      // the cache may be behind (or hold an older incarnation): confirm with the server before releasing
      try {
        const live = await this.pvcClient.namespace(ref.namespace ?? '').get(ref.name);
        if (live.metadata.uid === ref.uid) return;
      } catch (e) {
        if (!hasReason(e, 'NotFound')) throw e;
      }
    }
    // the claim is gone: Released, then reclaim
    if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') {
      await this.setVolumePhase(pv, 'Released');
      return; // the update event brings the volume back
    }
    if (pv.status?.phase !== 'Released') return;
    const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
    if (policy === 'Retain') return;
    if (policy === 'Delete') {
      if (pv.metadata.deletionTimestamp) return;
      try {
        await this.pvClient.delete(pv.metadata.name ?? '', { preconditions: { uid: pv.metadata.uid ?? '' } });
        this.recorderEventVolume(pv, 'Normal', 'VolumeDelete', `Deleted volume ${pv.metadata.name ?? ''} (reclaim policy Delete; provisioned by ${pv.metadata.annotations?.[ProvisionedByAnnotation] ?? 'the administrator'})`);
      } catch (e) {
        if (!hasReason(e, 'NotFound')) throw e;
      }
      return;
    }
    await this.setVolumePhase(pv, 'Failed', 'VolumeFailedRecycle', 'Recycle is not supported by kubets; use Delete or Retain');
  }

  private async setVolumePhase(pv: PV, phase: NonNullable<NonNullable<PersistentVolume['status']>['phase']>, reason?: string, message?: string): Promise<void> {
    if (pv.status?.phase === phase && (pv.status?.reason ?? '') === (reason ?? '')) return;
    const next = structuredClone(pv) as PersistentVolume;
    next.status = { phase, lastPhaseTransitionTime: rfc3339(this.clock.now()), ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
    try {
      await this.pvClient.updateStatus(next);
    } catch (e) {
      if (!hasReason(e, 'Conflict')) throw e;
      this.queue.add(volumeKey(pv)); // a newer version is on its way
    }
  }

  private async setClaimPhase(c: PVC, phase: 'Pending' | 'Bound' | 'Lost'): Promise<void> {
    if (c.status?.phase === phase) return;
    const next = structuredClone(c) as PersistentVolumeClaim;
    next.status = { ...next.status, phase };
    await this.pvcClient.namespace(c.metadata.namespace ?? '').updateStatus(next);
  }

  private event(c: PVC, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: structuredClone(c.metadata) as PersistentVolumeClaim['metadata'] }, type, reason, message);
  }

  private recorderEventVolume(pv: PV, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: structuredClone(pv.metadata) as PersistentVolume['metadata'] }, type, reason, message);
  }
}
