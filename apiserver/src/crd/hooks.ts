// Hooks on the CustomResourceDefinition store: a delete first adds the cleanup finalizer (so the registry can
// remove every custom resource before the CRD goes, as upstream's REST Delete does), and writes warn about
// x-kubernetes-validations rules, which this server does not evaluate.
import { customResourceCleanupFinalizer, type CustomResourceDefinition, type KubeObject } from '@kubets/api';
import type { KindHooks } from '../registry/context';
import type { Storage } from '../storage/interface';
import { rfc3339 } from '../registry/context';
import { setCondition } from './conditions';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field paths of every x-kubernetes-validations list in a schema. */
export function celRulePaths(s: unknown, path: string, out: string[] = []): string[] {
  if (!isObj(s)) return out;
  if (Array.isArray(s['x-kubernetes-validations']) && s['x-kubernetes-validations'].length) out.push(`${path}.x-kubernetes-validations`);
  if (isObj(s.properties)) for (const [k, v] of Object.entries(s.properties)) celRulePaths(v, `${path}.properties[${k}]`, out);
  if (isObj(s.items)) celRulePaths(s.items, `${path}.items`, out);
  if (isObj(s.additionalProperties)) celRulePaths(s.additionalProperties, `${path}.additionalProperties`, out);
  return out;
}

function celWarnings(obj: KubeObject): string[] {
  const crd = obj as CustomResourceDefinition;
  const paths = (crd.spec?.versions ?? []).flatMap((v, i) => celRulePaths(v.schema?.openAPIV3Schema, `spec.versions[${i}].schema.openAPIV3Schema`));
  return paths.map((p) => `${p}: x-kubernetes-validations (CEL) rules are not enforced by this API server`);
}

export function crdHooks(storage: Storage, keyOf: (name: string) => string, now: () => Date): KindHooks {
  return {
    async beforeCreate(obj, ctx) {
      ctx.warnings.push(...celWarnings(obj));
    },
    async beforeUpdate(obj, _old, ctx) {
      ctx.warnings.push(...celWarnings(obj));
    },
    async beforeDelete(_namespace, name) {
      try {
        await storage.guaranteedUpdate(keyOf(name), (cur) => {
          if (cur.metadata.deletionTimestamp) return cur;
          const next = structuredClone(cur) as CustomResourceDefinition;
          const fins = next.metadata.finalizers ?? [];
          if (!fins.includes(customResourceCleanupFinalizer)) next.metadata.finalizers = [...fins, customResourceCleanupFinalizer];
          next.status = next.status ?? {};
          setCondition(next.status, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionPending', message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon' }, rfc3339(now()));
          return next;
        });
      } catch (e) {
        if ((e as { status?: { code?: number } }).status?.code !== 404) throw e; // the delete reports the 404
      }
    },
  };
}
