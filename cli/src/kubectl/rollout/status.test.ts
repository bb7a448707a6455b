import { deploymentStatus } from './status';

const d = (gen: number, spec: number, st: Record<string, unknown>) => ({ metadata: { name: 'web', generation: gen }, spec: { replicas: spec }, status: st });

describe('deploymentStatus', () => {
  it.each([
    [d(2, 3, { observedGeneration: 1 }), 'Waiting for deployment spec update to be observed...', false],
    [d(1, 3, { observedGeneration: 1, updatedReplicas: 1 }), 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...', false],
    [d(1, 3, { observedGeneration: 1, updatedReplicas: 3, replicas: 4 }), 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...', false],
    [d(1, 3, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 1 }), 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...', false],
    [d(1, 3, { observedGeneration: 1, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }), 'deployment "web" successfully rolled out', true],
  ])('%#', (obj, message, done) => {
    expect(deploymentStatus(obj)).toEqual({ message, done });
  });
  it('fails on ProgressDeadlineExceeded', () => {
    expect(() => deploymentStatus(d(1, 3, { observedGeneration: 1, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] }))).toThrow('deployment "web" exceeded its progress deadline');
  });
});
