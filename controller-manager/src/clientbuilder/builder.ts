// Client builders (k8s.io/controller-manager/pkg/clientbuilder): how each controller gets its API client.
// SimpleControllerClientBuilder hands every controller the manager's own client; DynamicControllerClientBuilder
// (--use-service-account-credentials) gives each one a client authenticated as
// system:serviceaccount:kube-system:<name>, with a TokenRequest token that is renewed before it expires.
import { NamespaceKind, ServiceAccountKind, hasReason } from '@kubets/api';
import {
  CachedTokenSource,
  RestClient,
  anonymousConfig,
  defaultUserAgent,
  nopLogger,
  realClock,
  sleep,
  type Clock,
  type ExpiringToken,
  type KubeClient,
  type Logger,
  type RestConfig,
  type TokenSource,
} from '@kubets/client';

export interface ControllerClientBuilder {
  /** The client the controller running as `name` uses for its requests (ensures what the identity needs first). */
  client(name: string): Promise<KubeClient>;
  /** Closes the clients it built. */
  close(): void;
}

export class SimpleControllerClientBuilder implements ControllerClientBuilder {
  constructor(private readonly root: KubeClient) {}
  client(): Promise<KubeClient> {
    return Promise.resolve(this.root);
  }
  close(): void {}
}

/** POST serviceaccounts/<name>/token: the issued token and its expiry (RFC 3339). */
export type TokenRequester = (namespace: string, name: string, expirationSeconds: number) => Promise<{ token: string; expirationTimestamp: string }>;

/** A TokenRequester through an HTTP client (audiences left empty: the API server's default). */
export function restTokenRequester(rc: RestClient): TokenRequester {
  return async (namespace, name, expirationSeconds) => {
    const tr = await rc.request<{ status?: { token?: unknown; expirationTimestamp?: unknown } }>({
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name, namespace }, spec: { expirationSeconds } },
    });
    const token = tr?.status?.token;
    const expirationTimestamp = tr?.status?.expirationTimestamp;
    if (typeof token !== 'string' || !token || typeof expirationTimestamp !== 'string') throw new Error(`the TokenRequest for ${namespace}/${name} returned no token`);
    return { token, expirationTimestamp };
  };
}

export interface DynamicClientBuilderOptions {
  /** The manager's own client (system:kube-controller-manager): gets or creates the ServiceAccounts. */
  coreClient: KubeClient;
  requestToken: TokenRequester;
  /** The skeleton every controller client is built from; its credentials are dropped (anonymousConfig). */
  config: RestConfig;
  /** Where the accounts live (default kube-system: normal users cannot read it). */
  namespace?: string;
  /** Requested token lifetime (default 3600s). */
  expirationSeconds?: number;
  /** Renew when this share of the lifetime is left (default 20: at 80% of it). */
  leewayPercent?: number;
  clock?: Clock;
  logger?: Logger;
  /** Builds a controller client (default: a RestClient); tests pass a fake. */
  newClient?: (config: RestConfig, tokenSource: TokenSource) => KubeClient;
}

const minTokenLifetimeMs = 10 * 60_000;
/** upstream's wait.Backoff{Duration: 500ms, Factor: 2, Steps: 4} around each token fetch */
const fetchBackoffMs = [500, 1000, 2000];

export class DynamicControllerClientBuilder implements ControllerClientBuilder {
  private readonly namespace: string;
  private readonly expirationSeconds: number;
  private readonly leewayPercent: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly base: RestConfig;
  /** one client (and so one cached token) per account, as upstream's roundTripperFuncMap */
  private readonly clients = new Map<string, KubeClient>();

  constructor(private readonly o: DynamicClientBuilderOptions) {
    this.namespace = o.namespace ?? 'kube-system';
    this.expirationSeconds = o.expirationSeconds ?? 3600;
    this.leewayPercent = o.leewayPercent ?? 20;
    this.clock = o.clock ?? realClock;
    this.logger = o.logger ?? nopLogger;
    this.base = anonymousConfig(o.config);
  }

  async client(name: string): Promise<KubeClient> {
    await this.getOrCreateServiceAccount(name);
    let c = this.clients.get(name);
    if (!c) {
      const username = `system:serviceaccount:${this.namespace}:${name}`;
      const config: RestConfig = { ...this.base, userAgent: `${this.base.userAgent ?? defaultUserAgent}/${username}` };
      const tokens = new CachedTokenSource(() => this.fetchToken(name), this.clock);
      c = this.o.newClient ? this.o.newClient(config, tokens) : new RestClient(config, { tokenSource: tokens, clock: this.clock, logger: this.logger });
      this.clients.set(name, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.clients.values()) if (c instanceof RestClient) c.close();
    this.clients.clear();
  }

  /** upstream getOrCreateServiceAccount: get, else create (the namespace too, tolerating errors), else re-get. */
  private async getOrCreateServiceAccount(name: string): Promise<void> {
    const sas = this.o.coreClient.resource(ServiceAccountKind).namespace(this.namespace);
    try {
      await sas.get(name);
      return;
    } catch (e) {
      if (!hasReason(e, 'NotFound')) throw e;
    }
    try {
      await this.o.coreClient.resource(NamespaceKind).get(this.namespace);
    } catch (e) {
      if (hasReason(e, 'NotFound')) {
        await this.o.coreClient
          .resource(NamespaceKind)
          .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } })
          .catch((err: unknown) => this.logger.info('create non-exist namespace', { namespace: this.namespace, err }));
      }
    }
    try {
      await sas.create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: this.namespace } });
    } catch (e) {
      // racing with another manager (or a restart): it exists now
      if (!hasReason(e, 'AlreadyExists')) throw e;
      await sas.get(name);
    }
  }

  /** upstream tokenSourceImpl.Token: ensure the account, request a token, use it until leewayPercent of its life is left. */
  private async fetchToken(name: string): Promise<ExpiringToken> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.getOrCreateServiceAccount(name);
        const tr = await this.o.requestToken(this.namespace, name, this.expirationSeconds);
        const now = this.clock.now();
        let lifetime = Date.parse(tr.expirationTimestamp) - now;
        // an expiry in the past or too close (clock skew, unparsable): pin to the minimum token lifetime
        if (!(lifetime >= minTokenLifetimeMs)) lifetime = minTokenLifetimeMs;
        const leeway = Math.floor((lifetime * this.leewayPercent) / 100);
        this.logger.v(2).info('Got a service account token', { namespace: this.namespace, serviceAccountName: name, renewInMs: lifetime - leeway });
        return { token: tr.token, expiry: now + lifetime - leeway };
      } catch (e) {
        this.logger.info('get token failed', { namespace: this.namespace, serviceAccountName: name, err: e });
        const wait = fetchBackoffMs[attempt];
        if (wait === undefined) throw new Error(`failed to get token for ${this.namespace}/${name}: timed out waiting for the condition`);
        await sleep(this.clock, wait);
      }
    }
  }
}
