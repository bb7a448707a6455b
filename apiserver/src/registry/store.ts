// The generic REST store: one per KindDef, over Storage. Implements create/get/list/update/patch with
// Kubernetes' bookkeeping (uid, timestamps, generation, managedFields, status handling, finalizers).
import { randomUUID } from 'node:crypto';
import { errors, apiVersionOf, type KindDef, type KubeObject, type StatusCause } from '@kubets/api';
import type { ListResult, Storage } from '../storage/interface';
import { collectionPrefix, objectKey } from './keys';
import { rfc3339, type RegistryDeps, type RequestContext } from './context';
import * as deps from './deps';
import {
  applyAllDefaults,
  asObjectOfKind,
  bumpGeneration,
  carrySystemFields,
  finalizersOf,
  generateSuffix,
  gr,
  handleUnknownFields,
  tracksGeneration,
  validateCreate,
  validateUpdate,
} from './prepare';
import { applyPatch, isApplyPatch } from './patch';
import { queryBool } from '../http/params';

const keepStatusOnCreate = new Set(['/nodes', '/namespaces']);

export interface ListParams {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  limit?: number;
  continue?: string;
}

export class ResourceStore {
  readonly apiVersion: string;
  constructor(
    readonly def: KindDef,
    readonly deps: RegistryDeps,
  ) {
    this.apiVersion = apiVersionOf(def.group, def.version);
  }

  get storage(): Storage {
    return this.deps.storage;
  }
  key(namespace: string, name: string): string {
    return objectKey(this.deps.prefix, this.def, namespace, name);
  }
  prefix(namespace: string): string {
    return collectionPrefix(this.deps.prefix, this.def, namespace);
  }
  private now(): string {
    return rfc3339(this.deps.now());
  }
  /** Objects leave the store with their type. */
  typed(obj: KubeObject): KubeObject {
    obj.apiVersion = this.apiVersion;
    obj.kind = this.def.kind;
    return obj;
  }

  async get(ctx: RequestContext): Promise<KubeObject> {
    return this.typed(await this.storage.get(this.key(ctx.namespace, ctx.name)));
  }

  predicate(params: ListParams): ((o: KubeObject) => boolean) | undefined {
    if (!params.labelSelector && !params.fieldSelector) return undefined;
    const lm = deps.labelMatcher(params.labelSelector);
    const fm = deps.fieldMatcher(this.def, params.fieldSelector);
    return (o) => lm(o.metadata.labels) && fm(deps.fieldsOf(this.def, o));
  }

  async list(namespace: string, params: ListParams): Promise<ListResult> {
    const useCache = params.resourceVersion === '0' && !params.continue;
    const store = (useCache && this.deps.cached?.(this.def)) || this.storage;
    const predicate = this.predicate(params);
    const res = await store.list(this.prefix(namespace), {
      ...(params.resourceVersion !== undefined ? { resourceVersion: params.resourceVersion } : {}),
      ...(params.resourceVersionMatch === 'Exact' || params.resourceVersionMatch === 'NotOlderThan' ? { resourceVersionMatch: params.resourceVersionMatch } : {}),
      ...(params.limit && !useCache ? { limit: params.limit } : {}),
      ...(params.continue ? { continue: params.continue } : {}),
      ...(predicate ? { predicate } : {}),
    });
    res.items = res.items.map((i) => this.typed(i));
    return res;
  }

