// MutatingAdmissionWebhook (in order, JSONPatch applied in place, IfNeeded webhooks reinvoked once when a later
// webhook changed the object) and ValidatingAdmissionWebhook (in parallel, first denial by order wins).
import { isDeepStrictEqual } from 'node:util';
import { applyJsonPatch, errors, type KubeObject } from '@kubets/api';
import type { AdmissionLookup, AdmissionPlugin, AdmissionRequest } from '../interface';
import { applyAllDefaults } from '../../registry/prepare';
import { isExemptFromWebhooks } from './match';
import { validateWebhookConfigurationConditions } from './conditions';
import { applyFailurePolicy, callWebhook, shouldCall, type WebhookCallerOptions } from './call';
import type { CompiledWebhook, WebhookConfigurationSource } from './source';

export const MutatingWebhookPluginName = 'MutatingAdmissionWebhook';
export const ValidatingWebhookPluginName = 'ValidatingAdmissionWebhook';

export interface WebhookAdmissionOptions extends WebhookCallerOptions {
  source: WebhookConfigurationSource;
}

const allOperations = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;

/** Writes of this plugin's own configuration kind are checked here: their matchConditions must compile. */
function checkConfigurationWrite(req: AdmissionRequest, kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration'): void {
  if (req.def.group !== 'admissionregistration.k8s.io' || req.def.kind !== kind || req.subresource !== '') return;
  if (req.operation === 'CREATE' || req.operation === 'UPDATE') validateWebhookConfigurationConditions(kind, req.obj);
}

/** Applies a webhook's patch to the request's object in place; returns whether the object changed. */
function applyPatch(w: CompiledWebhook, req: AdmissionRequest, patch: unknown[]): boolean {
  if (patch.length === 0) return false;
  if (req.operation === 'DELETE') throw errors.internal(`admission webhook "${w.hook.name}" attempted to modify the object, which is not supported for this operation`);
  const before = req.obj;
  let patched: unknown;
  try {
    patched = applyJsonPatch(structuredClone(before), patch);
  } catch (e) {
    throw errors.internal((e as Error).message);
  }
  if (typeof patched !== 'object' || patched === null || Array.isArray(patched) || typeof (patched as KubeObject).metadata !== 'object') {
    throw errors.internal(`admission webhook "${w.hook.name}" returned a patch that does not leave an object`);
  }
  const next = patched as KubeObject;
  if (next.metadata.name !== before.metadata.name || next.metadata.namespace !== before.metadata.namespace) {
    throw errors.internal(`admission webhook "${w.hook.name}" attempted to change the object's name or namespace`);
  }
  if (req.operation !== 'CONNECT') applyAllDefaults(req.def, next);
  const changed = !isDeepStrictEqual(before, next);
  for (const k of Object.keys(before)) delete (before as Record<string, unknown>)[k];
  Object.assign(before, next);
  return changed;
}

export function mutatingAdmissionWebhook(opts: WebhookAdmissionOptions): AdmissionPlugin {
  return {
    name: MutatingWebhookPluginName,
    operations: allOperations,
    async admit(req: AdmissionRequest, lookup: AdmissionLookup) {
      checkConfigurationWrite(req, 'MutatingWebhookConfiguration');
      if (isExemptFromWebhooks(req.def)) return;
      const hooks = await opts.source.webhooks('mutating');
      if (!hooks.length) return;
      // upstream's reinvocation context: IfNeeded webhooks called before a change are called once more
      const invokedIfNeeded = new Set<string>();
      const reinvoke = new Set<string>();
      const run = async (w: CompiledWebhook): Promise<boolean> => {
        const gvr = await shouldCall(w, req, lookup);
        if (!gvr) return false;
        let changed = false;
        try {
          const result = await callWebhook(w, req, gvr, true, lookup, opts);
          if (result.patch) changed = applyPatch(w, req, result.patch);
        } catch (e) {
          applyFailurePolicy(w, e);
        }
        if (changed) for (const uid of invokedIfNeeded) reinvoke.add(uid);
        if (w.hook.reinvocationPolicy === 'IfNeeded') invokedIfNeeded.add(w.uid);
        return true;
      };
      for (const w of hooks) await run(w);
      if (!reinvoke.size) return;
      invokedIfNeeded.clear();
      const due = new Set(reinvoke);
      for (const w of hooks) if (due.has(w.uid)) await run(w);
    },
  };
}

export function validatingAdmissionWebhook(opts: WebhookAdmissionOptions): AdmissionPlugin {
  return {
    name: ValidatingWebhookPluginName,
    operations: allOperations,
    async admit(req: AdmissionRequest, lookup: AdmissionLookup) {
      checkConfigurationWrite(req, 'ValidatingWebhookConfiguration');
      if (isExemptFromWebhooks(req.def)) return;
      const hooks = await opts.source.webhooks('validating');
      if (!hooks.length) return;
      const calls = await Promise.all(hooks.map(async (w) => ({ w, gvr: await shouldCall(w, req, lookup) })));
      const outcomes = await Promise.allSettled(
        calls.map(async ({ w, gvr }) => {
          if (!gvr) return;
          try {
            await callWebhook(w, req, gvr, false, lookup, opts);
          } catch (e) {
            applyFailurePolicy(w, e);
          }
        }),
      );
      for (const o of outcomes) if (o.status === 'rejected') throw o.reason;
    },
  };
}
