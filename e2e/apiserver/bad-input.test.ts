// Hostile and malformed requests get the right Status, never crash the server, and never corrupt stored objects.
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { call } from './http';

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
}, 90_000);
afterAll(async () => {
  await t?.stop();
}, 60_000);

const cms = '/api/v1/namespaces/default/configmaps';
const deploys = '/apis/apps/v1/namespaces/default/deployments';

function expectStatus(r: { code: number; json: any }, code: number, reason?: string): void {
  expect(r.code).toBe(code);
  expect(r.json?.kind).toBe('Status');
  expect(r.json.code).toBe(code);
  if (reason) expect(r.json.reason).toBe(reason);
}

describe('bad input', () => {
  it('malformed JSON, YAML and protobuf are 400', async () => {
    expectStatus(await call(t.url, 'POST', cms, '{"metadata": {"name": "x"'), 400, 'BadRequest');
    expectStatus(await call(t.url, 'POST', cms, ''), 400, 'BadRequest');
    expectStatus(await call(t.url, 'POST', cms, 'metadata: [unclosed', { 'Content-Type': 'application/yaml' }), 400, 'BadRequest');
    expectStatus(await call(t.url, 'POST', cms, Buffer.from('k8s\0\x0a\xff\xff\xff'), { 'Content-Type': 'application/vnd.kubernetes.protobuf' }), 400, 'BadRequest');
    expectStatus(await call(t.url, 'POST', cms, 'hello', { 'Content-Type': 'text/plain' }), 415, 'UnsupportedMediaType');
    expectStatus(await call(t.url, 'POST', cms, '[1,2,3]'), 400, 'BadRequest');
  });

  it('YAML bodies are accepted', async () => {
    const r = await call(t.url, 'POST', cms, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: b\n', { 'Content-Type': 'application/yaml' });
    expect(r.code).toBe(201);
    expect(r.json.data).toEqual({ a: 'b' });
  });

  it('wrong kind or apiVersion is 400', async () => {
    expectStatus(await call(t.url, 'POST', cms, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }), 400);
    expectStatus(await call(t.url, 'POST', cms, { apiVersion: 'apps/v1', kind: 'ConfigMap', metadata: { name: 'x' } }), 400);
  });

  it('invalid names are 422 with causes', async () => {
    const r = await call(t.url, 'POST', cms, { metadata: { name: 'Not_Valid' } });
    expectStatus(r, 422, 'Invalid');
    expect(r.json.details.causes[0].field).toBe('metadata.name');
    expectStatus(await call(t.url, 'POST', cms, { metadata: {} }), 422, 'Invalid');
  });

  it('unknown fields: Strict 400, Warn header, Ignore drops', async () => {
    const body = { metadata: { name: 'uf' }, data: { a: 'b' }, spec: { foo: 1 } };
    const strict = await call(t.url, 'POST', `${cms}?fieldValidation=Strict`, body);
    expectStatus(strict, 400, 'BadRequest');
    expect(strict.json.message).toBe('strict decoding error: unknown field "spec"');
    const warn = await call(t.url, 'POST', `${cms}?fieldValidation=Warn`, body);
    expect(warn.code).toBe(201);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec\\""');
    expect(warn.json.spec).toBeUndefined();
    const ign = await call(t.url, 'POST', `${cms}?fieldValidation=Ignore`, { ...body, metadata: { name: 'uf2' } });
    expect(ign.code).toBe(201);
    expect(ign.headers.get('warning')).toBeNull();
  });

  it('body over 3 MiB is 413, deep nesting is 400', async () => {
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { x: 'a'.repeat(3 * 1024 * 1024 + 10) } });
    expectStatus(await call(t.url, 'POST', cms, big), 413, 'RequestEntityTooLarge');
    const deep = '{"metadata":{"name":"deep"},"data":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}';
    expectStatus(await call(t.url, 'POST', cms, deep), 400, 'BadRequest');
    const deepYaml = 'metadata: {name: deep}\ndata: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n';
    expectStatus(await call(t.url, 'POST', cms, deepYaml, { 'Content-Type': 'application/yaml' }), 400, 'BadRequest');
  });

  it('missing namespace is 404, namespace mismatch is 400', async () => {
    const r = await call(t.url, 'POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'x' } });
    expectStatus(r, 404, 'NotFound');
    expect(r.json.message).toBe('namespaces "nowhere" not found');
    const m = await call(t.url, 'POST', cms, { metadata: { name: 'x', namespace: 'kube-system' } });
    expectStatus(m, 400);
    expect(m.json.message).toBe('the namespace of the provided object does not match the namespace sent on the request');
  });

  it('unknown paths and methods', async () => {
    expectStatus(await call(t.url, 'GET', '/api/v1/widgets'), 404, 'NotFound');
    expectStatus(await call(t.url, 'GET', '/apis/nope.io/v1/things'), 404, 'NotFound');
    expectStatus(await call(t.url, 'GET', '/random'), 404, 'NotFound');
    expectStatus(await call(t.url, 'PATCH', `${cms}/from-yaml`, '{}', { 'Content-Type': 'application/xml' }), 415);
    expectStatus(await call(t.url, 'GET', '/api/v1/namespaces/default/configmaps/missing'), 404, 'NotFound');
  });

  it('odd query parameters and paths are client errors, never 500', async () => {
    const queries = [
      'limit=abc', 'limit=-1', 'continue=%%%', 'continue=bm90LWEtdG9rZW4=', 'resourceVersion=abc', 'resourceVersion=-5',
      'labelSelector=!!!', 'labelSelector=a%20in%20(', 'labelSelector=a=b=c', 'fieldSelector=a', 'fieldSelector=metadata.name==x==y',
      'fieldSelector=spec.nope=1', 'watch=true&timeoutSeconds=abc', 'watch=true&resourceVersion=abc', 'fieldValidation=Sloppy',
      'dryRun=Some', 'includeObject=Weird', 'resourceVersionMatch=Exact&resourceVersion=1',
    ];
    for (const q of queries) {
      const r = await call(t.url, 'GET', `${cms}?${q}`);
      expect([200, 400, 410, 422]).toContain(r.code);
    }
    for (const q of ['fieldValidation=Sloppy', 'dryRun=Some', 'fieldManager=' + 'x'.repeat(200), 'gracePeriodSeconds=abc', 'propagationPolicy=Sideways']) {
      const w = await call(t.url, 'POST', `${cms}?${q}`, { metadata: { name: 'q' } });
      expect(w.code).toBeGreaterThanOrEqual(200);
      expect(w.code).toBeLessThan(500);
      const d = await call(t.url, 'DELETE', `${cms}/q?${q}`);
      expect(d.code).toBeLessThan(500);
    }
    for (const p of ['/api/v1/namespaces/default/configmaps/a/b/c/d', '/api/v1/namespaces//configmaps', '/apis/apps/v9', '/api/v2', '/api/v1/namespaces/default/configmaps/%ZZ', '/openapi/v3/apis/none/v1']) {
      const r = await call(t.url, 'GET', p);
      expect(r.code).toBeGreaterThanOrEqual(400);
      expect(r.code).toBeLessThan(500);
    }
    const bodyDelete = await call(t.url, 'DELETE', `${cms}/from-yaml`, '{not json');
    expect(bodyDelete.code).toBe(400);
  });

  it('fuzz: hundreds of malformed requests leave stored objects intact', async () => {
    const seed = await call(t.url, 'POST', deploys, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'keep', labels: { app: 'keep' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'keep' } }, template: { metadata: { labels: { app: 'keep' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    expect(seed.code).toBe(201);
    const before = (await call(t.url, 'GET', `${deploys}/keep`)).json;
    let rnd = 12345;
    const rand = (n: number) => {
      rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
      return rnd % n;
    };
    const valid = JSON.stringify(before);
    const mutate = (): string => {
      const chars = valid.split('');
      const k = 1 + rand(5);
      for (let i = 0; i < k; i++) {
        const pos = rand(chars.length);
        const op = rand(3);
        if (op === 0) chars.splice(pos, 1);
        else if (op === 1) chars.splice(pos, 0, '{[":,}]\\\u0000'[rand(10)]!);
        else chars[pos] = String.fromCharCode(rand(128));
      }
      return chars.join('');
    };
    const types = ['application/json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'text/html'];
    const codes = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const ct = types[rand(types.length)]!;
      const method = ['POST', 'PUT', 'PATCH'][rand(3)]!;
      const path = method === 'POST' ? deploys : `${deploys}/keep`;
      const body = rand(4) === 0 ? Buffer.from(Array.from({ length: rand(200) }, () => rand(256))) : mutate();
      const r = await call(t.url, method, `${path}?fieldManager=fuzz&fieldValidation=Strict`, body, { 'Content-Type': ct });
      codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
      expect(r.code).not.toBe(500);
      if (r.code >= 400) expect(r.json?.kind).toBe('Status');
    }
    const after = (await call(t.url, 'GET', `${deploys}/keep`)).json;
    // mutated bodies may legitimately change the object (e.g. a valid tweak of a label) but it must stay well-formed
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.kind).toBe('Deployment');
    expect(Array.isArray(after.spec.template.spec.containers)).toBe(true);
    const list = await call(t.url, 'GET', deploys);
    expect(list.code).toBe(200);
    expect((await call(t.url, 'GET', '/healthz')).text).toBe('ok');
    expect([...codes.keys()].every((c) => c < 500)).toBe(true);
  });
});
