// CRD x-kubernetes-validations (CEL) through the real API server and kubectl 1.32: rules refuse bad custom
// resources with upstream's message, transition rules (oldSelf) make a field immutable, and a CRD whose rule does
// not compile is refused.
import { startTestApiServer, eventually, type TestApiServer, type KubectlResult } from '../harness/apiserver';

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
}, 60_000);
afterAll(async () => {
  await t?.stop();
}, 30_000);

const apply = (doc: unknown): Promise<KubectlResult> => t.kubectl(['apply', '-f', '-'], { input: JSON.stringify(doc) });

function crd(specSchema: Record<string, unknown>) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'scalers.cel.example.com' },
    spec: {
      group: 'cel.example.com',
      scope: 'Namespaced',
      names: { plural: 'scalers', singular: 'scaler', kind: 'Scaler' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: specSchema } } } }],
    },
  };
}

const scaler = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'cel.example.com/v1', kind: 'Scaler', metadata: { name, namespace: 'default' }, spec });

describe('CRD validation rules (CEL)', () => {
  beforeAll(async () => {
    const r = await apply(
      crd({
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'self.minReplicas <= self.replicas', message: 'minReplicas must not exceed replicas' }],
        properties: {
          replicas: { type: 'integer' },
          minReplicas: { type: 'integer' },
          owner: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'owner is immutable' }] },
        },
      }),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await eventually(async () => {
      const w = await t.kubectl(['wait', '--for=condition=Established', 'crd/scalers.cel.example.com', '--timeout=5s']);
      return w.code === 0;
    });
  }, 60_000);

  it('refuses a custom resource that breaks a rule with the rule message, accepts one that holds', async () => {
    const bad = await apply(scaler('bad', { replicas: 1, minReplicas: 3 }));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('The Scaler "bad" is invalid: spec: Invalid value: "object": minReplicas must not exceed replicas');
    const good = await apply(scaler('good', { replicas: 3, minReplicas: 1, owner: 'alice' }));
    expect(good.stderr).toBe('');
    expect(good.stdout).toContain('scaler.cel.example.com/good created');
  });

  it('a transition rule (self == oldSelf) makes a field immutable on update', async () => {
    expect((await apply(scaler('imm', { replicas: 2, minReplicas: 1, owner: 'alice' }))).code).toBe(0);
    const patch = (spec: Record<string, unknown>) => t.kubectl(['patch', 'scaler', 'imm', '--type=merge', '-p', JSON.stringify({ spec })]);
    const changed = await patch({ owner: 'bob' });
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toContain('spec.owner: Invalid value: "string": owner is immutable');
    const other = await patch({ replicas: 4 });
    expect(other.stderr).toBe('');
    expect(other.stdout).toContain('scaler.cel.example.com/imm patched');
  });

  it('refuses a CRD whose rule does not compile (422, compilation failed)', async () => {
    const doc = crd({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.replicas >' }], properties: { replicas: { type: 'integer' } } });
    doc.metadata.name = 'broken.cel.example.com';
    doc.spec.group = 'cel.example.com';
    doc.spec.names = { plural: 'broken', singular: 'broken', kind: 'Broken' };
    const r = await apply(doc);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('The CustomResourceDefinition "broken.cel.example.com" is invalid: spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:"self.replicas >"');
    expect(r.stderr).toContain('compilation failed: ERROR: <input>:1:');
    expect((await t.kubectl(['get', 'crd', 'broken.cel.example.com'])).code).not.toBe(0);
  });
});
