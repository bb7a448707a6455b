// The garbage collector's dependency graph (upstream graph_builder.go): one node per object uid with its owner
// references and the uids of its dependents. Owners not (yet) observed are "virtual" nodes the collector verifies
// against the API. The graph is updated synchronously from informer handlers, so it follows event order; the
// transitions that need work are reported through the callbacks.
import { findKind, type KindDef, type KubeObject, type OwnerReference, type ReadOnly } from '@kubets/api';

export const FinalizerForeground = 'foregroundDeletion';
export const FinalizerOrphan = 'orphan';

export interface GCNode {
  uid: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  owners: OwnerReference[];
  dependents: Set<string>;
  /** Known only from someone's ownerReference. */
  virtual: boolean;
  beingDeleted: boolean;
  /** deletionTimestamp + the foregroundDeletion finalizer. */
  deletingDependents: boolean;
  finalizers: string[];
}

export interface GraphCallbacks {
  /** The node should be looked at by attemptToDelete. */
  attemptToDelete(uid: string): void;
  /** The node's dependents should be orphaned. */
  attemptToOrphan(uid: string): void;
}

/** The KindDef an ownerReference (or node) names, trying the exact version first. */
export function kindForRef(apiVersion: string, kind: string): KindDef | undefined {
  const i = apiVersion.indexOf('/');
  const group = i < 0 ? '' : apiVersion.slice(0, i);
  const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
  const k = findKind(group, version, kind) ?? findKind(group, '', kind);
  return k && k.kind === kind ? k : undefined;
}

function apiVersionOfKind(k: KindDef): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

export class DependencyGraph {
  readonly nodes = new Map<string, GCNode>();

  constructor(private readonly cb: GraphCallbacks) {}

  get(uid: string): GCNode | undefined {
    return this.nodes.get(uid);
  }

  /** Object added or updated. */
  upsert(kind: KindDef, obj: ReadOnly<KubeObject>): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const finalizers = [...(obj.metadata.finalizers ?? [])];
    const beingDeleted = !!obj.metadata.deletionTimestamp;
    const deletingDependents = beingDeleted && finalizers.includes(FinalizerForeground);
    const orphaning = beingDeleted && finalizers.includes(FinalizerOrphan);
    let node = this.nodes.get(uid);
    const wasDeletingDependents = node ? node.deletingDependents && !node.virtual : false;
    const wasOrphaning = node ? !node.virtual && node.beingDeleted && node.finalizers.includes(FinalizerOrphan) : false;
    const oldOwners = node?.owners ?? [];
    if (!node) {
      node = { uid, apiVersion: apiVersionOfKind(kind), kind: kind.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name ?? '', owners: [], dependents: new Set(), virtual: false, beingDeleted, deletingDependents, finalizers };
      this.nodes.set(uid, node);
    } else {
      node.virtual = false;
      node.apiVersion = apiVersionOfKind(kind);
      node.kind = kind.kind;
      node.namespace = obj.metadata.namespace ?? '';
      node.name = obj.metadata.name ?? '';
      node.beingDeleted = beingDeleted;
      node.deletingDependents = deletingDependents;
      node.finalizers = finalizers;
    }
    const newOwners = (obj.metadata.ownerReferences ?? []).map((r) => ({ ...r }));
    node.owners = newOwners;
    const newUids = new Set(newOwners.map((r) => r.uid));
    for (const r of oldOwners) {
      if (newUids.has(r.uid)) continue;
      this.unlink(r.uid, uid);
      // an owner waiting for its dependents may be done now that this one let go of it
      if (this.nodes.get(r.uid)?.deletingDependents) this.cb.attemptToDelete(r.uid);
    }
    const oldUids = new Set(oldOwners.map((r) => r.uid));
    for (const r of newOwners) if (!oldUids.has(r.uid)) this.link(r, node);

    if (deletingDependents && !wasDeletingDependents) {
      this.cb.attemptToDelete(uid);
      for (const d of node.dependents) this.cb.attemptToDelete(d);
    }
    if (orphaning && !wasOrphaning) this.cb.attemptToOrphan(uid);
    // a dependent of an owner that waits for its dependents
    if (newOwners.some((r) => this.nodes.get(r.uid)?.deletingDependents)) this.cb.attemptToDelete(uid);
  }

  /** Object deleted. */
  remove(obj: ReadOnly<KubeObject>): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const node = this.nodes.get(uid);
    if (!node || node.virtual) return;
    for (const r of node.owners) {
      this.unlink(r.uid, uid);
      const owner = this.nodes.get(r.uid);
      if (owner?.deletingDependents) this.cb.attemptToDelete(owner.uid);
    }
    this.nodes.delete(uid);
    if (node.dependents.size) {
      // dependents now point at a missing owner: keep a virtual node so they can be found, and let them be checked
      const v: GCNode = { ...node, owners: [], virtual: true, beingDeleted: false, deletingDependents: false, finalizers: [] };
      this.nodes.set(uid, v);
      for (const d of node.dependents) this.cb.attemptToDelete(d);
      this.cb.attemptToDelete(uid);
    }
  }

  /** Drops a virtual node (its owner is verified absent); its dependents keep their references. */
  removeVirtual(uid: string): void {
    const n = this.nodes.get(uid);
    if (n?.virtual) this.nodes.delete(uid);
  }

  private link(ref: OwnerReference, dependent: GCNode): void {
    let owner = this.nodes.get(ref.uid);
    if (!owner) {
      const k = kindForRef(ref.apiVersion, ref.kind);
      owner = {
        uid: ref.uid,
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        namespace: k && !k.namespaced ? '' : dependent.namespace,
        name: ref.name,
        owners: [],
        dependents: new Set(),
        virtual: true,
        beingDeleted: false,
        deletingDependents: false,
        finalizers: [],
      };
      this.nodes.set(ref.uid, owner);
      this.cb.attemptToDelete(ref.uid);
    }
    owner.dependents.add(dependent.uid);
  }

  private unlink(ownerUid: string, dependentUid: string): void {
    const owner = this.nodes.get(ownerUid);
    if (!owner) return;
    owner.dependents.delete(dependentUid);
    if (owner.virtual && owner.dependents.size === 0) this.nodes.delete(ownerUid);
  }
}
