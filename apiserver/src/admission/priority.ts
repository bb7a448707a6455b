// Priority: resolves spec.priorityClassName through scheduling.k8s.io PriorityClasses into spec.priority and
// spec.preemptionPolicy; without a name, the globalDefault class (or 0). Unknown classes are rejected.
import { errors } from '@kubets/api';
import type { AdmissionPlugin, AdmissionRequest } from './interface';
import { isPod } from './interface';

/** Built-in classes upstream creates at startup. */
export const systemPriorityClasses: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

interface PodSpecPriority {
  priorityClassName?: string;
  priority?: number;
  preemptionPolicy?: string;
}
interface PriorityClassFields {
  value?: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

function forbidden(req: AdmissionRequest, msg: string): Error {
  return errors.forbidden({ group: '', resource: 'pods' }, req.obj.metadata.name ?? '', msg);
}

export function priorityAdmission(): AdmissionPlugin {
  return {
    name: 'Priority',
    async admit(req, lookup) {
      if (req.operation !== 'CREATE' || !isPod(req)) return;
      const spec = (req.obj.spec ??= {}) as PodSpecPriority;
      let value: number;
      let policy = 'PreemptLowerPriority';
      const name = spec.priorityClassName;
      if (name) {
        const pc = (await lookup.get('scheduling.k8s.io', 'priorityclasses', '', name)) as (PriorityClassFields & object) | undefined;
        if (pc) {
          value = pc.value ?? 0;
          policy = pc.preemptionPolicy ?? policy;
        } else if (name in systemPriorityClasses) {
          value = systemPriorityClasses[name]!;
        } else {
          throw forbidden(req, `no PriorityClass with name ${name} was found`);
        }
      } else {
        const all = (await lookup.list('scheduling.k8s.io', 'priorityclasses', '')) as Array<PriorityClassFields & { metadata: { name?: string } }>;
        // upstream picks the lowest-valued globalDefault class when several exist
        const def = all.filter((c) => c.globalDefault).sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
        value = def?.value ?? 0;
        if (def) {
          policy = def.preemptionPolicy ?? policy;
          spec.priorityClassName = def.metadata.name!;
        }
      }
      if (spec.priority !== undefined && spec.priority !== value) {
        throw forbidden(req, 'the integer value of priority (' + spec.priority + ') must not be provided in pod spec; priority admission controller computed ' + value + ' from the given PriorityClass name');
      }
      spec.priority = value;
      if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
        throw forbidden(req, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
      }
      spec.preemptionPolicy = policy;
    },
  };
}
