// DefaultTolerationSeconds: pods tolerate node.kubernetes.io/not-ready and /unreachable (NoExecute) for 300 s
// unless they already tolerate them, so the node lifecycle controller evicts them after five minutes.
import type { AdmissionPlugin } from './interface';
import { isPod } from './interface';

export const defaultTolerationSecondsValue = 300;
const taints = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** True when t tolerates a NoExecute taint with this key (empty key + Exists tolerates everything). */
function tolerates(t: Toleration, key: string): boolean {
  const effectOk = !t.effect || t.effect === 'NoExecute';
  const keyOk = t.key === key || (!t.key && t.operator === 'Exists');
  return effectOk && keyOk;
}

/** --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds (both 300 by default). */
export interface DefaultTolerationOptions {
  notReadySeconds?: number;
  unreachableSeconds?: number;
}

export function defaultTolerationSeconds(opts: DefaultTolerationOptions = {}): AdmissionPlugin {
  const seconds: Record<string, number> = {
    [taints[0]!]: opts.notReadySeconds ?? defaultTolerationSecondsValue,
    [taints[1]!]: opts.unreachableSeconds ?? defaultTolerationSecondsValue,
  };
  return {
    name: 'DefaultTolerationSeconds',
    admit(req) {
      // on update too (as upstream): a replace with the original manifest must not look like a tolerations change
      if (!isPod(req)) return;
      const spec = (req.obj.spec ??= {}) as { tolerations?: Toleration[] };
      const list = spec.tolerations ?? [];
      for (const key of taints) {
        if (list.some((t) => tolerates(t, key))) continue;
        list.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds[key]! });
      }
      spec.tolerations = list;
    },
  };
}
