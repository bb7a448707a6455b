import { CycleState } from '../framework/cycle-state';
import { SchedulerCache } from '../cache/cache';
import { Snapshot } from '../cache/snapshot';
import { makeNode, makePod } from '../testing/builders';
import { testHandle } from '../testing/handle';
import { newImageLocality, normalizedImageName, imageLocalityScore } from './image-locality';

const MB = 1024 * 1024;

describe('ImageLocality', () => {
  test.each([
    ['nginx', 'nginx:latest'],
    ['nginx:1.25', 'nginx:1.25'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['repo/app@sha256:abc', 'repo/app@sha256:abc'],
  ])('normalize %s', (input, want) => expect(normalizedImageName(input)).toBe(want));

  test.each([
    [0, 1, 0],
    [23 * MB, 1, 0],
    [1000 * MB, 1, 100],
    [2000 * MB, 1, 100],
  ])('score(sum=%d, containers=%d)=%d', (sum, n, want) => expect(imageLocalityScore(sum, n)).toBe(want));

  test('nodes having big images spread over the cluster score higher', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('has', { images: [{ names: ['big:1'], sizeBytes: 500 * MB }] }));
    cache.addNode(makeNode('has2', { images: [{ names: ['big:1'], sizeBytes: 500 * MB }] }));
    cache.addNode(makeNode('none'));
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    const h = testHandle([...snap.list()]);
    const pl = newImageLocality(undefined, h);
    const pod = makePod('p', { image: 'big:1' });
    const scores = Object.fromEntries(snap.list().map((n) => [n.name, pl.score(new CycleState(), pod, n)]));
    // 500MB * 2/3 spread = 333MB → (333-23)/(1000-23)*100 = 31
    expect(scores).toEqual({ has: 31, has2: 31, none: 0 });
  });
});
