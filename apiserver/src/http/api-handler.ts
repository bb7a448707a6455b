// Routes /api/v1/... and /apis/<g>/<v>/... requests to the per-kind stores and their subresources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type KindDef, type KubeObject } from '@kubets/api';
import type { RequestInfo } from './request-info';
import { writeJson } from './errors';
import { boolParam, intParam, listParams } from './params';
import { decodeBody, decodeDeleteBody, decodePatchBody, mediaType, readBody } from '../encoding/body';
import { checkPatchType } from '../registry/patch';
import { requestAuditAnnotations, requestUser } from '../auth/request-user';
import type { ReviewHandler } from '../auth/reviews';
import { dryRunFrom, fieldManagerFrom, fieldValidationFrom, type RequestContext } from '../registry/context';
import type { ResourceStore } from '../registry/store';
import { deleteCollection, deleteObject, parseDeleteOptions } from '../registry/delete';
import { getScale, writeScale } from '../registry/scale';
import { bindPod } from '../registry/binding';
import { ephemeralContainersSubresource, getEphemeralContainers, writeEphemeralContainers } from '../registry/ephemeral-containers';
import { createServiceAccountToken } from '../registry/token';
import type { TokenSigner } from '@kubets/client';
import { includeObjectFrom, toTable, wantsTable } from '../table/table';
import { serveWatch } from '../watch/watch';
import type { NodeConnection } from '../nodes/connection';
import { admitConnect } from '../registry/connect';
import { proxyPodLog } from '../nodes/pod-proxy';
import { isCSRSubresource, serveCSRSubresource } from '../registry/kinds/csr-subresources';

export interface ApiHandlerDeps {
  storeFor(group: string, version: string, resource: string): ResourceStore | undefined;
  nodes: NodeConnection;
  /** service account token signer (TokenRequest); absent: serviceaccounts/token is 404 */
  signer?: TokenSigner;
  /** the review APIs (TokenReview, SubjectAccessReview …): answered, never stored */
  reviews?: (group: string, resource: string) => ReviewHandler | undefined;
}

export class ApiHandler {
  constructor(private readonly d: ApiHandlerDeps) {}

