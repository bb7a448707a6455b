// DynamicControllerClientBuilder with the fake client and the fake clock: the account is created when missing,
// each controller client carries only its own token, tokens are renewed at 80% of their lifetime without a new
// client, failures are retried with upstream's backoff.
import { NamespaceKind, ServiceAccountKind, errors } from '@kubets/api';
import { FakeClient, FakeClock, flushPromises, type RestConfig, type TokenSource } from '@kubets/client';
import { DynamicControllerClientBuilder, SimpleControllerClientBuilder, type TokenRequester } from './builder';
import { controllerServiceAccounts, serviceAccountFor } from './service-accounts';
import { controllerDescriptors } from '../registry';

function setup(requestToken?: (clock: FakeClock) => TokenRequester) {
  const clock = new FakeClock();
  const core = new FakeClient({ clock });
  core.seed(NamespaceKind, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
  const issued: Array<{ namespace: string; name: string; expirationSeconds: number }> = [];
  const requester: TokenRequester =
    requestToken?.(clock) ??
    (async (namespace, name, expirationSeconds) => {
      issued.push({ namespace, name, expirationSeconds });
      return { token: `${name}-${issued.length}`, expirationTimestamp: new Date(clock.now() + expirationSeconds * 1000).toISOString() };
    });
  const built: Array<{ config: RestConfig; tokens: TokenSource }> = [];
  const builder = new DynamicControllerClientBuilder({
    coreClient: core,
    requestToken: requester,
    config: { server: 'https://127.0.0.1:6443', caData: 'CA', certData: 'CERT', keyData: 'KEY', userAgent: 'kube-controller-manager' },
    clock,
    newClient: (config, tokens) => {
      built.push({ config, tokens });
      return new FakeClient({ clock });
    },
  });
  return { clock, core, issued, built, builder };
}

describe('DynamicControllerClientBuilder', () => {
  it('creates the ServiceAccount in kube-system when missing and builds a credential-less client named after it', async () => {
    const { core, built, builder } = setup();
    await builder.client('replicaset-controller');
    expect((await core.resource(ServiceAccountKind).namespace('kube-system').get('replicaset-controller')).metadata.name).toBe('replicaset-controller');
    expect(built).toHaveLength(1);
    expect(built[0]!.config).toEqual({ server: 'https://127.0.0.1:6443', caData: 'CA', userAgent: 'kube-controller-manager/system:serviceaccount:kube-system:replicaset-controller' });
  });

  it('keeps an existing ServiceAccount and reuses one client per account', async () => {
    const { core, built, builder } = setup();
    core.seed(ServiceAccountKind, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'node-controller', namespace: 'kube-system' } });
    const a = await builder.client('node-controller');
    const b = await builder.client('node-controller');
    expect(a).toBe(b);
    expect(built).toHaveLength(1);
    expect(core.actions.filter((x) => x.verb === 'create')).toEqual([]);
  });

  it('requests a 3600s token and renews it at 80% of its lifetime, in the same client', async () => {
    const { clock, issued, built, builder } = setup();
    await builder.client('deployment-controller');
    const tokens = built[0]!.tokens;
    expect(await tokens.token()).toBe('deployment-controller-1');
    expect(issued).toEqual([{ namespace: 'kube-system', name: 'deployment-controller', expirationSeconds: 3600 }]);
    clock.step(2879_000); // just before 80% of 3600s
    expect(await tokens.token()).toBe('deployment-controller-1');
    clock.step(1000);
    expect(await tokens.token()).toBe('deployment-controller-2');
    expect(issued).toHaveLength(2);
    tokens.reset?.(); // a 401: the next request gets a fresh token
    expect(await tokens.token()).toBe('deployment-controller-3');
  });

  it('pins a too-short lifetime to 10 minutes', async () => {
    let n = 0;
    const { clock, built, builder } = setup((c) => async () => ({ token: `t${++n}`, expirationTimestamp: new Date(c.now() - 5000).toISOString() }));
    await builder.client('job-controller');
    expect(await built[0]!.tokens.token()).toBe('t1');
    clock.step(8 * 60_000 - 1); // 80% of 10 minutes
    expect(await built[0]!.tokens.token()).toBe('t1');
    clock.step(1);
    expect(await built[0]!.tokens.token()).toBe('t2');
  });

  it('retries a failing TokenRequest with backoff and gives up after 4 attempts', async () => {
    let calls = 0;
    const { clock, built, builder } = setup(() => async () => {
      calls++;
      throw errors.forbidden({ group: '', resource: 'serviceaccounts/token' }, 'x', 'denied');
    });
    await builder.client('job-controller');
    const p = built[0]!.tokens.token();
    const outcome = p.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await flushPromises();
    expect(calls).toBe(1);
    await clock.tick(500);
    expect(calls).toBe(2);
    await clock.tick(1000);
    expect(calls).toBe(3);
    await clock.tick(2000);
    expect(calls).toBe(4);
    expect(await outcome).toBe('failed to get token for kube-system/job-controller: timed out waiting for the condition');
  });

  it('fails client() when the ServiceAccount cannot be created', async () => {
    const { core, builder } = setup();
    core.prependReactor((a) => {
      if (a.verb === 'create' && a.resource === 'serviceaccounts') throw errors.forbidden({ group: '', resource: 'serviceaccounts' }, 'x', 'no');
    });
    await expect(builder.client('x')).rejects.toMatchObject({ status: { reason: 'Forbidden' } });
  });
});

describe('SimpleControllerClientBuilder', () => {
  it('hands out the root client', async () => {
    const root = new FakeClient();
    expect(await new SimpleControllerClientBuilder(root).client()).toBe(root);
  });
});

describe('controller service accounts', () => {
  it('has an explicit upstream account for every registered controller', () => {
    expect(controllerDescriptors.map((d) => d.name).filter((n) => !(n in controllerServiceAccounts))).toEqual([]);
    expect(serviceAccountFor('garbage-collector-controller')).toBe('generic-garbage-collector');
    expect(serviceAccountFor('daemonset-controller')).toBe('daemon-set-controller');
  });
});
