// Per-object Secret/ConfigMap watches for the pods of a node (fake client): only referenced objects are read, each
// narrowed by name in its namespace; changes kick the referencing pods; watches end with their last reference.
import { SecretKind, type Pod, type Secret } from '@kubets/api';
import { FakeClient, nopLogger, realClock } from '@kubets/client';
import { ReferencedObjects, podObjectRefs } from './referenced-objects';

const secret = (ns: string, name: string, v = 'a'): Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { namespace: ns, name }, data: { k: Buffer.from(v).toString('base64') } }) as unknown as Secret;
const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition not met');
};

describe('podObjectRefs', () => {
  it('finds secrets and configmaps in env, envFrom, volumes, projected sources and image pull secrets', () => {
    const pod = {
      metadata: { name: 'p', namespace: 'ns' },
      spec: {
        imagePullSecrets: [{ name: 'pull' }],
        initContainers: [{ name: 'i', envFrom: [{ secretRef: { name: 'init-env' } }] }],
        containers: [{
          name: 'c',
          env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's-key', key: 'k' } } }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'cm-key', key: 'k' } } }, { name: 'C', value: 'x' }],
          envFrom: [{ configMapRef: { name: 'cm-env' } }],
        }],
        volumes: [
          { name: 'v1', secret: { secretName: 's-vol' } },
          { name: 'v2', configMap: { name: 'cm-vol' } },
          { name: 'v3', projected: { sources: [{ secret: { name: 's-proj' } }, { configMap: { name: 'cm-proj' } }, { serviceAccountToken: { path: 't' } }] } },
          { name: 'v4', csi: { driver: 'd', nodePublishSecretRef: { name: 's-csi' } } },
          { name: 'v5', emptyDir: {} },
        ],
      },
    } as unknown as Pod;
    const r = podObjectRefs(pod);
    expect([...r.secrets].sort()).toEqual(['init-env', 'pull', 's-csi', 's-key', 's-proj', 's-vol']);
    expect([...r.configMaps].sort()).toEqual(['cm-env', 'cm-key', 'cm-proj', 'cm-vol']);
  });
});

describe('ReferencedObjects', () => {
  let client: FakeClient;
  let refs: ReferencedObjects<Secret>;
  let kicked: string[];
  beforeEach(() => {
    client = new FakeClient();
    kicked = [];
    client.seed(SecretKind, secret('ns', 'used'), secret('ns', 'other'), secret('ns2', 'used'));
    refs = new ReferencedObjects<Secret>({ client, kind: SecretKind, clock: realClock, logger: nopLogger, onChange: (uids) => kicked.push(...uids) });
  });
  afterEach(() => refs.close());

  it('reads only the referenced objects, by name in their namespace; never lists the cluster', async () => {
    refs.register('pod-a', 'ns', ['used', 'missing']);
    expect(await refs.waitSynced('pod-a', 2000)).toBe(true);
    expect(refs.get('ns', 'used')?.metadata.name).toBe('used');
    expect(refs.get('ns', 'missing')).toBeUndefined();
    expect(refs.get('ns', 'other')).toBeUndefined();
    expect(refs.get('ns2', 'used')).toBeUndefined();
    const reads = client.actions.filter((a) => a.resource === 'secrets');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((a) => (a.verb === 'list' || a.verb === 'watch') && a.namespace === 'ns')).toBe(true);
    expect(refs.size).toBe(2);
  });

  it('an added or changed object kicks the pods that reference it', async () => {
    refs.register('pod-a', 'ns', ['used', 'later']);
    refs.register('pod-b', 'ns', ['used']);
    await refs.waitSynced('pod-a', 2000);
    await refs.waitSynced('pod-b', 2000);
    kicked.length = 0;
    await client.resource(SecretKind).namespace('ns').update(secret('ns', 'used', 'b'));
    await until(() => kicked.length >= 2);
    expect(kicked.sort()).toEqual(['pod-a', 'pod-b']);
    kicked.length = 0;
    await client.resource(SecretKind).namespace('ns').create(secret('ns', 'later'));
    await until(() => kicked.length >= 1);
    expect(kicked).toEqual(['pod-a']);
    expect(refs.get('ns', 'later')).toBeDefined();
    // the unreferenced secret changes: nobody is told
    kicked.length = 0;
    await client.resource(SecretKind).namespace('ns').update(secret('ns', 'other', 'z'));
    await new Promise((r) => setTimeout(r, 50));
    expect(kicked).toEqual([]);
  });

  it('a watch lives while some pod references the object', async () => {
    refs.register('pod-a', 'ns', ['used']);
    refs.register('pod-b', 'ns', ['used']);
    await refs.waitSynced('pod-a', 2000);
    refs.unregister('pod-a');
    expect(refs.get('ns', 'used')).toBeDefined();
    refs.register('pod-b', 'ns', []);
    expect(refs.size).toBe(0);
    expect(refs.get('ns', 'used')).toBeUndefined();
  });
});
