import type { Pod, ContainerStatus } from '@kubets/api';
import { podPhase, podConditions } from './status';

const pod = (policy: string, containers: string[], inits: string[] = []): Pod =>
  ({ metadata: { name: 'p' }, spec: { restartPolicy: policy, containers: containers.map((name) => ({ name })), initContainers: inits.map((name) => ({ name })) } }) as unknown as Pod;
const running = (name: string, ready = true): ContainerStatus => ({ name, ready, restartCount: 0, image: '', imageID: '', state: { running: {} } });
const exited = (name: string, code: number): ContainerStatus => ({ name, ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode: code } } });
const waiting = (name: string, lastCode?: number): ContainerStatus => ({ name, ready: false, restartCount: 1, image: '', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } }, ...(lastCode !== undefined ? { lastState: { terminated: { exitCode: lastCode } } } : {}) });

describe('podPhase', () => {
  it.each<[string, Pod, ContainerStatus[], ContainerStatus[], string]>([
    ['nothing started', pod('Always', ['a']), [], [], 'Pending'],
    ['all running', pod('Always', ['a', 'b']), [], [running('a'), running('b')], 'Running'],
    ['one still creating', pod('Always', ['a', 'b']), [], [running('a'), waiting('b')], 'Pending'],
    ['Always + exited → Running', pod('Always', ['a']), [], [exited('a', 0)], 'Running'],
    ['Always + crash loop → Running', pod('Always', ['a']), [], [waiting('a', 1)], 'Running'],
    ['Never + all succeeded', pod('Never', ['a', 'b']), [], [exited('a', 0), exited('b', 0)], 'Succeeded'],
    ['Never + one failed', pod('Never', ['a', 'b']), [], [exited('a', 0), exited('b', 2)], 'Failed'],
    ['Never + one running one failed', pod('Never', ['a', 'b']), [], [running('a'), exited('b', 2)], 'Running'],
    ['OnFailure + succeeded', pod('OnFailure', ['a']), [], [exited('a', 0)], 'Succeeded'],
    ['OnFailure + failed (will restart)', pod('OnFailure', ['a']), [], [exited('a', 1)], 'Running'],
    ['init pending', pod('Always', ['a'], ['i']), [running('i')], [], 'Pending'],
    ['init failed, Never', pod('Never', ['a'], ['i']), [exited('i', 1)], [], 'Failed'],
    ['init failed, Always (retries)', pod('Always', ['a'], ['i']), [exited('i', 1)], [], 'Pending'],
    ['init done', pod('Always', ['a'], ['i']), [exited('i', 0)], [running('a')], 'Running'],
  ])('%s', (_n, p, init, app, want) => expect(podPhase(p, init, app)).toBe(want));
});

describe('podConditions', () => {
  const byType = (cs: ReturnType<typeof podConditions>) => Object.fromEntries(cs.map((c) => [c.type, c.status]));
  it('ready when all containers are ready', () => {
    expect(byType(podConditions(pod('Always', ['a']), 'Running', true, [], [running('a')]))).toEqual({ PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' });
  });
  it('not ready, with the upstream message', () => {
    const cs = podConditions(pod('Always', ['a', 'b']), 'Running', true, [], [running('a'), running('b', false)]);
    const ready = cs.find((c) => c.type === 'Ready')!;
    expect(ready).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [b]' });
  });
  it('init incomplete', () => {
    const cs = podConditions(pod('Always', ['a'], ['i1', 'i2']), 'Pending', true, [exited('i1', 0), running('i2')], []);
    expect(cs.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [i2]' });
  });
  it('completed pods are not ready (PodCompleted)', () => {
    const cs = podConditions(pod('Never', ['a']), 'Succeeded', false, [], [exited('a', 0)]);
    expect(cs.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });
});