  private context(req: IncomingMessage, info: RequestInfo, query: URLSearchParams, dryRunValues?: string[]): RequestContext {
    const write = info.verb !== 'get' && info.verb !== 'list' && info.verb !== 'watch';
    const user = requestUser(req);
    return {
      namespace: info.namespace,
      name: info.name,
      subresource: info.subresource,
      query,
      manager: write ? fieldManagerFrom(query, req.headers['user-agent']) : '',
      fieldValidation: write ? fieldValidationFrom(query) : 'Ignore',
      dryRun: dryRunFrom(dryRunValues ?? query.getAll('dryRun')),
      warnings: [],
      ...(user ? { user } : {}),
      auditAnnotations: requestAuditAnnotations(req),
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void> {
    // core/v1 bindings (POST /api/v1/namespaces/<ns>/bindings)
    if (info.group === '' && info.version === 'v1' && info.resource === 'bindings') {
      if (req.method !== 'POST' || !info.namespace || info.name) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
      const pods = this.d.storeFor('', 'v1', 'pods');
      if (!pods) throw errors.pathNotFound();
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      await bindPod(pods, this.context(req, info, query), body);
      return writeJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    }
    const review = this.d.reviews?.(info.group, info.resource);
    // SelfSubjectReview is also served as v1beta1 (kubectl 1.27's auth whoami)
    if (review && (info.version === 'v1' || (info.resource === 'selfsubjectreviews' && info.version === 'v1beta1'))) {
      if (req.method !== 'POST' || info.name || info.subresource) throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
      const user = requestUser(req);
      if (!user) throw errors.unauthorized();
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      return writeJson(res, 201, await review(user, info.namespace, body));
    }
    const store = this.d.storeFor(info.group, info.version, info.resource);
    if (!store) throw errors.pathNotFound();
    const def = store.def;
    if (!def.namespaced && info.namespace) throw errors.pathNotFound();
    if (def.namespaced && !info.namespace && (info.name || (req.method !== 'GET' && req.method !== 'HEAD'))) {
      if (info.name) throw errors.pathNotFound();
      throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
    if (info.rest.length) throw errors.pathNotFound();
    if (info.subresource) return this.subresource(req, res, store, info, query);
    if (!info.name) return this.collection(req, res, store, info, query);
    return this.item(req, res, store, info, query);
  }

  private send(res: ServerResponse, code: number, obj: unknown, ctx?: RequestContext): void {
    const headers: Record<string, string> = {};
    if (ctx?.warnings.length) headers['Warning'] = ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
    writeJson(res, code, obj, headers);
  }

  private async collection(req: IncomingMessage, res: ServerResponse, store: ResourceStore, info: RequestInfo, query: URLSearchParams): Promise<void> {
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const table = wantsTable(req.headers.accept) ? { includeObject: includeObjectFrom(query) } : undefined;
        if (info.verb === 'watch') {
          const timeout = intParam(query, 'timeoutSeconds');
          await serveWatch(store, req, res, {
            namespace: info.namespace,
            labelSelector: query.get('labelSelector') ?? undefined,
            fieldSelector: query.get('fieldSelector') ?? undefined,
            resourceVersion: query.get('resourceVersion') || '0',
            allowBookmarks: boolParam(query, 'allowWatchBookmarks'),
            ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
            ...(table ? { table } : {}),
          });
          return;
        }
        const list = await store.list(info.namespace, listParams(query));
        const meta = {
          resourceVersion: list.resourceVersion,
          ...(list.continue ? { continue: list.continue } : {}),
          ...(list.remainingItemCount !== undefined && list.continue ? { remainingItemCount: list.remainingItemCount } : {}),
        };
        if (table) return this.send(res, 200, toTable(store.def, list.items, meta, table));
        return this.send(res, 200, { kind: `${store.def.kind}List`, apiVersion: store.apiVersion, metadata: meta, items: list.items });
      }
      case 'POST': {
        const ctx = this.context(req, info, query);
        const body = decodeBody(await readBody(req), req.headers['content-type'], store.def.kind);
        const obj = await store.create(ctx, body);
        return this.send(res, 201, obj, ctx);
      }
      case 'DELETE': {
        const raw = await readBody(req);
        const opts = parseDeleteOptions(raw.length ? decodeDeleteBody(raw, req.headers['content-type']) : undefined, query);
        const ctx = this.context(req, info, query, opts.dryRun);
        const items = await deleteCollection(store, ctx, listParams(query), opts);
        return this.send(res, 200, { kind: `${store.def.kind}List`, apiVersion: store.apiVersion, metadata: {}, items }, ctx);
      }
      default:
        throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  }

  private async item(req: IncomingMessage, res: ServerResponse, store: ResourceStore, info: RequestInfo, query: URLSearchParams): Promise<void> {
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const table = wantsTable(req.headers.accept) ? { includeObject: includeObjectFrom(query) } : undefined;
        if (info.verb === 'watch') {
          const timeout = intParam(query, 'timeoutSeconds');
          await serveWatch(store, req, res, {
            namespace: info.namespace,
            name: info.name,
            resourceVersion: query.get('resourceVersion') || '0',
            allowBookmarks: boolParam(query, 'allowWatchBookmarks'),
            ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
            ...(table ? { table } : {}),
          });
          return;
        }
        const obj = await store.get(this.context(req, info, query));
        if (table) return this.send(res, 200, toTable(store.def, [obj], { resourceVersion: obj.metadata.resourceVersion }, table));
        return this.send(res, 200, obj);
      }
      case 'PUT': {
        const ctx = this.context(req, info, query);
        const body = decodeBody(await readBody(req), req.headers['content-type'], store.def.kind);
        return this.send(res, 200, await store.update(ctx, body), ctx);
      }
      case 'PATCH': {
        const ctx = this.context(req, info, query);
        const pt = checkPatchType(mediaType(req.headers['content-type']));
        const patch = decodePatchBody(await readBody(req), pt);
        const r = await store.patch(ctx, pt, patch);
        return this.send(res, r.created ? 201 : 200, r.obj, ctx);
      }
      case 'DELETE': {
        const raw = await readBody(req);
        const opts = parseDeleteOptions(raw.length ? decodeDeleteBody(raw, req.headers['content-type']) : undefined, query);
        const ctx = this.context(req, info, query, opts.dryRun);
        const r = await deleteObject(store, ctx, opts);
        return this.send(res, r.deleted ? 200 : 202, r.obj, ctx);
      }
      default:
        throw errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    }
  }

