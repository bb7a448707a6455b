// A Handle over a fixed snapshot, for plugin unit tests.
import type { Handle, FrameworkRunner, SchedulerClient } from '../framework/interfaces';
import { Snapshot } from '../cache/snapshot';
import type { NodeInfo } from '../framework/node-info';
import { Nominator } from '../queue/nominator';
import { RecordingClient } from './builders';
import type { Pod } from '../types';
import type { Labels } from '../util/labels';

export function testHandle(
  nodes: NodeInfo[],
  o: { client?: SchedulerClient; ownerSelectors?: (pod: Pod) => Array<(l: Labels) => boolean>; framework?: FrameworkRunner; namespaceLabels?: (ns: string) => Labels } = {},
): Handle & { snap: Snapshot } {
  const snap = Snapshot.of(nodes);
  const nominator = new Nominator();
  return {
    snap,
    snapshot: () => snap,
    client: o.client ?? new RecordingClient(),
    nominator,
    framework: () => {
      if (!o.framework) throw new Error('no framework in this test handle');
      return o.framework;
    },
    namespaceLabels: o.namespaceLabels ?? (() => undefined),
    ownerSelectors: o.ownerSelectors ?? (() => []),
    podPriority: (p) => p.spec?.priority ?? 0,
    now: () => Date.now(),
  };
}
