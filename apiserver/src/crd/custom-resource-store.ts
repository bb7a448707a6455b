// The generic ResourceStore with the two differences custom resources have: no strategic merge patch (their
// schema carries no patch strategies, as upstream) and no creates while their CRD is being deleted.
import { errors, StatusError, type KindDef, type KubeObject } from '@kubets/api';
import { ResourceStore } from '../registry/store';
import type { RegistryDeps, RequestContext } from '../registry/context';

const crPatchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

export class CustomResourceStore extends ResourceStore {
  constructor(
    def: KindDef,
    deps: RegistryDeps,
    /** whether the owning CRD is terminating (read at request time) */
    private readonly terminating: () => boolean,
  ) {
    super(def, deps);
  }

  override async createObject(ctx: RequestContext, obj: KubeObject, operation: 'Update' | 'Apply', managed?: boolean): Promise<KubeObject> {
    if (this.terminating()) throw errors.methodNotAllowed('create not allowed while custom resource definition is terminating');
    return super.createObject(ctx, obj, operation, managed);
  }

  override async patch(ctx: RequestContext, patchType: string, patch: unknown): Promise<{ obj: KubeObject; created: boolean }> {
    if (!crPatchTypes.includes(patchType)) {
      const st = errors.unsupportedMediaType(patchType).status;
      throw new StatusError({ ...st, message: `the body of the request was in an unknown format - accepted media types include: ${crPatchTypes.join(', ')}` });
    }
    return super.patch(ctx, patchType, patch);
  }
}