  private async subresource(req: IncomingMessage, res: ServerResponse, store: ResourceStore, info: RequestInfo, query: URLSearchParams): Promise<void> {
    const def = store.def;
    const sub = info.subresource;
    const m = req.method;
    if (isCSRSubresource(def, sub)) {
      const ctx = this.context(req, info, query);
      return this.send(res, 200, await serveCSRSubresource(store, ctx, req), ctx);
    }
    if (sub === 'status' && def.status) {
      if (m === 'GET') return this.send(res, 200, await store.get(this.context(req, info, query)));
      if (m === 'PUT' || m === 'PATCH') return this.item(req, res, store, info, query);
      throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    }
    if (sub === 'scale' && def.scale) {
      const ctx = this.context(req, info, query);
      if (m === 'GET') return this.send(res, 200, await getScale(store, ctx));
      if (m === 'PUT') return this.send(res, 200, await writeScale(store, ctx, decodeBody(await readBody(req), req.headers['content-type'])), ctx);
      if (m === 'PATCH') {
        const pt = checkPatchType(mediaType(req.headers['content-type']));
        if (pt === 'application/apply-patch+yaml') throw errors.unsupportedMediaType(pt);
        return this.send(res, 200, await writeScale(store, ctx, decodePatchBody(await readBody(req), pt), pt), ctx);
      }
      throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    }
    if (isCore(def, 'namespaces') && sub === 'finalize') {
      if (m !== 'PUT') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      const ctx = this.context(req, info, query);
      const body = decodeBody(await readBody(req), req.headers['content-type']) as KubeObject;
      const fins = (body?.spec as { finalizers?: unknown } | undefined)?.finalizers;
      const obj = await store.updateWith({ ...ctx, subresource: '' }, (cur) => {
        cur.spec = { ...((cur.spec as object) ?? {}), finalizers: Array.isArray(fins) ? fins.map(String) : [] };
        return cur;
      }, 'Update');
      return this.send(res, 200, obj, ctx);
    }
    if (isCore(def, 'serviceaccounts') && sub === 'token' && this.d.signer) {
      if (m !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      const ctx = this.context(req, info, query);
      const body = decodeBody(await readBody(req), req.headers['content-type']);
      const signer = this.d.signer;
      const tr = await createServiceAccountToken(
        { serviceAccounts: store, signer, now: () => Date.now(), boundStore: (kind) => this.d.storeFor('', 'v1', kind === 'Pod' ? 'pods' : kind === 'Secret' ? 'secrets' : '') },
        ctx,
        body,
      );
      return this.send(res, 201, tr, ctx);
    }
    if (isCore(def, 'pods')) {
      if (sub === 'binding') {
        if (m !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
        const body = decodeBody(await readBody(req), req.headers['content-type']);
        await bindPod(store, this.context(req, info, query), body);
        return writeJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      }
      if (sub === 'log') {
        if (m !== 'GET') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
        const pod = await store.get(this.context(req, info, query));
        return proxyPodLog(this.d.nodes, pod, query, res);
      }
      if (sub === 'eviction') {
        if (m !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
        const body = decodeBody(await readBody(req), req.headers['content-type']) as { deleteOptions?: unknown };
        const opts = parseDeleteOptions(body?.deleteOptions ?? undefined, new URLSearchParams());
        const ctx = this.context(req, info, query, opts.dryRun);
        await deleteObject(store, { ...ctx, subresource: '' }, opts);
        return writeJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      }
      if (sub === ephemeralContainersSubresource) {
        const ctx = this.context(req, info, query);
        if (m === 'GET') return this.send(res, 200, await getEphemeralContainers(store, ctx));
        if (m === 'PUT') return this.send(res, 200, await writeEphemeralContainers(store, ctx, decodeBody(await readBody(req), req.headers['content-type'])), ctx);
        if (m === 'PATCH') {
          const pt = checkPatchType(mediaType(req.headers['content-type']));
          return this.send(res, 200, await writeEphemeralContainers(store, ctx, decodePatchBody(await readBody(req), pt), pt), ctx);
        }
        throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      }
      if (sub === 'exec' || sub === 'attach' || sub === 'portforward') {
        // admission first, as upstream's connect handler: a denial wins over the missing upgrade
        await admitConnect(store, sub, this.context(req, info, query), query);
        throw errors.badRequest('Upgrade request required');
      }
    }
    throw errors.pathNotFound();
  }
}

function isCore(def: KindDef, plural: string): boolean {
  return def.group === '' && def.plural === plural;
}
