// The admission chain: runs plugins in order (as --enable-admission-plugins would) on every write.
import type { AdmissionLookup, AdmissionPlugin, AdmissionRequest } from './interface';
import { namespaceLifecycle } from './namespace-lifecycle';
import { defaultTolerationSeconds, type DefaultTolerationOptions } from './default-toleration-seconds';
import { serviceAccountAdmission, type ServiceAccountAdmissionOptions } from './service-account';
import { priorityAdmission } from './priority';
import { limitRanger } from './limit-ranger';
import { resourceQuota } from './resource-quota';
import { podSecurity, type PodSecurityOptions } from './pod-security';
import { nodeRestriction } from './node-restriction';

export class AdmissionChain {
  constructor(
    readonly plugins: AdmissionPlugin[],
    private readonly lookup: AdmissionLookup,
  ) {}

  async admit(req: AdmissionRequest): Promise<void> {
    for (const p of this.plugins) await p.admit(req, this.lookup);
  }
}

export interface DefaultPluginsOptions {
  serviceAccount?: ServiceAccountAdmissionOptions;
  tolerations?: DefaultTolerationOptions;
  podSecurity?: PodSecurityOptions;
}

/** Upstream's default order for the plugins we have. */
export function defaultAdmissionPlugins(opts: DefaultPluginsOptions = {}): AdmissionPlugin[] {
  return [namespaceLifecycle(), limitRanger(), serviceAccountAdmission(opts.serviceAccount), nodeRestriction(), priorityAdmission(), defaultTolerationSeconds(opts.tolerations), podSecurity(opts.podSecurity), resourceQuota()];
}
