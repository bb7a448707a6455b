import { NamespaceKind, ServiceAccountKind } from '@kubets/api';
import { Harness } from '../../testing/harness';
import { ServiceAccountsController } from './controller';

describe('ServiceAccountsController', () => {
  let h: Harness;
  let c: ServiceAccountsController;
  beforeEach(async () => {
    h = new Harness();
    c = new ServiceAccountsController({ client: h.client, informers: h.informers, recorder: h.recorder, clock: h.clock });
  });
  afterEach(() => h.stop());

  it('creates default in every active namespace, recreates it when deleted, skips terminating namespaces', async () => {
    await h.client.resource(NamespaceKind).create({ metadata: { name: 'a' } });
    await h.client.resource(NamespaceKind).create({ metadata: { name: 'dying', finalizers: ['x/y'] } });
    await h.client.resource(NamespaceKind).delete('dying');
    await h.start();
    expect(c.queue.len()).toBe(2);
    await c.sync('a');
    await c.sync('dying');
    expect((await h.list(ServiceAccountKind, 'a')).map((s) => s.metadata.name)).toEqual(['default']);
    expect(await h.list(ServiceAccountKind, 'dying')).toEqual([]);

    await h.settle();
    await c.sync('a'); // idempotent
    expect(await h.list(ServiceAccountKind, 'a')).toHaveLength(1);

    while (c.queue.len()) c.queue.done((await c.queue.get())!);
    await h.client.resource(ServiceAccountKind).namespace('a').delete('default');
    await h.settle();
    expect(c.queue.len()).toBe(1);
    await c.sync('a');
    expect((await h.list(ServiceAccountKind, 'a')).map((s) => s.metadata.name)).toEqual(['default']);
  });

  it('treats AlreadyExists as success', async () => {
    await h.client.resource(NamespaceKind).create({ metadata: { name: 'b' } });
    await h.start();
    await h.client.resource(ServiceAccountKind).namespace('b').create({ metadata: { name: 'default' } });
    await c.sync('b'); // the cache may not have it yet
    expect(await h.list(ServiceAccountKind, 'b')).toHaveLength(1);
  });
});
