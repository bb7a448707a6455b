import { findKind } from '@kubets/api';
import { threeWay } from './three-way';
import type { Schema } from './schema';

const schema = findKind('apps', 'v1', 'Deployment')!.schema as unknown as Schema;

const dep = (image: string, env: Array<{ name: string; value: string }>, labels: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels },
  spec: { template: { spec: { containers: [{ name: 'main', image, env }] } } },
});

describe('threeWay', () => {
  it('is empty when nothing changed', () => {
    const o = dep('a', [], { x: '1' });
    expect(threeWay(o, o, { ...o, status: { replicas: 1 } }, schema)).toEqual({});
  });

  it('deletes fields dropped since the last apply and keeps others', () => {
    const original = dep('a', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], { x: '1', y: '2' });
    const modified = dep('b', [{ name: 'A', value: '1' }], { x: '1' });
    const current = { ...dep('a', [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], { x: '1', y: '2', other: 'kept' }) };
    expect(threeWay(original, modified, current, schema)).toEqual({
      metadata: { labels: { y: null } },
      spec: { template: { spec: { containers: [{ name: 'main', image: 'b', env: [{ name: 'B', $patch: 'delete' }] }] } } },
    });
  });

  it('adds list items by merge key', () => {
    const original = dep('a', [], {});
    const modified = dep('a', [{ name: 'N', value: 'v' }], {});
    expect(threeWay(original, modified, original, schema)).toEqual({ spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'N', value: 'v' }] }] } } } });
  });
});
