// The admission chain: runs plugins in order (as --enable-admission-plugins would) on every write.
import type { AdmissionLookup, AdmissionOperation, AdmissionPlugin, AdmissionRequest } from './interface';
import { namespaceLifecycle } from './namespace-lifecycle';
import { defaultTolerationSeconds, type DefaultTolerationOptions } from './default-toleration-seconds';
import { serviceAccountAdmission, type ServiceAccountAdmissionOptions } from './service-account';
import { priorityAdmission } from './priority';
import { limitRanger } from './limit-ranger';
import { resourceQuota } from './resource-quota';
import { podSecurity, type PodSecurityOptions } from './pod-security';
import { nodeRestriction } from './node-restriction';
import { validatingAdmissionPolicy } from './policy';
import { mutatingAdmissionWebhook, validatingAdmissionWebhook, type WebhookAdmissionOptions } from './webhook';

const createAndUpdate: readonly AdmissionOperation[] = ['CREATE', 'UPDATE'];

export class AdmissionChain {
  constructor(
    readonly plugins: AdmissionPlugin[],
    private readonly lookup: AdmissionLookup,
  ) {}

  async admit(req: AdmissionRequest): Promise<void> {
    for (const p of this.plugins) if ((p.operations ?? createAndUpdate).includes(req.operation)) await p.admit(req, this.lookup);
  }
}

export interface DefaultPluginsOptions {
  serviceAccount?: ServiceAccountAdmissionOptions;
  tolerations?: DefaultTolerationOptions;
  podSecurity?: PodSecurityOptions;
  /** dynamic admission webhooks (configurations read from the API) */
  webhooks?: WebhookAdmissionOptions;
}

/** Upstream's default order for the plugins we have. One phase here: webhooks mutate after the built-in mutating plugins and validate after the built-in validating ones, before ResourceQuota. */
export function defaultAdmissionPlugins(opts: DefaultPluginsOptions = {}): AdmissionPlugin[] {
  const mutatingWebhooks = opts.webhooks ? [mutatingAdmissionWebhook(opts.webhooks)] : [];
  const validatingWebhooks = opts.webhooks ? [validatingAdmissionWebhook(opts.webhooks)] : [];
  return [namespaceLifecycle(), limitRanger(), serviceAccountAdmission(opts.serviceAccount), nodeRestriction(), priorityAdmission(), defaultTolerationSeconds(opts.tolerations), ...mutatingWebhooks, podSecurity(opts.podSecurity), validatingAdmissionPolicy(), ...validatingWebhooks, resourceQuota()];
}
