// kts get / api-resources / version against a real apiserver: columns like kubectl's human printer.
import { startTestApiServer, writeKubeconfig, type TestApiServer } from '../harness/apiserver';
import { call } from '../apiserver/http';
import { Readable } from 'node:stream';
import { main } from '../../cli/src/main';
import * as net from 'node:net';
import * as path from 'node:path';
import { Buffered, kubectl, setDefaultIO } from '../../cli/src/kubectl';
import { kts, ktsBackground, columns } from './kts';

let t: TestApiServer;

const pod = (name: string, labels: Record<string, string> = {}, ns = 'default') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { containers: [{ name: 'main', image: 'busybox' }] },
});

beforeAll(async () => {
  t = await startTestApiServer();
  await call(t.url, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  for (const [n, l] of [['web-1', { app: 'web' }], ['web-2', { app: 'web', tier: 'fe' }], ['db-1', { app: 'db' }]] as const) {
    expect((await call(t.url, 'POST', '/api/v1/namespaces/default/pods', pod(n, l))).code).toBe(201);
  }
  expect((await call(t.url, 'POST', '/api/v1/namespaces/other/pods', pod('far', {}, 'other'))).code).toBe(201);
  await call(t.url, 'POST', '/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { app: 'web' } }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
}, 90_000);

afterAll(async () => {
  await t?.stop();
}, 60_000);

describe('kts get', () => {
  it('prints pods as a table with uppercase headers and 3-space padding', async () => {
    const r = await kts(t, ['get', 'pods']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(columns(lines[0]!)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(lines[0]!.startsWith('NAME    READY')).toBe(true); // "web-1" is the widest name (5) + 3
    expect(lines.slice(1).map((l) => columns(l)[0])).toEqual(['db-1', 'web-1', 'web-2']);
    expect(columns(lines[1]!).slice(1, 4)).toEqual(['0/1', 'Pending', '0']);
  });

  it('resolves short names, singulars and type/name', async () => {
    for (const args of [['get', 'po', 'web-1'], ['get', 'pod', 'web-1'], ['get', 'pods/web-1']]) {
      const r = await kts(t, args);
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(columns(lines[1]!)[0]).toBe('web-1');
    }
  });

  it('-o wide adds priority-1 columns', async () => {
    const r = await kts(t, ['get', 'pods', '-o', 'wide']);
    expect(columns(r.stdout.split('\n')[0]!)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
  });

  it('-A adds a NAMESPACE column', async () => {
    const r = await kts(t, ['get', 'pods', '-A']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(columns(lines[0]!)[0]).toBe('NAMESPACE');
    expect(lines.some((l) => columns(l)[0] === 'other' && columns(l)[1] === 'far')).toBe(true);
  });

  it('-l, --field-selector and --show-labels', async () => {
    let r = await kts(t, ['get', 'pods', '-l', 'app=web', '--show-labels']);
    let lines = r.stdout.trimEnd().split('\n');
    expect(columns(lines[0]!).at(-1)).toBe('LABELS');
    expect(lines.slice(1).map((l) => columns(l).at(-1))).toEqual(['app=web', 'app=web,tier=fe']);
    r = await kts(t, ['get', 'pods', '--field-selector', 'metadata.name=db-1']);
    lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(1).map((l) => columns(l)[0])).toEqual(['db-1']);
  });

  it('several types print one table each with kind-prefixed names', async () => {
    const r = await kts(t, ['get', 'po,svc', '-l', 'app=web']);
    expect(r.code).toBe(0);
    const blocks = r.stdout.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(columns(blocks[0]!.split('\n')[1]!)[0]).toBe('pod/web-1');
    expect(columns(blocks[1]!.split('\n')[0]!)).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(columns(blocks[1]!.split('\n')[1]!)[0]).toBe('service/web');
  });

  it('-o name, json and yaml', async () => {
    let r = await kts(t, ['get', 'pods', '-l', 'app=web', '-o', 'name']);
    expect(r.stdout).toBe('pod/web-1\npod/web-2\n');
    r = await kts(t, ['get', 'pod', 'web-1', '-o', 'json']);
    const obj = JSON.parse(r.stdout);
    expect(obj).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1' } });
    expect(r.stdout).toContain('    "apiVersion": "v1"');
    r = await kts(t, ['get', 'pods', '-o', 'yaml', '-l', 'app=db']);
    expect(r.stdout.startsWith('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n')).toBe(true);
    expect(r.stdout).toContain('kind: List\n');
  });

  it('prints the empty-list message on stderr', async () => {
    let r = await kts(t, ['get', 'pods', '-l', 'app=none']);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('No resources found in default namespace.\n');
    r = await kts(t, ['get', 'deployments', '-n', 'other']);
    expect(r.stderr).toBe('No resources found in other namespace.\n');
  });

  it('NotFound errors print like kubectl with exit code 1', async () => {
    const r = await kts(t, ['get', 'pod', 'ghost']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): pods "ghost" not found\n');
    const u = await kts(t, ['get', 'flurbs']);
    expect(u.code).toBe(1);
    expect(u.stderr).toBe('error: the server doesn\'t have a resource type "flurbs"\n');
  });

  it('-w prints new rows as events arrive', async () => {
    const w = ktsBackground(t, ['get', 'pods', '-l', 'app=watched', '-w']);
    await waitFor(() => w.err.text.includes('No resources found'));
    await call(t.url, 'POST', '/api/v1/namespaces/default/pods', pod('watched-1', { app: 'watched' }));
    await waitFor(() => w.out.text.includes('watched-1'));
    w.stop();
    expect(await w.done).toBe(0);
    const lines = w.out.text.trimEnd().split('\n');
    expect(columns(lines[0]!)).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(columns(lines[1]!)[0]).toBe('watched-1');
  });
});

describe('kts main()', () => {
  it('dispatches kubectl commands through the command registry', async () => {
    const out = new Buffered();
    const err = new Buffered();
    setDefaultIO({ out, err, in: Readable.from(['']) });
    let code: number;
    try {
      code = await main(['get', 'pods', '--kubeconfig', t.kubeconfig, '-l', 'app=web', '-o', 'name']);
    } finally {
      setDefaultIO(undefined);
    }
    expect(code).toBe(0);
    expect(out.text).toBe('pod/web-1\npod/web-2\n');
  });

  it('get all shows every "all" resource with kind-prefixed names', async () => {
    const r = await kts(t, ['get', 'all']);
    const blocks = r.stdout.trimEnd().split('\n\n');
    expect(columns(blocks[0]!.split('\n')[1]!)[0]).toBe('pod/db-1');
    expect(blocks.some((b) => b.includes('service/web'))).toBe(true);
  });
});

describe('kts api-resources and version', () => {
  it('lists resources', async () => {
    const r = await kts(t, ['api-resources']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(columns(lines[0]!)).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    expect(lines.some((l) => /^pods\s+po\s+v1\s+true\s+Pod$/.test(l))).toBe(true);
    expect(lines.some((l) => /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/.test(l))).toBe(true);
  });

  it('reports a refused connection like kubectl, still printing the client version', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const kc = path.join(t.dir, 'refused.kubeconfig');
    writeKubeconfig(kc, `http://127.0.0.1:${port}`);
    const run = async (args: string[]) => {
      const out = new Buffered();
      const err = new Buffered();
      const code = await kubectl([args[0]!, '--kubeconfig', kc, ...args.slice(1)], { out, err, in: Readable.from(['']) });
      return { code, stdout: out.text, stderr: err.text };
    };
    const msg = `The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?\n`;
    let r = await run(['get', 'pods']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: msg });
    r = await run(['version']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Client Version: v1\.32\.\S+\n$/);
    expect(r.stderr).toBe(msg);
  });

  it('shows client and server versions', async () => {
    const r = await kts(t, ['version']);
    expect(r.stdout).toMatch(/^Client Version: v1\.32\.\S+\nServer Version: v\S+\n$/);
  });
});

async function waitFor(fn: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}
