// Hooks on the CustomResourceDefinition store: a delete first adds the cleanup finalizer (so the registry can
// remove every custom resource before the CRD goes, as upstream's REST Delete does), and writes are refused when an
// x-kubernetes-validations rule does not compile.
import { customResourceCleanupFinalizer, errors, type CustomResourceDefinition, type KubeObject, type StatusCause } from '@kubets/api';
import type { KindHooks } from '../registry/context';
import type { Storage } from '../storage/interface';
import { rfc3339 } from '../registry/context';
import { setCondition } from './conditions';
import { compileRuleTree } from './validation-rules';

/**
 * Compile errors of every x-kubernetes-validations rule. Upstream reports them under spec.validation when all
 * versions share one schema (its internal form hoists that schema), else under each version.
 */
function ruleCompileCauses(obj: KubeObject): StatusCause[] {
  const versions = (obj as CustomResourceDefinition).spec?.versions ?? [];
  const schemas = versions.map((v) => v.schema?.openAPIV3Schema);
  const first = JSON.stringify(schemas[0]);
  const shared = schemas.length > 0 && schemas.every((s) => JSON.stringify(s) === first);
  const errs: StatusCause[] = [];
  if (shared) compileRuleTree(schemas[0], 'spec.validation.openAPIV3Schema', errs);
  else schemas.forEach((s, i) => compileRuleTree(s, `spec.versions[${i}].schema.openAPIV3Schema`, errs));
  return errs;
}

function refuseBadRules(obj: KubeObject): void {
  const causes = ruleCompileCauses(obj);
  if (causes.length) throw errors.invalid({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }, obj.metadata.name ?? '', causes);
}

export function crdHooks(storage: Storage, keyOf: (name: string) => string, now: () => Date): KindHooks {
  return {
    async beforeCreate(obj) {
      refuseBadRules(obj);
    },
    async beforeUpdate(obj) {
      refuseBadRules(obj);
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
