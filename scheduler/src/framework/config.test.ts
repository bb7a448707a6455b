import { parseSchedulerConfiguration, resolvePlugins, defaultMultiPoint } from './config';
import { Framework, capabilitiesOf } from './framework';
import { inTreeRegistry } from '../plugins/registry';
import { testHandle } from '../testing/handle';

function fw(profile: Parameters<typeof parseSchedulerConfiguration>[0]) {
  const cfg = parseSchedulerConfiguration(profile);
  return new Framework(cfg.profiles[0]!, inTreeRegistry(), testHandle([]));
}

describe('KubeSchedulerConfiguration', () => {
  test('defaults', () => {
    const cfg = parseSchedulerConfiguration('');
    expect(cfg.profiles).toEqual([{ schedulerName: 'default-scheduler' }]);
    expect(cfg.leaderElection.leaderElect).toBe(true);
  });

  test('default profile: extension points and weights as upstream', () => {
    const f = fw('');
    expect(f.filterPlugins.map((p) => p.name)).toEqual(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']);
    expect(f.scorePlugins.map((s) => [s.plugin.name, s.weight])).toEqual([
      ['TaintToleration', 3],
      ['NodeAffinity', 2],
      ['NodeResourcesFit', 1],
      ['PodTopologySpread', 2],
      ['InterPodAffinity', 2],
      ['NodeResourcesBalancedAllocation', 1],
      ['ImageLocality', 1],
    ]);
    expect(f.postFilterPlugins.map((p) => p.name)).toEqual(['DefaultPreemption']);
    expect(f.bindPlugins.map((p) => p.name)).toEqual(['DefaultBinder']);
    expect(f.preEnqueuePlugins.map((p) => p.name)).toEqual(['SchedulingGates']);
    expect(f.queueSortPlugin?.name).toBe('PrioritySort');
  });

  test('profiles with enable/disable/weights and percentageOfNodesToScore', () => {
    const cfg = parseSchedulerConfiguration(`
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
profiles:
- schedulerName: default-scheduler
- schedulerName: no-scoring
  percentageOfNodesToScore: 10
  plugins:
    score:
      disabled:
      - name: '*'
    multiPoint:
      disabled:
      - name: DefaultPreemption
- schedulerName: weighted
  plugins:
    score:
      enabled:
      - name: NodeResourcesFit
        weight: 5
      disabled:
      - name: ImageLocality
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
`);
    expect(cfg.percentageOfNodesToScore).toBe(30);
    expect(cfg.profiles.map((p) => p.schedulerName)).toEqual(['default-scheduler', 'no-scoring', 'weighted']);
    const reg = inTreeRegistry();
    const noScoring = new Framework(cfg.profiles[1]!, reg, testHandle([]));
    expect(noScoring.scorePlugins).toHaveLength(0);
    expect(noScoring.postFilterPlugins).toHaveLength(0);
    expect(noScoring.percentageOfNodesToScore).toBe(10);
    const weighted = new Framework(cfg.profiles[2]!, reg, testHandle([]));
    expect(weighted.scorePlugins.find((s) => s.plugin.name === 'NodeResourcesFit')?.weight).toBe(5);
    expect(weighted.scorePlugins.some((s) => s.plugin.name === 'ImageLocality')).toBe(false);
  });

  test.each([
    ['kind: Deployment', /unexpected kind/],
    ['percentageOfNodesToScore: 101', /not in valid range/],
    ['profiles:\n- schedulerName: a\n- schedulerName: a', /Duplicate value: "a"/],
  ])('rejects %j', (text, err) => expect(() => parseSchedulerConfiguration(text)).toThrow(err));

  test('unknown plugin is an error', () => {
    expect(() => fw('profiles:\n- plugins:\n    filter:\n      enabled:\n      - name: Nope')).toThrow('plugin "Nope" does not exist');
  });

  test('multiPoint expands to every extension point a plugin implements', () => {
    const reg = inTreeRegistry();
    const caps = (n: string) => capabilitiesOf(reg[n]!(undefined, testHandle([])));
    const r = resolvePlugins(undefined, caps);
    expect(r.preFilter.map((p) => p.name)).toEqual(['NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']);
    expect(defaultMultiPoint.length).toBe(14);
  });
});
