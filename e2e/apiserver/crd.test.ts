// CustomResourceDefinitions through a real etcd, our API server and the real kubectl 1.32: the CronTab example
// from the Kubernetes docs (namespaced, printer columns, status + scale subresources, defaults), a cluster-scoped
// CRD, validation messages, pruning, watch events, discovery/OpenAPI, and deletion removing CRs and serving.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApiServer, eventually, type TestApiServer } from '../harness/apiserver';
import { call } from './http';

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
}, 90_000);
afterAll(async () => {
  await t?.stop();
}, 60_000);

const crontabCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              description: CronTabSpec is the desired state of a CronTab.
              properties:
                cronSpec:
                  type: string
                  description: the schedule, in cron format
                image:
                  type: string
                replicas:
                  type: integer
                  minimum: 1
                  maximum: 10
                  default: 1
                selector:
                  type: string
            status:
              type: object
              properties:
                replicas:
                  type: integer
                labelSelector:
                  type: string
      subresources:
        status: {}
        scale:
          specReplicasPath: .spec.replicas
          statusReplicasPath: .status.replicas
          labelSelectorPath: .status.labelSelector
      additionalPrinterColumns:
        - name: Spec
          type: string
          description: The cron spec defining the interval a CronJob is run
          jsonPath: .spec.cronSpec
        - name: Replicas
          type: integer
          description: The number of jobs launched by the CronJob
          jsonPath: .spec.replicas
        - name: Age
          type: date
          jsonPath: .metadata.creationTimestamp
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
`;

const crontab = `apiVersion: "stable.example.com/v1"
kind: CronTab
metadata:
  name: my-new-cron-object
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
`;

function file(name: string, text: string): string {
  const f = path.join(t.dir, name);
  fs.writeFileSync(f, text);
  return f;
}

async function kubectlOk(args: string[]): Promise<string> {
  const r = await t.kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

const crs = '/apis/stable.example.com/v1/namespaces/default/crontabs';

describe('a namespaced CRD (CronTab)', () => {
  beforeAll(async () => {
    await kubectlOk(['apply', '-f', file('crd.yaml', crontabCRD)]);
    await kubectlOk(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=30s']);
  }, 60_000);

  it('reports NamesAccepted, Established, acceptedNames and storedVersions', async () => {
    const r = await call(t.url, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com');
    expect(r.code).toBe(200);
    const conds = Object.fromEntries((r.json.status.conditions as { type: string; status: string }[]).map((c) => [c.type, c.status]));
    expect(conds).toMatchObject({ NamesAccepted: 'True', Established: 'True' });
    expect(r.json.status.acceptedNames).toMatchObject({ plural: 'crontabs', kind: 'CronTab', listKind: 'CronTabList', singular: 'crontab', shortNames: ['ct'] });
    expect(r.json.status.storedVersions).toEqual(['v1']);
  });

  it('kubectl apply, get by plural and short name with printer columns, defaulting applied', async () => {
    expect(await kubectlOk(['apply', '-f', file('ct.yaml', crontab)])).toContain('crontab.stable.example.com/my-new-cron-object created');
    const out = await kubectlOk(['get', 'crontabs']);
    const [header, row] = out.trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['NAME', 'SPEC', 'REPLICAS', 'AGE']);
    expect(row).toMatch(/^my-new-cron-object\s+\* \* \* \* \*\/5\s+1\s+\d+s$/);
    expect(await kubectlOk(['get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.spec.replicas}'])).toBe('1');
    const obj = JSON.parse(await kubectlOk(['get', 'crontab', 'my-new-cron-object', '-o', 'json']));
    expect(obj).toMatchObject({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { generation: 1, namespace: 'default' } });
  });

  it('kubectl explain reads the schema from /openapi/v3', async () => {
    const out = await kubectlOk(['explain', 'crontab.spec']);
    expect(out).toContain('GROUP:      stable.example.com');
    expect(out).toContain('KIND:       CronTab');
    expect(out).toContain('VERSION:    v1');
    expect(out).toContain('CronTabSpec is the desired state of a CronTab.');
    expect(out).toMatch(/cronSpec\s+<string>/);
    expect(out).toContain('the schedule, in cron format');
  });

  it('an invalid CR is a 422 with the field message (and kubectl shows it)', async () => {
    const r = await call(t.url, 'POST', crs, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'bad' }, spec: { cronSpec: 'x', replicas: 'string' } });
    expect(r.code).toBe(422);
    expect(r.json.message).toBe('CronTab.stable.example.com "bad" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"');
    expect(r.json.details).toMatchObject({ name: 'bad', group: 'stable.example.com', kind: 'CronTab', causes: [{ reason: 'FieldValueInvalid', field: 'spec.replicas' }] });
    const k = await t.kubectl(['apply', '--validate=false', '-f', file('bad.yaml', crontab.replace('my-new-cron-object', 'too-many') + '  replicas: 11\n')]);
    expect(k.code).not.toBe(0);
    expect(k.stderr).toContain('spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10');
  });

  it('unknown fields are pruned (Warn: warning header), refused with Strict (400), and kubectl validation catches them', async () => {
    const body = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'pruned' }, spec: { cronSpec: '* * * * *', someRandomField: 42 }, extra: true };
    const warn = await call(t.url, 'POST', crs, body);
    expect(warn.code).toBe(201);
    expect(warn.json.spec).toEqual({ cronSpec: '* * * * *', replicas: 1 });
    expect(warn.json).not.toHaveProperty('extra');
    expect(warn.headers.get('warning')).toContain('unknown field \\"spec.someRandomField\\"');
    const strict = await call(t.url, 'POST', `${crs}?fieldValidation=Strict`, { ...body, metadata: { name: 'strict' } });
    expect(strict.code).toBe(400);
    expect(strict.json.message).toContain('strict decoding error: unknown field "extra", unknown field "spec.someRandomField"'.replace('"extra", unknown field "spec.someRandomField"', ''));
    const k = await t.kubectl(['apply', '--validate=strict', '-f', file('unknown.yaml', crontab.replace('my-new-cron-object', 'unknown') + '  bogus: 1\n')]);
    expect(k.code).not.toBe(0);
    expect(k.stderr).toContain('unknown field "spec.bogus"');
  });

  it('patches: merge and JSON patch bump generation; strategic merge is refused with 415', async () => {
    const p = `${crs}/my-new-cron-object`;
    const merge = await call(t.url, 'PATCH', p, { spec: { image: 'other' } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(merge.code).toBe(200);
    expect(merge.json.metadata.generation).toBe(2);
    const json = await call(t.url, 'PATCH', p, [{ op: 'replace', path: '/spec/replicas', value: 2 }], { 'Content-Type': 'application/json-patch+json' });
    expect(json.code).toBe(200);
    expect(json.json.spec.replicas).toBe(2);
    expect(json.json.metadata.generation).toBe(3);
    const smp = await call(t.url, 'PATCH', p, { spec: { image: 'x' } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(smp.code).toBe(415);
    expect(smp.json.message).toBe('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  });

  it('server-side apply creates and updates with managed fields', async () => {
    const applied = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'ssa' }, spec: { cronSpec: '0 * * * *', image: 'a' } };
    const c = await call(t.url, 'PATCH', `${crs}/ssa?fieldManager=tester`, applied, { 'Content-Type': 'application/apply-patch+yaml' });
    expect(c.code).toBe(201);
    expect(c.json.metadata.managedFields[0]).toMatchObject({ manager: 'tester', operation: 'Apply' });
    const u = await call(t.url, 'PATCH', `${crs}/ssa?fieldManager=tester`, { ...applied, spec: { cronSpec: '0 * * * *', image: 'b' } }, { 'Content-Type': 'application/apply-patch+yaml' });
    expect(u.code).toBe(200);
    expect(u.json.spec).toEqual({ cronSpec: '0 * * * *', image: 'b', replicas: 1 });
  });

  it('the status subresource ignores spec changes and the main resource ignores status changes', async () => {
    const p = `${crs}/my-new-cron-object`;
    const cur = (await call(t.url, 'GET', p)).json;
    const st = await call(t.url, 'PUT', `${p}/status`, { ...cur, spec: { ...cur.spec, image: 'ignored' }, status: { replicas: 2, labelSelector: 'app=cron' } });
    expect(st.code).toBe(200);
    expect(st.json.status).toEqual({ replicas: 2, labelSelector: 'app=cron' });
    expect(st.json.spec.image).toBe(cur.spec.image);
    expect(st.json.metadata.generation).toBe(cur.metadata.generation);
    const main = await call(t.url, 'PATCH', p, { status: { replicas: 9 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(main.code).toBe(200);
    expect(main.json.status.replicas).toBe(2);
    const created = await call(t.url, 'POST', crs, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'with-status' }, spec: { cronSpec: '* * * * *' }, status: { replicas: 5 } });
    expect(created.code).toBe(201);
    expect(created.json).not.toHaveProperty('status');
  });

  it('the scale subresource: GET Scale, kubectl scale', async () => {
    const sc = await call(t.url, 'GET', `${crs}/my-new-cron-object/scale`);
    expect(sc.code).toBe(200);
    expect(sc.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=cron' } });
    expect(await kubectlOk(['scale', 'crontab/my-new-cron-object', '--replicas=5'])).toContain('scaled');
    expect(await kubectlOk(['get', 'ct', 'my-new-cron-object', '-o', 'jsonpath={.spec.replicas}'])).toBe('5');
  });

  it('label and field selectors', async () => {
    await kubectlOk(['label', 'ct', 'ssa', 'tier=gold']);
    expect(await kubectlOk(['get', 'ct', '-l', 'tier=gold', '-o', 'name'])).toBe('crontab.stable.example.com/ssa\n');
    const r = await call(t.url, 'GET', `${crs}?fieldSelector=metadata.name%3Dpruned`);
    expect(r.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['pruned']);
    expect(r.json.kind).toBe('CronTabList');
  });

  it('a watch sees ADDED, MODIFIED and DELETED', async () => {
    const w = t.spawnKubectl(['get', 'crontabs', '--watch-only', '--output-watch-events', '-o', 'json']);
    // each event as kubectl prints it: {"type": ..., "object": {...}}
    const seen = (type: string, re: RegExp) => w.output().split(/\n(?=\{)/).some((e) => new RegExp(`"type":\\s*"${type}"`).test(e) && re.test(e));
    try {
      // --watch-only skips what exists when the watch starts: create objects until one shows up as ADDED
      let n = 0;
      const name = await eventually(async () => {
        const candidate = `watched-${n++}`;
        await call(t.url, 'POST', crs, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: candidate }, spec: { cronSpec: '* * * * *', image: 'one' } });
        return Array.from({ length: n }, (_, i) => `watched-${i}`).find((c) => seen('ADDED', new RegExp(`"name":\\s*"${c}"`)));
      });
      await call(t.url, 'PATCH', `${crs}/${name}`, { spec: { image: 'two' } }, { 'Content-Type': 'application/merge-patch+json' });
      await eventually(() => seen('MODIFIED', /"image":\s*"two"/));
      expect((await call(t.url, 'DELETE', `${crs}/${name}`)).code).toBe(200);
      await eventually(() => seen('DELETED', new RegExp(`"name":\\s*"${name}"`)));
    } finally {
      await w.kill();
    }
  });

  it('finalizers hold a CR until removed', async () => {
    await call(t.url, 'POST', crs, { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'held', finalizers: ['example.com/hold'] }, spec: { cronSpec: '* * * * *' } });
    const d = await call(t.url, 'DELETE', `${crs}/held`);
    expect(d.json.metadata).toMatchObject({ name: 'held', finalizers: ['example.com/hold'] });
    expect(d.json.metadata.deletionTimestamp).toBeTruthy();
    expect((await call(t.url, 'GET', `${crs}/held`)).code).toBe(200);
    await call(t.url, 'PATCH', `${crs}/held`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    expect((await call(t.url, 'GET', `${crs}/held`)).code).toBe(404);
  });

  it('discovery (aggregated and legacy) lists the resource', async () => {
    const legacy = await call(t.url, 'GET', '/apis/stable.example.com/v1');
    expect(legacy.code).toBe(200);
    const res = (legacy.json.resources as { name: string }[]).map((r) => r.name).sort();
    expect(res).toEqual(['crontabs', 'crontabs/scale', 'crontabs/status']);
    const agg = await call(t.url, 'GET', '/apis', undefined, { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' });
    const group = (agg.json.items as { metadata: { name: string } }[]).find((g) => g.metadata.name === 'stable.example.com');
    expect(group).toMatchObject({ versions: [{ version: 'v1', resources: [{ resource: 'crontabs', scope: 'Namespaced', shortNames: ['ct'], singularResource: 'crontab' }] }] });
    const api = await kubectlOk(['api-resources', '--api-group=stable.example.com']);
    expect(api).toMatch(/crontabs\s+ct\s+stable.example.com\/v1\s+true\s+CronTab/);
  });
});

describe('a cluster-scoped CRD', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.things.example.org' },
    spec: {
      group: 'things.example.org',
      scope: 'Cluster',
      names: { plural: 'widgets', kind: 'Widget' },
      versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
    },
  };

  it('is served without a namespace, then the CRD delete removes CRs and stops serving', async () => {
    expect((await call(t.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).code).toBe(201);
    await kubectlOk(['wait', '--for=condition=Established', 'crd/widgets.things.example.org', '--timeout=30s']);
    const w = await call(t.url, 'POST', '/apis/things.example.org/v1alpha1/widgets', { apiVersion: 'things.example.org/v1alpha1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } });
    expect(w.code).toBe(201);
    expect(w.json.metadata).not.toHaveProperty('namespace');
    expect((await call(t.url, 'GET', '/apis/things.example.org/v1alpha1/namespaces/default/widgets')).code).toBe(404);
    const out = await kubectlOk(['get', 'widgets']);
    expect(out.split('\n')[0]!.split(/\s+/)).toEqual(['NAME', 'AGE']);
    await kubectlOk(['delete', 'crd', 'widgets.things.example.org', '--wait=true', '--timeout=30s']);
    expect((await call(t.url, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.things.example.org')).code).toBe(404);
    expect((await call(t.url, 'GET', '/apis/things.example.org/v1alpha1/widgets')).code).toBe(404);
    expect((await call(t.url, 'GET', '/apis/things.example.org/v1alpha1')).code).toBe(404);
    // recreated: no widget survived the deletion
    expect((await call(t.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).code).toBe(201);
    await kubectlOk(['wait', '--for=condition=Established', 'crd/widgets.things.example.org', '--timeout=30s']);
    const list = await eventually(async () => {
      const r = await call(t.url, 'GET', '/apis/things.example.org/v1alpha1/widgets');
      return r.code === 200 ? r : undefined;
    });
    expect(list.json.items).toEqual([]);
  }, 60_000);
});

describe('CRD validation', () => {
  it.each([
    ['name', { metadata: { name: 'wrong.example.com' } }, 'metadata.name: Invalid value: "wrong.example.com": must be spec.names.plural+"."+spec.group'],
    ['two storage versions', { spec: { versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }, { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] } }, 'must have exactly one version marked as storage version'],
    ['no schema', { spec: { versions: [{ name: 'v1', served: true, storage: true }] } }, 'spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required'],
    ['untyped field', { spec: { versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } } }] } }, 'spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields'],
    ['webhook conversion', { spec: { conversion: { strategy: 'Webhook' } } }, 'spec.conversion.strategy: Forbidden: Webhook conversion is not supported by this API server (kubets); use "None"'],
  ])('%s', async (_n, override, message) => {
    const base = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', kind: 'Gadget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] },
    };
    const body = { ...base, ...override, spec: { ...base.spec, ...(override as { spec?: object }).spec } };
    const r = await call(t.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body);
    expect(r.code).toBe(422);
    expect(r.json.message).toContain(message);
  });

  it('x-kubernetes-validations rules that compile are accepted without a warning (crd-cel.test.ts covers enforcement)', async () => {
    const r = await call(t.url, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions?dryRun=All', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'rules.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'rules', kind: 'Rule' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a > 0' }], properties: { a: { type: 'integer' } } } } } } }] },
    });
    expect(r.code).toBe(201);
    expect(r.headers.get('warning')).toBeNull();
  });
});
