// The pods/ephemeralcontainers subresource (upstream EphemeralContainersREST): GET returns the Pod; PUT and PATCH take
// a Pod, of which only spec.ephemeralContainers is kept; ephemeral containers may be added, never changed or removed.
import { errors, validateSchema, validateEphemeralContainersUpdate, type KubeObject, type PodSpec, type StatusCause } from '@kubets/api';
import type { RequestContext } from './context';
import type { ResourceStore } from './store';
import { applyPatch, isApplyPatch } from './patch';
import { asObjectOfKind, handleUnknownFields } from './prepare';

export const ephemeralContainersSubresource = 'ephemeralcontainers';

function specOf(o: KubeObject): PodSpec | undefined {
  const s = (o as { spec?: unknown }).spec;
  return s && typeof s === 'object' && !Array.isArray(s) ? (s as PodSpec) : undefined;
}

export function getEphemeralContainers(store: ResourceStore, ctx: RequestContext): Promise<KubeObject> {
  return store.get({ ...ctx, subresource: '' });
}

/** PUT (patchType undefined) or PATCH (JSON, merge, strategic merge as `kubectl debug` sends) of the subresource. */
export async function writeEphemeralContainers(store: ResourceStore, ctx: RequestContext, body: unknown, patchType?: string): Promise<KubeObject> {
  if (patchType && isApplyPatch(patchType)) throw errors.unsupportedMediaType(patchType);
  const def = store.def;
  return store.updateWith(
    { ...ctx, subresource: ephemeralContainersSubresource },
    (cur) => {
      const desired = asObjectOfKind(def, patchType ? applyPatch(patchType, structuredClone(cur), body, def.schema) : structuredClone(body));
      handleUnknownFields(def, desired, ctx);
      if (desired.metadata.name !== undefined && desired.metadata.name !== ctx.name) {
        throw errors.badRequest(`the name of the object (${desired.metadata.name}) does not match the name on the URL (${ctx.name})`);
      }
      // dropNonEphemeralContainerUpdates: everything but spec.ephemeralContainers comes from the stored pod
      const next = structuredClone(cur);
      if (desired.metadata.resourceVersion) next.metadata.resourceVersion = desired.metadata.resourceVersion;
      const spec = (specOf(next) ?? {}) as PodSpec;
      const wanted = specOf(desired)?.ephemeralContainers;
      if (wanted === undefined) delete spec.ephemeralContainers;
      else spec.ephemeralContainers = wanted;
      (next as { spec?: PodSpec }).spec = spec;
      return next;
    },
    'Update',
    {
      validate: (obj, old): StatusCause[] => [
        ...validateSchema(def.schema, obj, { unknownFields: 'Ignore' }).causes,
        ...validateEphemeralContainersUpdate({ metadata: obj.metadata, spec: specOf(obj) }, { metadata: old.metadata, spec: specOf(old) }),
      ],
    },
  );
}
