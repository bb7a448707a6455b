import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Attributes } from '../auth/types';
import { AuditLogger, microTime, type AuditSink } from './logger';
import { parseAuditPolicy } from './policy';
import type { AuditEvent } from './types';

class MemorySink implements AuditSink {
  lines: string[] = [];
  write(line: string): boolean {
    this.lines.push(line);
    return true;
  }
  flush = async (): Promise<void> => undefined;
  close = async (): Promise<void> => undefined;
  get events(): AuditEvent[] {
    return this.lines.map((l) => JSON.parse(l) as AuditEvent);
  }
}

const attrs: Attributes = {
  user: { name: 'alice', uid: 'u1', groups: ['devs', 'system:authenticated'] },
  verb: 'create',
  resourceRequest: true,
  path: '/apis/apps/v1/namespaces/default/deployments',
  apiGroup: 'apps',
  apiVersion: 'v1',
  resource: 'deployments',
  subresource: '',
  namespace: 'default',
  name: '',
};
const requestObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', managedFields: [{ manager: 'kubectl' }] } };
const responseObject = { ...requestObject, metadata: { ...requestObject.metadata, uid: 'x1' } };

const t0 = new Date('2025-01-02T03:04:05.678Z');
const t1 = new Date('2025-01-02T03:04:06.001Z');

function run(policyYaml: string, drive: (h: ReturnType<AuditLogger['begin']>) => void): AuditEvent[] {
  const sink = new MemorySink();
  const logger = new AuditLogger({ policy: parseAuditPolicy(`apiVersion: audit.k8s.io/v1\nkind: Policy\n${policyYaml}`), sink, now: () => t1 });
  const h = logger.begin({ attributes: attrs, requestURI: '/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl', sourceIPs: ['10.0.0.1'], userAgent: 'kubectl/v1.32.0', auditID: 'id-1', receivedAt: t0 });
  drive(h);
  return sink.events;
}

describe('AuditLogger events', () => {
  it.each([
    { level: 'Metadata', req: false, resp: false },
    { level: 'Request', req: true, resp: false },
    { level: 'RequestResponse', req: true, resp: true },
  ])('$level: requestObject=$req responseObject=$resp', ({ level, req, resp }) => {
    const events = run(`rules:\n- level: ${level}\n`, (h) => {
      h.received();
      h.annotate('authorization.k8s.io/decision', 'allow');
      h.complete(201, requestObject, responseObject);
    });
    expect(events.map((e) => e.stage)).toEqual(['RequestReceived', 'ResponseComplete']);
    const [first, done] = events as [AuditEvent, AuditEvent];
    expect(first.responseStatus).toBeUndefined();
    expect(first.annotations).toBeUndefined();
    expect(first.requestObject).toBeUndefined();
    expect(done).toEqual({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID: 'id-1',
      stage: 'ResponseComplete',
      requestURI: '/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl',
      verb: 'create',
      user: { username: 'alice', uid: 'u1', groups: ['devs', 'system:authenticated'] },
      sourceIPs: ['10.0.0.1'],
      userAgent: 'kubectl/v1.32.0',
      objectRef: { resource: 'deployments', namespace: 'default', apiGroup: 'apps', apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 201 },
      ...(req ? { requestObject } : {}),
      ...(resp ? { responseObject } : {}),
      requestReceivedTimestamp: '2025-01-02T03:04:05.678000Z',
      stageTimestamp: '2025-01-02T03:04:06.001000Z',
      annotations: { 'authorization.k8s.io/decision': 'allow' },
    });
  });

  it('None writes nothing but still has an audit ID', () => {
    let id = '';
    expect(
      run('rules:\n- level: None\n', (h) => {
        id = h.auditID;
        h.received();
        h.responseStarted();
        h.complete(200);
      }),
    ).toEqual([]);
    expect(id).toBe('id-1');
  });

  it('omitStages (policy-wide and per rule) drop those stages; complete is emitted once', () => {
    const events = run('omitStages: [RequestReceived]\nrules:\n- level: Metadata\n  omitStages: [ResponseStarted]\n', (h) => {
      h.received();
      h.responseStarted();
      h.complete(200);
      h.complete(200);
      h.panic('late');
    });
    expect(events.map((e) => e.stage)).toEqual(['ResponseComplete']);
  });

  it('long-running requests: ResponseStarted then ResponseComplete; Panic carries 500', () => {
    const events = run('rules:\n- level: Metadata\n', (h) => {
      h.responseStarted();
      h.complete(200);
    });
    expect(events.map((e) => [e.stage, e.responseStatus?.code])).toEqual([['ResponseStarted', 200], ['ResponseComplete', 200]]);
    const panics = run('rules:\n- level: Metadata\n', (h) => h.panic('boom'));
    expect(panics[0]).toMatchObject({ stage: 'Panic', responseStatus: { code: 500, status: 'Failure', message: 'boom' } });
  });

  it('omitManagedFields strips metadata.managedFields from objects and list items without mutating them', () => {
    const list = { kind: 'DeploymentList', items: [requestObject] };
    const events = run('omitManagedFields: true\nrules:\n- level: RequestResponse\n', (h) => h.complete(200, requestObject, list));
    const e = events[0]!;
    expect(e.requestObject).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } });
    expect(e.responseObject).toEqual({ kind: 'DeploymentList', items: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } }] });
    expect(requestObject.metadata.managedFields).toHaveLength(1);
  });

  it('a Status response fills responseStatus even at Metadata', () => {
    const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'deployments.apps "web" already exists', reason: 'AlreadyExists', details: { name: 'web' }, code: 409 };
    const e = run('rules:\n- level: Metadata\n', (h) => h.complete(409, requestObject, status))[0]!;
    expect(e.responseStatus).toEqual({ metadata: {}, status: 'Failure', message: 'deployments.apps "web" already exists', reason: 'AlreadyExists', details: { name: 'web' }, code: 409 });
    expect(e.responseObject).toBeUndefined();
  });

  it('impersonation and non-resource requests', () => {
    const sink = new MemorySink();
    const logger = new AuditLogger({ policy: parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n'), sink });
    const h = logger.begin({
      attributes: { ...attrs, resourceRequest: false, verb: 'get', path: '/healthz', resource: '', apiGroup: '', apiVersion: '' },
      requestURI: '/healthz',
      impersonatedUser: { name: 'bob', groups: [] },
    });
    h.complete(200);
    const e = sink.events[0]!;
    expect(e.objectRef).toBeUndefined();
    expect(e.impersonatedUser).toEqual({ username: 'bob' });
    expect(e.auditID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('microTime has six fractional digits', () => {
    expect(microTime(new Date('2025-06-07T08:09:10.005Z'))).toBe('2025-06-07T08:09:10.005000Z');
  });
});

describe('AuditLogger to a file', () => {
  it('appends JSON lines to --audit-log-path with mode 0600', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-audit-'));
    try {
      const file = path.join(dir, 'audit.log');
      const logger = new AuditLogger({ policy: parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n'), path: file });
      for (let i = 0; i < 3; i++) logger.begin({ attributes: attrs, requestURI: `/x/${i}` }).complete(200);
      await logger.close();
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as AuditEvent).requestURI)).toEqual(['/x/0', '/x/1', '/x/2']);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
