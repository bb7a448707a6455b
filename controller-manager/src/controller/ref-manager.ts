// ControllerRefManager: adopt matching orphans and release owned objects that no longer match (client-go's
// BaseControllerRefManager.ClaimObject). Adoption first re-reads the controller from the API (canAdopt) so a
// deleted-and-recreated controller with the same name never adopts pods meant for its predecessor.
import { hasReason, type KindDef, type KubeObject, type ReadOnly } from '@kubets/api';
import type { ResourceInterface } from '@kubets/client';
import { controllerRefOf, newControllerRef } from './owner';

export interface RefManagerOptions<T extends KubeObject> {
  /** The controller claiming objects (cached copy is fine). */
  controller: ReadOnly<KubeObject>;
  controllerKind: Pick<KindDef, 'group' | 'version' | 'kind'>;
  /** Does the controller's selector select this object? */
  match: (o: ReadOnly<T>) => boolean;
  /** Client for the claimed kind (patches ownerReferences). */
  objects: ResourceInterface<T>;
  /** Fresh read of the controller: must return it with the same uid and no deletionTimestamp to adopt. */
  canAdopt: () => Promise<void>;
}

export class ControllerRefManager<T extends KubeObject> {
  private adoptCheck: Promise<void> | undefined;
  constructor(private readonly o: RefManagerOptions<T>) {}

  private canAdoptOnce(): Promise<void> {
    if (!this.adoptCheck) this.adoptCheck = this.o.canAdopt();
    return this.adoptCheck;
  }

  /** Objects this controller owns after adoption/release. Errors from adopt/release are collected and thrown last. */
  async claim(objs: readonly ReadOnly<T>[]): Promise<ReadOnly<T>[]> {
    const claimed: ReadOnly<T>[] = [];
    const errs: unknown[] = [];
    const uid = this.o.controller.metadata.uid;
    const deleting = !!this.o.controller.metadata.deletionTimestamp;
    await Promise.all(
      objs.map(async (obj) => {
        try {
          const ref = controllerRefOf(obj);
          if (ref) {
            if (ref.uid !== uid) return; // owned by someone else
            if (this.o.match(obj)) {
              claimed.push(obj);
              return;
            }
            if (deleting) return;
            await this.release(obj);
            return;
          }
          if (deleting || !this.o.match(obj) || obj.metadata.deletionTimestamp) return;
          if (this.o.controller.metadata.namespace && obj.metadata.namespace !== this.o.controller.metadata.namespace) return;
          await this.canAdoptOnce();
          const adopted = await this.adopt(obj);
          if (adopted) claimed.push(adopted as ReadOnly<T>);
        } catch (e) {
          errs.push(e);
        }
      }),
    );
    if (errs.length) throw errs[0];
    return claimed;
  }

  private async adopt(obj: ReadOnly<T>): Promise<T | undefined> {
    const refs = [...(obj.metadata.ownerReferences ?? []).map((r) => ({ ...r })), newControllerRef(this.o.controller, this.o.controllerKind)];
    try {
      return await this.o.objects.namespace(obj.metadata.namespace ?? '').patch(obj.metadata.name ?? '', 'merge', {
        metadata: { ownerReferences: refs, resourceVersion: obj.metadata.resourceVersion },
      });
    } catch (e) {
      if (hasReason(e, 'NotFound')) return undefined;
      throw e;
    }
  }

  private async release(obj: ReadOnly<T>): Promise<void> {
    const uid = this.o.controller.metadata.uid;
    const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid).map((r) => ({ ...r }));
    try {
      await this.o.objects.namespace(obj.metadata.namespace ?? '').patch(obj.metadata.name ?? '', 'merge', {
        metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: obj.metadata.resourceVersion },
      });
    } catch (e) {
      // gone, or invalid because it is being deleted: nothing to release
      if (hasReason(e, 'NotFound') || hasReason(e, 'Invalid')) return;
      throw e;
    }
  }
}

/** A canAdopt for controllers: GET the controller; it must still have `uid` and not be deleting. */
export function recheckController(get: () => Promise<KubeObject>, uid: string | undefined, what: string): () => Promise<void> {
  return async () => {
    const fresh = await get();
    if (fresh.metadata.uid !== uid) throw new Error(`original ${what} is gone: got uid ${fresh.metadata.uid}, wanted ${uid}`);
    if (fresh.metadata.deletionTimestamp) throw new Error(`${what} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
  };
}
