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

export function defaultTolerationSeconds(seconds = defaultTolerationSecondsValue): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    admit(req) {
      if (req.operation !== 'CREATE' || !isPod(req)) return;
      const spec = (req.obj.spec ??= {}) as { tolerations?: Toleration[] };
      const list = spec.tolerations ?? [];
      for (const key of taints) {
        if (list.some((t) => tolerates(t, key))) continue;
        list.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
      }
      spec.tolerations = list;
    },
  };
}
