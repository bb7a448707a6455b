// The REST client a component's leader election uses (kube-controller-manager's and kube-scheduler's
// leaderElectionClient): same server and credentials, user agent "<component's>/leader-election", and a rate
// limiter of its own, so lease renewals never queue behind the component's work in the shared client-side limiter.
import { RestClient, type RestClientOptions } from '../rest/client';
import { defaultUserAgent, type RestConfig } from '../rest/config';

/** client-go's rest.AddUserAgent: the config's user agent (or the default one) + "/" + suffix. */
export function addUserAgent(config: RestConfig, suffix: string): RestConfig {
  return { ...config, userAgent: `${config.userAgent ?? defaultUserAgent}/${suffix}` };
}

/** A new client for leader election from the component's config (its QPS/burst, in a separate bucket). */
export function newLeaderElectionClient(config: RestConfig, opts?: RestClientOptions): RestClient {
  return new RestClient(addUserAgent(config, 'leader-election'), opts);
}