  async namespaceMustAllowCreate(namespace: string): Promise<void> {
    let ns: KubeObject;
    try {
      ns = await this.storage.get(`${this.deps.prefix}/core/namespaces/${namespace}`);
    } catch (e) {
      if ((e as { status?: { code?: number } }).status?.code === 404) throw errors.notFound({ group: '', resource: 'namespaces' }, namespace);
      throw e;
    }
    const phase = (ns.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Terminating' || ns.metadata.deletionTimestamp) {
      throw errors.forbidden(gr(this.def), '', `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  /** Checks URL vs body namespace; fills it. */
  private setNamespace(obj: KubeObject, ctx: RequestContext): void {
    if (!this.def.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    const bodyNs = obj.metadata.namespace;
    if (bodyNs && bodyNs !== ctx.namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = ctx.namespace;
  }

  async create(ctx: RequestContext, body: unknown): Promise<KubeObject> {
    const obj = asObjectOfKind(this.def, body);
    handleUnknownFields(this.def, obj, ctx);
    return this.createObject(ctx, obj, 'Update');
  }

  /** Create a decoded, typed object (also the upsert path of apply and of PUT-creates). */
  /** Top-level fields an endpoint does not track in managedFields. */
  ignoredFields(subresource: string): string[] {
    if (!this.def.status) return [];
    if (subresource === 'status') return Object.keys(this.def.schema.properties ?? {}).filter((k) => k !== 'status' && k !== 'metadata' && k !== 'apiVersion' && k !== 'kind');
    return ['status'];
  }

  async createObject(ctx: RequestContext, obj: KubeObject, operation: 'Update' | 'Apply', managed?: boolean): Promise<KubeObject> {
    this.setNamespace(obj, ctx);
    const m = obj.metadata;
    if (!m.name) {
      if (m.generateName) m.name = m.generateName + generateSuffix();
      else throw errors.invalid({ group: this.def.group, kind: this.def.kind }, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    }
    if (this.def.namespaced && !this.deps.admission) await this.namespaceMustAllowCreate(ctx.namespace);
    const now = this.now();
    m.uid = randomUUID();
    m.creationTimestamp = now;
    delete m.resourceVersion;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.selfLink;
    if (tracksGeneration(this.def)) m.generation = 1;
    else delete m.generation;
    // Status is the system's to write: reset on create, except for the kinds Kubernetes lets clients create with
    // status (nodes are registered by the kubelet with their addresses; namespaces default to Active).
    if (this.def.status && !keepStatusOnCreate.has(`${this.def.group}/${this.def.plural}`)) delete obj.status;
    applyAllDefaults(this.def, obj);
    if (this.deps.admission) {
      await this.deps.admission.admit({ def: this.def, operation: 'CREATE', subresource: '', namespace: ctx.namespace, obj, dryRun: ctx.dryRun, ...(ctx.user ? { userInfo: ctx.user } : {}), warnings: ctx.warnings, ...(ctx.auditAnnotations ? { auditAnnotations: ctx.auditAnnotations } : {}) });
      applyAllDefaults(this.def, obj);
    }
    const hooks = this.deps.hooks(this.def);
    if (hooks?.beforeCreate) await hooks.beforeCreate(obj, ctx);
    let created: KubeObject;
    try {
      validateCreate(this.def, obj);
      if (!managed) obj = deps.updateManagedFields(undefined, obj, ctx.manager, operation, this.def.schema, this.apiVersion, now, undefined, this.ignoredFields(''));
      if (ctx.dryRun) created = obj;
      else {
        created = await this.storage.create(this.key(ctx.namespace, m.name!), obj);
        if (hooks?.afterCreate) await hooks.afterCreate(structuredClone(created)).catch(() => undefined);
      }
    } catch (e) {
      if (hooks?.createFailed && !ctx.dryRun) await hooks.createFailed(obj).catch(() => undefined);
      throw e;
    }
    return this.typed(created);
  }

  /**
   * Read-modify-write shared by PUT and PATCH. `mutate` returns the desired object given the current one.
   * `subresource` is '' (main), 'status'. Removes the object when its last finalizer goes while deleting.
   */
  async updateWith(
    ctx: RequestContext,
    mutate: (current: KubeObject) => KubeObject,
    operation: 'Update' | 'Apply',
    opts: {
      managedByMutate?: boolean;
      /** system writes (binding) skip update-only rules such as spec immutability */ skipUpdateRules?: boolean;
      /** subresource recorded in managedFields when it differs from ctx.subresource (scale writes the main object) */ fieldsSubresource?: string;
      /** system writes that set spec and status together (binding: nodeName + PodScheduled in one write) */ writesStatus?: boolean;
      /** a subresource's own update rules instead of the kind's (pods/ephemeralcontainers) */ validate?: (obj: KubeObject, old: KubeObject) => StatusCause[];
    } = {},
  ): Promise<KubeObject> {
    const key = this.key(ctx.namespace, ctx.name);
    const hooks = this.deps.hooks(this.def);
    const sub = ctx.subresource;
    let old: KubeObject | undefined;
    let next: KubeObject | undefined;
    const tryUpdate = async (cur: KubeObject): Promise<KubeObject> => {
      old = structuredClone(cur);
      this.typed(old);
      const wanted = mutate(structuredClone(old));
      const rv = wanted.metadata?.resourceVersion;
      if (rv && rv !== cur.metadata.resourceVersion) {
        throw errors.conflict(gr(this.def), ctx.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      let obj: KubeObject;
      if (sub === 'status') {
        obj = structuredClone(old);
        if (wanted.status !== undefined) obj.status = wanted.status;
        else delete obj.status;
        if (opts.managedByMutate && wanted.metadata?.managedFields) obj.metadata.managedFields = wanted.metadata.managedFields;
      } else {
        obj = wanted;
        this.typed(obj);
        carrySystemFields(this.def, obj, old, !opts.writesStatus);
      }
      obj.metadata.resourceVersion = cur.metadata.resourceVersion;
      applyAllDefaults(this.def, obj);
      bumpGeneration(this.def, obj, old);
      if (this.deps.admission) await this.deps.admission.admit({ def: this.def, operation: 'UPDATE', subresource: sub, namespace: ctx.namespace, obj, old, dryRun: ctx.dryRun, ...(ctx.user ? { userInfo: ctx.user } : {}), warnings: ctx.warnings, ...(ctx.auditAnnotations ? { auditAnnotations: ctx.auditAnnotations } : {}) });
      if (hooks?.beforeUpdate && sub === '') await hooks.beforeUpdate(obj, old, ctx);
      if (opts.validate) {
        const causes = opts.validate(obj, old);
        if (causes.length) throw errors.invalid({ group: this.def.group, kind: this.def.kind }, obj.metadata.name ?? '', causes);
      } else if (opts.skipUpdateRules) validateCreate(this.def, obj);
      else validateUpdate(this.def, obj, old);
      if (!opts.managedByMutate) obj = deps.updateManagedFields(old, obj, ctx.manager, operation, this.def.schema, this.apiVersion, this.now(), opts.fieldsSubresource ?? (sub || undefined), this.ignoredFields(sub));
      next = obj;
      if (ctx.dryRun) throw new DryRunDone(obj);
      return obj;
    };
    let updated: KubeObject;
    try {
      // Through the watch cache: its copy of the object saves the read (the store re-reads if it was stale).
      updated = await (this.deps.cached?.(this.def) ?? this.storage).guaranteedUpdate(key, tryUpdate);
    } catch (e) {
      if (e instanceof DryRunDone) {
        if (hooks?.updateFailed && next && old) await hooks.updateFailed(next, old).catch(() => undefined);
        return this.typed(e.obj);
      }
      if (hooks?.updateFailed && next && old) await hooks.updateFailed(next, old).catch(() => undefined);
      throw e;
    }
    this.typed(updated);
    if (old && hooks?.afterUpdate) await hooks.afterUpdate(updated, old).catch(() => undefined);
    // As Kubernetes: an object being deleted whose last finalizer went (and whose grace period is over) is removed.
    if (
      old &&
      updated.metadata.deletionTimestamp &&
      (updated.metadata.deletionGracePeriodSeconds ?? 0) === 0 &&
      finalizersOf(this.def, old).length > 0 &&
      finalizersOf(this.def, updated).length === 0
    ) {
      await this.finishDelete(updated);
    }
    return updated;
  }

  /** Removes an object whose deletion is complete (no finalizers left). */
  async finishDelete(obj: KubeObject): Promise<void> {
    const ns = obj.metadata.namespace ?? '';
    try {
      const last = await this.storage.delete(this.key(ns, obj.metadata.name ?? ''), obj.metadata.uid ? { uid: obj.metadata.uid } : undefined, (cur) => {
        if (finalizersOf(this.def, cur).length > 0) throw errors.conflict(gr(this.def), obj.metadata.name ?? '', 'finalizers were added concurrently');
      });
      await this.deps.hooks(this.def)?.afterDelete?.(last);
    } catch (e) {
      if ((e as { status?: { code?: number } }).status?.code !== 404) throw e;
    }
  }

  async update(ctx: RequestContext, body: unknown): Promise<KubeObject> {
    const obj = asObjectOfKind(this.def, body);
    handleUnknownFields(this.def, obj, ctx);
    if (obj.metadata.name && obj.metadata.name !== ctx.name) {
      throw errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${ctx.name})`);
    }
    if (this.def.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ctx.namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    return this.updateWith(ctx, () => obj, 'Update');
  }

  /** PATCH; returns whether the object was created (apply upsert). */
  async patch(ctx: RequestContext, patchType: string, patch: unknown): Promise<{ obj: KubeObject; created: boolean }> {
    const apply = isApplyPatch(patchType);
    if (apply) {
      if (!ctx.query.get('fieldManager')) throw errors.badRequest('PATCH, application/apply-patch+yaml requests must include the fieldManager query parameter');
      const applied = asObjectOfKind(this.def, patch);
      handleUnknownFields(this.def, applied, ctx);
      if (applied.metadata.name && applied.metadata.name !== ctx.name) {
        throw errors.badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${ctx.name})`);
      }
      const force = queryBool(ctx.query.get('force'));
      try {
        const obj = await this.updateWith(
          ctx,
          (cur) => {
            const merged = deps.applyServerSideApply({ live: cur, applied: structuredClone(applied), manager: ctx.manager, force, schema: this.def.schema, apiVersion: this.apiVersion, now: this.now(), ...(ctx.subresource ? { subresource: ctx.subresource } : {}), ignoredFields: this.ignoredFields(ctx.subresource) });
            return merged;
          },
          'Apply',
          { managedByMutate: true },
        );
        return { obj, created: false };
      } catch (e) {
        if ((e as { status?: { code?: number } }).status?.code !== 404 || ctx.subresource) throw e;
      }
      applied.metadata.name = ctx.name;
      const fresh = deps.applyServerSideApply({ live: undefined, applied: structuredClone(applied), manager: ctx.manager, force, schema: this.def.schema, apiVersion: this.apiVersion, now: this.now(), ignoredFields: this.ignoredFields('') });
      this.typed(fresh);
      const obj = await this.createObject(ctx, fresh, 'Apply', true);
      return { obj, created: true };
    }
    const obj = await this.updateWith(
      ctx,
      (cur) => {
        const patched = applyPatch(patchType, cur, patch, this.def.schema);
        const o = asObjectOfKind(this.def, patched);
        handleUnknownFields(this.def, o, ctx);
        if (o.metadata.name !== undefined && o.metadata.name !== ctx.name) {
          throw errors.badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${ctx.name})`);
        }
        return o;
      },
      'Update',
    );
    return { obj, created: false };
  }
}

class DryRunDone extends Error {
  constructor(readonly obj: KubeObject) {
    super('dry run');
  }
}
