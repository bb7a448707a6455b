// API aggregation (kube-aggregator inside the API server): APIServices with a service are proxied to their
// extension API server after this server authenticated and authorized the request; their groups join discovery;
// an availability controller keeps status.conditions[Available] current (watch-driven, plus a periodic re-check
// as upstream's). Local APIServices for the built-in group-versions are kept as kube-apiserver's autoregister does.
import * as http from 'node:http';
import * as https from 'node:https';
import { errors, type KubeObject, type APIService, type APIServiceCondition } from '@kubets/api';
import type { LocalInformer } from '../auth/local-informer';
import type { UserInfo } from '../auth/types';
import type { ResourceStore } from '../registry/store';
import type { RequestContext } from '../registry/context';
import { writeStatus } from '../http/errors';
import { ResolveError, serviceEndpoints, type ServiceEndpoint } from '../services/endpoint-resolver';
import type { FrontProxy } from './front-proxy';
import { discoveryEntry, type ResourceListDoc, type VersionEntry } from './discovery';

export interface AggregatorDeps {
  apiServices: LocalInformer;
  services: LocalInformer;
  endpoints: LocalInformer;
  endpointSlices?: LocalInformer;
  store: ResourceStore;
  frontProxy: FrontProxy;
  /** re-probe every APIService this often (upstream: 30s) */
  recheckIntervalMs?: number;
  onError(msg: string, e: unknown): void;
}

const ctx = (name: string, subresource = ''): RequestContext => ({ namespace: '', name, subresource, query: new URLSearchParams(), manager: 'kube-apiserver', fieldValidation: 'Ignore', dryRun: false, warnings: [] });
const availableOf = (s: APIService): APIServiceCondition | undefined => s.status?.conditions?.find((c) => c.type === 'Available');
const hopHeaders = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'authorization']);

/** The identity headers an extension API server reads (requestheader authentication). */
export function remoteUserHeaders(user: UserInfo): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { 'X-Remote-User': user.name };
  if (user.groups.length) out['X-Remote-Group'] = user.groups;
  for (const [k, v] of Object.entries(user.extra ?? {})) out[`X-Remote-Extra-${encodeURIComponent(k)}`] = v;
  return out;
}

export class Aggregator {
  private readonly queue = new Set<string>();
  private running = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  /** APIService name → its group-version's resources, from the last successful probe */
  private readonly discovered = new Map<string, VersionEntry>();
  private readonly agent: https.Agent;

  constructor(private readonly d: AggregatorDeps) {
    this.agent = new https.Agent({ keepAlive: true, cert: d.frontProxy.client.certPem, key: d.frontProxy.client.keyPem });
    const all = () => {
      for (const s of this.remote()) this.enqueue(s.metadata.name ?? '');
    };
    d.apiServices.onEvent((type, o) => {
      if (type === 'DELETED') this.discovered.delete(o.metadata.name ?? '');
      else this.enqueue(o.metadata.name ?? '');
    });
    d.services.onEvent(all);
    d.endpoints.onEvent(all);
    d.endpointSlices?.onEvent(all);
    this.timer = setInterval(all, d.recheckIntervalMs ?? 30_000);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.agent.destroy();
  }

  private remote(): APIService[] {
    return [...this.d.apiServices.list()].map((o) => o as unknown as APIService).filter((s) => !!s.spec?.service);
  }

  private forGroupVersion(group: string, version: string): APIService | undefined {
    return this.remote().find((s) => s.spec?.group === group && s.spec.version === version);
  }

