// Object lifecycle against real etcd: finalizers, graceful pod deletion, bindings, namespaces, subresources,
// dry runs, watches, service IP/port allocation (also across an apiserver restart) and bootstrap.
import { startTestApiServer, type TestApiServer } from '../harness/apiserver';
import { call } from './http';

let t: TestApiServer;
beforeAll(async () => {
  t = await startTestApiServer();
}, 90_000);
afterAll(async () => {
  await t?.stop();
}, 60_000);

const merge = { 'Content-Type': 'application/merge-patch+json' };
const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...extra },
});
const svc = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { ports: [{ port: 80 }], selector: { app: name }, ...spec },
});
const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

/** Reads newline-delimited watch events until `n` arrived (or the stream ends). */
async function watchEvents(path: string, n: number, during: () => Promise<void>): Promise<any[]> {
  const ctl = new AbortController();
  const r = await t.fetch(t.url + path, { signal: ctl.signal });
  const reader = r.body!.getReader();
  const p = during();
  let text = '';
  const events = () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  while (events().length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString();
  }
  await p;
  ctl.abort();
  return events();
}

describe('lifecycle', () => {
  it('generateName, generation and status handling', async () => {
    const c = await call(t.url, 'POST', '/apis/apps/v1/namespaces/default/deployments', { ...deployment(''), metadata: { generateName: 'web-' } });
    expect(c.code).toBe(201);
    const name = c.json.metadata.name as string;
    expect(name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(c.json.metadata.generation).toBe(1);
    const base = `/apis/apps/v1/namespaces/default/deployments/${name}`;
    // status on the main endpoint is ignored
    let r = await call(t.url, 'PATCH', base, { status: { replicas: 7 }, metadata: { labels: { x: 'y' } } }, merge);
    expect(r.json.status?.replicas).toBeUndefined();
    expect(r.json.metadata.generation).toBe(1);
    // status endpoint writes only status
    r = await call(t.url, 'PATCH', `${base}/status`, { status: { replicas: 3 }, spec: { replicas: 9 } }, merge);
    expect(r.code).toBe(200);
    expect(r.json.status.replicas).toBe(3);
    expect(r.json.spec.replicas).toBe(1);
    r = await call(t.url, 'PATCH', base, { spec: { replicas: 2 } }, merge);
    expect(r.json.metadata.generation).toBe(2);
    // scale subresource
    r = await call(t.url, 'GET', `${base}/scale`);
    expect(r.json).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 2 }, status: { replicas: 3, selector: `app=` } });
    r = await call(t.url, 'PUT', `${base}/scale`, { ...r.json, spec: { replicas: 5 } });
    expect(r.code).toBe(200);
    expect(r.json.spec.replicas).toBe(5);
    expect((await call(t.url, 'GET', base)).json.spec.replicas).toBe(5);
  });

  it('finalizers hold deletion until removed', async () => {
    const base = '/api/v1/namespaces/default/configmaps';
    await call(t.url, 'POST', base, { metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const d = await call(t.url, 'DELETE', `${base}/fin`);
    expect(d.code).toBe(202);
    expect(d.json.metadata.deletionTimestamp).toBeTruthy();
    expect((await call(t.url, 'GET', `${base}/fin`)).code).toBe(200);
    const events = await watchEvents(`${base}?watch=true&fieldSelector=metadata.name%3Dfin&resourceVersion=${d.json.metadata.resourceVersion}`, 2, async () => {
      const r = await call(t.url, 'PATCH', `${base}/fin`, { metadata: { finalizers: null } }, merge);
      expect(r.code).toBe(200);
    });
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect((await call(t.url, 'GET', `${base}/fin`)).code).toBe(404);
  });

  it('propagation policies store GC finalizers; dryRun stores nothing', async () => {
    const base = '/api/v1/namespaces/default/configmaps';
    await call(t.url, 'POST', base, { metadata: { name: 'fg' } });
    const d = await call(t.url, 'DELETE', `${base}/fg`, { propagationPolicy: 'Foreground' });
    expect(d.json.metadata.finalizers).toEqual(['foregroundDeletion']);
    const dry = await call(t.url, 'POST', `${base}?dryRun=All`, { metadata: { name: 'dry' } });
    expect(dry.code).toBe(201);
    expect((await call(t.url, 'GET', `${base}/dry`)).code).toBe(404);
    await call(t.url, 'POST', base, { metadata: { name: 'keep' } });
    await call(t.url, 'DELETE', `${base}/keep`, { dryRun: ['All'] });
    expect((await call(t.url, 'GET', `${base}/keep`)).code).toBe(200);
    const p = await call(t.url, 'PATCH', `${base}/keep?dryRun=All`, { data: { a: 'b' } }, merge);
    expect(p.json.data).toEqual({ a: 'b' });
    expect((await call(t.url, 'GET', `${base}/keep`)).json.data).toBeUndefined();
  });

  it('pods: binding, graceful deletion, immediate deletion', async () => {
    const base = '/api/v1/namespaces/default/pods';
    expect((await call(t.url, 'POST', base, pod('p1'))).code).toBe(201);
    let r = await call(t.url, 'POST', `${base}/p1/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { kind: 'Node', name: 'node-a' } });
    expect(r.code).toBe(201);
    r = await call(t.url, 'GET', `${base}/p1`);
    expect(r.json.spec.nodeName).toBe('node-a');
    expect(r.json.status.conditions.find((c: any) => c.type === 'PodScheduled').status).toBe('True');
    r = await call(t.url, 'POST', '/api/v1/namespaces/default/bindings', { metadata: { name: 'p1' }, target: { name: 'node-b' } });
    expect(r.code).toBe(409);
    expect(r.json.message).toContain('pod p1 is already assigned to node "node-a"');
    // bound pod: graceful
    r = await call(t.url, 'DELETE', `${base}/p1`, { gracePeriodSeconds: 30 });
    expect(r.code).toBe(202);
    expect(r.json.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(r.json.metadata.deletionTimestamp).toBeTruthy();
    // the kubelet finishes with gracePeriodSeconds=0
    r = await call(t.url, 'DELETE', `${base}/p1`, { gracePeriodSeconds: 0 });
    expect(r.code).toBe(200);
    expect((await call(t.url, 'GET', `${base}/p1`)).code).toBe(404);
    // unbound pod: immediate
    await call(t.url, 'POST', base, pod('p2'));
    expect((await call(t.url, 'DELETE', `${base}/p2`)).code).toBe(200);
    expect((await call(t.url, 'GET', `${base}/p2`)).code).toBe(404);
  });

  it('server-side apply: upsert 201, fieldManager required, conflicts 409, force', async () => {
    const path = '/api/v1/namespaces/default/configmaps/ssa-raw';
    const yaml = { 'Content-Type': 'application/apply-patch+yaml' };
    let r = await call(t.url, 'PATCH', path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-raw\ndata:\n  a: "1"\n', yaml);
    expect(r.code).toBe(400);
    r = await call(t.url, 'PATCH', `${path}?fieldManager=one`, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-raw\ndata:\n  a: "1"\n', yaml);
    expect(r.code).toBe(201);
    r = await call(t.url, 'PATCH', `${path}?fieldManager=one`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa-raw' }, data: { a: '1', b: '2' } }, yaml);
    expect(r.code).toBe(200);
    r = await call(t.url, 'PATCH', `${path}?fieldManager=two`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa-raw' }, data: { a: 'x' } }, yaml);
    expect(r.code).toBe(409);
    expect(r.json.reason).toBe('Conflict');
    r = await call(t.url, 'PATCH', `${path}?fieldManager=two&force=true`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa-raw' }, data: { a: 'x' } }, yaml);
    expect(r.code).toBe(200);
    expect(r.json.data).toEqual({ a: 'x', b: '2' });
    expect(r.json.metadata.managedFields.map((m: any) => m.manager).sort()).toEqual(['one', 'two']);
  });

  it('dry-run graceful pod deletion changes nothing', async () => {
    const base = '/api/v1/namespaces/default/pods';
    await call(t.url, 'POST', base, pod('p-dry', { nodeName: 'node-a' }));
    const r = await call(t.url, 'DELETE', `${base}/p-dry`, { gracePeriodSeconds: 10, dryRun: ['All'] });
    expect(r.code).toBe(202);
    expect(r.json.metadata.deletionTimestamp).toBeTruthy();
    const g = await call(t.url, 'GET', `${base}/p-dry`);
    expect(g.json.metadata.deletionTimestamp).toBeUndefined();
  });

  it('list selectors, limit/continue, deletecollection, Table', async () => {
    const base = '/api/v1/namespaces/default/configmaps';
    for (let i = 0; i < 5; i++) await call(t.url, 'POST', base, { metadata: { name: `sel-${i}`, labels: { group: i % 2 ? 'odd' : 'even' } } });
    let r = await call(t.url, 'GET', `${base}?labelSelector=group%3Deven`);
    expect(r.json.items.map((i: any) => i.metadata.name)).toEqual(['sel-0', 'sel-2', 'sel-4']);
    r = await call(t.url, 'GET', `${base}?labelSelector=group&limit=2`);
    expect(r.json.items).toHaveLength(2);
    expect(r.json.metadata.continue).toBeTruthy();
    const r2 = await call(t.url, 'GET', `${base}?labelSelector=group&limit=10&continue=${encodeURIComponent(r.json.metadata.continue)}`);
    expect(r2.json.items).toHaveLength(3);
    r = await call(t.url, 'GET', `${base}?fieldSelector=metadata.name%3Dsel-1`);
    expect(r.json.items.map((i: any) => i.metadata.name)).toEqual(['sel-1']);
    expect((await call(t.url, 'GET', `${base}?fieldSelector=spec.bogus%3D1`)).code).toBe(400);
    r = await call(t.url, 'GET', `${base}?labelSelector=group`, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(r.json.kind).toBe('Table');
    expect(r.json.columnDefinitions[0].name).toBe('Name');
    expect(r.json.rows).toHaveLength(5);
    r = await call(t.url, 'DELETE', `${base}?labelSelector=group%3Dodd`);
    expect(r.code).toBe(200);
    r = await call(t.url, 'GET', `${base}?labelSelector=group`);
    expect(r.json.items.map((i: any) => i.metadata.name)).toEqual(['sel-0', 'sel-2', 'sel-4']);
  });

  it('watch: initial events, bookmarks, timeoutSeconds, Table events', async () => {
    const base = '/api/v1/namespaces/default/configmaps';
    await call(t.url, 'POST', base, { metadata: { name: 'w0', labels: { w: 'x' } } });
    // no resourceVersion: synthetic ADDED for current objects
    const init = await watchEvents(`${base}?watch=true&labelSelector=w%3Dx`, 1, async () => undefined);
    expect(init[0].type).toBe('ADDED');
    expect(init[0].object.kind).toBe('ConfigMap');
    // timeoutSeconds ends the stream cleanly
    const r = await t.fetch(`${t.url}${base}?watch=true&timeoutSeconds=1&labelSelector=none%3Dnone`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('');
    // Table-typed events
    const list = await call(t.url, 'GET', base);
    const ctl = new AbortController();
    const wr = await t.fetch(`${t.url}${base}?watch=true&resourceVersion=${list.json.metadata.resourceVersion}`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
      signal: ctl.signal,
    });
    const reader = wr.body!.getReader();
    await call(t.url, 'POST', base, { metadata: { name: 'w-table' } });
    const { value } = await reader.read();
    ctl.abort();
    const ev = JSON.parse(Buffer.from(value!).toString().split('\n')[0]!);
    expect(ev.type).toBe('ADDED');
    expect(ev.object.kind).toBe('Table');
    expect(ev.object.rows[0].cells[0]).toBe('w-table');
  });

  it('watch from a resourceVersion out of the window gets a 410 Expired ERROR event', async () => {
    const base = '/api/v1/namespaces/default/configmaps';
    for (let i = 0; i < 3; i++) await call(t.url, 'POST', base, { metadata: { name: `old-${i}` } });
    const r = await t.fetch(`${t.url}${base}?watch=true&resourceVersion=2`);
    const lines = (await r.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0].type).toBe('ERROR');
    expect(lines[0].object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
  });

  it('namespaces: Terminating blocks creates; finalize completes deletion', async () => {
    expect((await call(t.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } })).code).toBe(201);
    const d = await call(t.url, 'DELETE', '/api/v1/namespaces/doomed');
    expect(d.json.status.phase).toBe('Terminating');
    const c = await call(t.url, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'x' } });
    expect(c.code).toBe(403);
    expect(c.json.message).toContain('unable to create new content in namespace doomed because it is being terminated');
    const ns = (await call(t.url, 'GET', '/api/v1/namespaces/doomed')).json;
    const f = await call(t.url, 'PUT', '/api/v1/namespaces/doomed/finalize', { ...ns, spec: { finalizers: [] } });
    expect(f.code).toBe(200);
    expect((await call(t.url, 'GET', '/api/v1/namespaces/doomed')).code).toBe(404);
  });

  it('services: cluster IPs and node ports are unique, validated, released, and survive a restart', async () => {
    const base = '/api/v1/namespaces/default/services';
    const k = await call(t.url, 'GET', `${base}/kubernetes`);
    expect(k.json.spec.clusterIP).toBe('10.96.0.1');
    expect(k.json.spec.ports[0]).toMatchObject({ port: 443, targetPort: t.port });
    const ips = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const r = await call(t.url, 'POST', base, svc(`s${i}`));
      expect(r.code).toBe(201);
      expect(r.json.spec.clusterIPs).toEqual([r.json.spec.clusterIP]);
      ips.add(r.json.spec.clusterIP);
    }
    expect(ips.size).toBe(5);
    expect(ips.has('10.96.0.10')).toBe(false);
    const taken = [...ips][0]!;
    let r = await call(t.url, 'POST', base, svc('dup', { clusterIP: taken }));
    expect(r.code).toBe(422);
    expect(r.json.message).toContain('provided IP is already allocated');
    r = await call(t.url, 'POST', base, svc('out', { clusterIP: '192.168.1.1' }));
    expect(r.code).toBe(422);
    r = await call(t.url, 'POST', base, svc('dns', { clusterIP: '10.96.0.10' }));
    expect(r.code).toBe(201);
    r = await call(t.url, 'POST', base, svc('headless', { clusterIP: 'None' }));
    expect(r.json.spec.clusterIP).toBe('None');
    r = await call(t.url, 'POST', base, svc('np', { type: 'NodePort' }));
    const np = r.json.spec.ports[0].nodePort as number;
    expect(np).toBeGreaterThanOrEqual(30000);
    expect(np).toBeLessThanOrEqual(32767);
    r = await call(t.url, 'POST', base, svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: np }] }));
    expect(r.code).toBe(422);
    expect(r.json.message).toContain('provided port is already allocated');
    // release on delete
    const s0 = (await call(t.url, 'GET', `${base}/s0`)).json.spec.clusterIP;
    await call(t.url, 'DELETE', `${base}/s0`);
    r = await call(t.url, 'POST', base, svc('s0b', { clusterIP: s0 }));
    expect(r.code).toBe(201);
    // restart: allocations persist, bootstrap is idempotent
    const uidBefore = k.json.metadata.uid;
    await t.restart();
    expect((await call(t.url, 'GET', `${base}/kubernetes`)).json.metadata.uid).toBe(uidBefore);
    r = await call(t.url, 'POST', base, svc('after', { clusterIP: s0 }));
    expect(r.code).toBe(422);
    r = await call(t.url, 'POST', base, svc('np3', { type: 'NodePort', ports: [{ port: 80, nodePort: np }] }));
    expect(r.code).toBe(422);
  });

  it('services: type changes allocate and release node ports; clusterIP is immutable', async () => {
    const base = '/api/v1/namespaces/default/services';
    let r = await call(t.url, 'POST', base, svc('flip'));
    const ip = r.json.spec.clusterIP;
    r = await call(t.url, 'PATCH', `${base}/flip`, { spec: { type: 'NodePort' } }, merge);
    expect(r.code).toBe(200);
    const port = r.json.spec.ports[0].nodePort as number;
    expect(port).toBeGreaterThanOrEqual(30000);
    expect(r.json.spec.clusterIP).toBe(ip);
    r = await call(t.url, 'PATCH', `${base}/flip`, { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } }, merge);
    expect(r.code).toBe(200);
    expect(r.json.spec.ports[0].nodePort).toBeUndefined();
    // the port is free again
    r = await call(t.url, 'POST', base, svc('takes-port', { type: 'NodePort', ports: [{ port: 80, nodePort: port }] }));
    expect(r.code).toBe(201);
    r = await call(t.url, 'PATCH', `${base}/flip`, { spec: { clusterIP: '10.96.99.99', clusterIPs: ['10.96.99.99'] } }, merge);
    expect(r.code).toBe(422);
  });

  it('metrics and health', async () => {
    const m = await t.fetch(`${t.url}/metrics`).then((x) => x.text());
    expect(m).toContain('apiserver_request_total{');
    expect(m).toContain('apiserver_request_duration_seconds_bucket');
    expect(await t.fetch(`${t.url}/readyz`).then((x) => x.text())).toBe('ok');
    expect(await t.fetch(`${t.url}/livez`).then((x) => x.text())).toBe('ok');
  });
});