  private enqueue(name: string): void {
    if (!name || this.closed) return;
    this.queue.add(name);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.size && !this.closed) {
        const name = this.queue.values().next().value as string;
        this.queue.delete(name);
        await this.sync(name).catch((e) => this.d.onError('apiservice availability check failed', e));
      }
    } finally {
      this.running = false;
    }
  }

  /** The first ready endpoint behind the APIService's Service (kube-aggregator's endpoint resolver). */
  private async target(s: APIService): Promise<ServiceEndpoint> {
    const ref = s.spec?.service;
    const ns = ref?.namespace ?? '';
    const name = ref?.name ?? '';
    const all = await serviceEndpoints(
      { service: this.d.services.get(ns, name), slices: this.d.endpointSlices?.list() ?? [], endpoints: () => this.d.endpoints.get(ns, name) },
      ns,
      name,
      ref?.port ?? 443,
    );
    return all[0]!;
  }

  private tlsFor(s: APIService): https.RequestOptions {
    const ref = s.spec?.service;
    const ca = s.spec?.caBundle ? Buffer.from(s.spec.caBundle, 'base64').toString('utf8') : undefined;
    return { agent: this.agent, ...(ca ? { ca } : {}), rejectUnauthorized: !s.spec?.insecureSkipTLSVerify, servername: `${ref?.name ?? ''}.${ref?.namespace ?? ''}.svc` };
  }

  /** One availability check: resolve, GET /apis/<g>/<v> with the front-proxy certificate, write the condition. */
  private async sync(name: string): Promise<void> {
    const o = this.d.apiServices.get('', name) as unknown as APIService | undefined;
    let cond: Omit<APIServiceCondition, 'lastTransitionTime'>;
    if (!o) return;
    if (!o.spec?.service) {
      cond = { type: 'Available', status: 'True', reason: 'Local', message: 'Local APIServices are always available' };
    } else {
      try {
        const t = await this.target(o);
        const url = `https://${t.host}:${t.port}/apis/${o.spec.group ?? ''}/${o.spec.version ?? ''}`;
        const body = await this.probe(o, t, url);
        this.discovered.set(name, discoveryEntry(o.spec.version ?? '', body));
        cond = { type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed' };
      } catch (e) {
        this.discovered.delete(name);
        const reason = e instanceof ResolveError ? e.reason : 'FailedDiscoveryCheck';
        cond = { type: 'Available', status: 'False', reason, message: e instanceof Error ? e.message : String(e) };
      }
    }
    const cur = availableOf(o);
    if (cur && cur.status === cond.status && cur.reason === cond.reason && cur.message === cond.message) return;
    await this.d.store.updateWith(
      ctx(name, 'status'),
      (obj) => {
        const s = obj as unknown as APIService;
        const prev = availableOf(s);
        const next: APIServiceCondition = { ...cond, lastTransitionTime: prev && prev.status === cond.status && prev.lastTransitionTime ? prev.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
        s.status = { ...(s.status ?? {}), conditions: [...(s.status?.conditions ?? []).filter((c) => c.type !== 'Available'), next] };
        return s as unknown as KubeObject;
      },
      'Update',
    );
  }

  private probe(s: APIService, t: { host: string; port: number }, url: string): Promise<ResourceListDoc> {
    return new Promise((resolve, reject) => {
      const fail = (m: string) => reject(new Error(`failing or missing response from ${url}: ${m}`));
      const req = https.request(
        { ...this.tlsFor(s), host: t.host, port: t.port, path: new URL(url).pathname, method: 'GET', headers: { Accept: 'application/json', ...remoteUserHeaders({ name: 'system:kube-aggregator', groups: ['system:masters'] }) }, timeout: 5_000 },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (data += c));
          res.on('end', () => {
            const code = res.statusCode ?? 0;
            if (code < 200 || code >= 300) return fail(`bad status from ${url}: ${code}`);
            try {
              resolve(JSON.parse(data) as ResourceListDoc);
            } catch (e) {
              fail(`invalid discovery document: ${(e as Error).message}`);
            }
          });
          res.on('error', (e) => fail(e.message));
        },
      );
      req.on('timeout', () => req.destroy(new Error('Client.Timeout exceeded while awaiting headers')));
      req.on('error', (e) => fail(e.message));
      req.end();
    });
  }

  /**
   * Proxies /apis/<group>/<version>[/...] when a remote APIService serves it; false when the request is local.
   * The caller has authenticated and authorized the request already.
   */
  async proxy(req: http.IncomingMessage, res: http.ServerResponse, path: string, user: UserInfo): Promise<boolean> {
    const segs = path.split('/');
    if (segs[1] !== 'apis' || segs.length < 4) return false;
    const s = this.forGroupVersion(segs[2] ?? '', segs[3] ?? '');
    if (!s) return false;
    if (availableOf(s)?.status !== 'True') {
      writeStatus(res, errors.unavailable('service unavailable'));
      return true;
    }
    let t: { host: string; port: number };
    try {
      t = await this.target(s);
    } catch (e) {
      writeStatus(res, errors.unavailable(`service unavailable: ${(e as Error).message}`));
      return true;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) {
      const lk = k.toLowerCase();
      if (hopHeaders.has(lk) || lk.startsWith('impersonate-') || lk.startsWith('x-remote-')) continue;
      headers[k] = v;
    }
    Object.assign(headers, remoteUserHeaders(user), { host: `${t.host}:${t.port}` });
    await new Promise<void>((resolve) => {
      const up = https.request({ ...this.tlsFor(s), host: t.host, port: t.port, path: req.url ?? path, method: req.method ?? 'GET', headers }, (ures) => {
        const out: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(ures.headers)) if (!hopHeaders.has(k.toLowerCase()) && v !== undefined) out[k] = v;
        res.writeHead(ures.statusCode ?? 502, out);
        ures.pipe(res);
        ures.on('end', resolve);
        ures.on('error', () => resolve());
      });
      up.on('error', (e) => {
        if (!res.headersSent) writeStatus(res, errors.unavailable(`error trying to reach service: ${e.message}`));
        else res.destroy();
        resolve();
      });
      res.on('close', () => up.destroy());
      req.pipe(up);
    });
    return true;
  }

  /** The remote group-versions that passed their last check, grouped as aggregated discovery wants them. */
  remoteGroups(): { group: string; versions: VersionEntry[] }[] {
    const byGroup = new Map<string, { prio: number; versions: { prio: number; entry: VersionEntry }[] }>();
    for (const s of this.remote()) {
      const entry = this.discovered.get(s.metadata.name ?? '');
      if (!entry || availableOf(s)?.status !== 'True' || !s.spec) continue;
      const g = byGroup.get(s.spec.group ?? '') ?? { prio: 0, versions: [] };
      g.prio = Math.max(g.prio, s.spec.groupPriorityMinimum);
      g.versions.push({ prio: s.spec.versionPriority, entry });
      byGroup.set(s.spec.group ?? '', g);
    }
    return [...byGroup.entries()]
      .sort((a, b) => b[1].prio - a[1].prio || (a[0] < b[0] ? -1 : 1))
      .map(([group, g]) => ({ group, versions: g.versions.sort((a, b) => b.prio - a.prio).map((v) => v.entry) }));
  }

  /** Kicks every check now (tests, and after this server's own bootstrap). */
  recheckAll(): void {
    for (const o of this.d.apiServices.list()) this.enqueue(o.metadata.name ?? '');
  }
}
