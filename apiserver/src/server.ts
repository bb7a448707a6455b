// The API server: storage + watch caches + per-kind stores behind a node:http2 secure server (h2 or HTTP/1.1 by
// ALPN; our own path parsing for the REST tree). Every request is authenticated and authorized before it reaches a handler.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { allKinds, errors, type KindDef } from '@kubets/api';
import type { Storage } from './storage/interface';
import { EtcdStorage } from './storage/etcd-store';
import { CachedStorage } from './storage/watch-cache';
import { startCompactor, type Compactor } from './storage/compactor';
import { ResourceStore } from './registry/store';
import type { KindHooks, RegistryDeps } from './registry/context';
import { collectionPrefix } from './registry/keys';
import { nodePortAllocator, serviceIpAllocator } from './allocators/range';
import { serviceHooks } from './allocators/service-hooks';
import { bootstrap, startBootstrapControllers } from './bootstrap/bootstrap';
import { namespaceHooks } from './registry/kinds/namespace-hooks';
import { Discovery, aggregatedV2, aggregatedV2beta1, negotiateDiscovery } from './discovery/discovery';
import { OpenAPIService } from './openapi/openapi';
import { OpenAPIV2Service } from './openapi/v2-handler';
import { setupAggregation } from './aggregator/setup';
import { remoteGroupDoc, withRemoteAggregated, withRemoteGroupList } from './aggregator/discovery';
import { ApiHandler } from './http/api-handler';
import { parseRequestInfo, type RequestInfo } from './http/request-info';
import { statusBody, toStatusError, writeJson, writeRawJson, writeStatus } from './http/errors';
import { NodeObjectConnection, type KubeletClientTls, type NodeConnection } from './nodes/connection';
import { proxyPodUpgrade } from './nodes/pod-proxy';
import { setupBuiltinMetrics } from './metrics-api/setup';
import { METRICS_GROUP, metricsResourceList } from './metrics-api/api';
import { admitConnect } from './registry/connect';
import { recordRequest, requestMetricLabels, metricsText } from './observability/metrics';
import { getVerbosity, logError, logLine } from './observability/log';
import * as fs from 'node:fs';
import { createTokenSigner, loadOrCreateServiceAccountKey, type TokenSigner } from '@kubets/client';
import { AdmissionChain, defaultAdmissionPlugins, loadPodSecurityConfig, type AdmissionLookup } from './admission';
import { publishRootCA, publishRootCAEverywhere } from './bootstrap/root-ca';
import { reloadServingCertOnChange } from './http/serving-cert-reload';
import { createTokenVerifier } from '@kubets/client';
import { loadServingTls, type ServingTlsOptions } from './http/tls';
import { Http1ShapedRequest, Http1ShapedResponse, asNodeHttp, type AnyRequest, type AnyResponse } from './http/either-version';
import { buildAuth, parseAuthorizationModes, type Auth } from './auth/setup';
import { authenticate, authorize, attributesOf } from './auth/filter';
import { LocalInformer } from './auth/local-informer';
import { NodeGraph, runNodeGraphPopulator } from './auth/node';
import { jwks, openidConfiguration } from './auth/oidc-discovery';
import { reconcileBootstrapPolicy } from './auth/rbac-bootstrap';
import { reviewHandlers } from './auth/reviews';
import { csrHooks } from './registry/kinds/csr-hooks';
import { ReloadingEncryptionConfig, loadEncryptionConfig } from './encryption';
import { AuditLogger, loadAuditPolicy } from './audit';
import { beginAudit } from './audit/http';
import { rbacEscalationAdmission } from './auth/escalation-admission';
import { CustomResourceRegistry } from './crd/registry';
import { crdHooks } from './crd/hooks';
import { objectKey } from './registry/keys';
import { WebhookConfigurationSource, httpsTransport } from './admission/webhook';

export interface ApiServerOptions {
  etcdServers: string[];
  bindAddress: string;
  port: number;
  serviceClusterIpRange: string;
  serviceNodePortRange: string;
  dataDir?: string;
  signal?: AbortSignal;
  /** default /registry */
  etcdPrefix?: string;
  /** Use this storage instead of etcd (tests). */
  storage?: Storage;
  /** Kinds served (default allKinds). */
  kinds?: KindDef[];
  /** etcd compaction interval (default 5m; 0 disables). */
  etcdCompactionIntervalMs?: number;
  /** Override how the kubelet of a node is reached. */
  nodeConnection?: NodeConnection;
  /** --service-account-signing-key-file (PEM RSA private key); default <dataDir>/sa.key, generated when absent */
  serviceAccountSigningKeyFile?: string;
  /** --service-account-key-file (public key that verifies tokens); default: the signing key's public half */
  serviceAccountKeyFile?: string;
  /** --service-account-issuer */
  serviceAccountIssuer?: string;
  /** --client-ca-file: published as ca.crt in every namespace's kube-root-ca.crt ConfigMap */
  clientCAFile?: string;
  /** --default-not-ready-toleration-seconds (300) */
  defaultNotReadyTolerationSeconds?: number;
  /** --default-unreachable-toleration-seconds (300) */
  defaultUnreachableTolerationSeconds?: number;
  /** --tls-cert-file / --tls-private-key-file; default: the cluster PKI under dataDir, else a generated one */
  tls?: ServingTlsOptions;
  /** --token-auth-file */
  tokenAuthFile?: string;
  /** --anonymous-auth (default true, as kube-apiserver: RBAC then lets anonymous read only public info) */
  anonymousAuth?: boolean;
  /** --enable-bootstrap-token-auth (default false) */
  enableBootstrapTokenAuth?: boolean;
  /** --authorization-mode (default Node,RBAC) */
  authorizationModes?: string[];
  /** --api-audiences (default: the service-account issuer) */
  apiAudiences?: string[];
  /** --kubelet-client-certificate / --kubelet-client-key (default: <dataDir>/tls/apiserver-kubelet-client.*) */
  kubeletClientCertificate?: string;
  kubeletClientKey?: string;
  /** --kubelet-certificate-authority: verify kubelets' serving certificates */
  kubeletCertificateAuthority?: string;
  /** --encryption-provider-config (EncryptionConfiguration) and its automatic reload */
  encryptionProviderConfig?: string;
  encryptionProviderConfigAutomaticReload?: boolean;
  /** --audit-policy-file, --audit-log-path and rotation (--audit-log-maxsize MB, -maxbackup, -maxage days) */
  auditPolicyFile?: string;
  auditLogPath?: string;
  auditLogMaxSize?: number;
  auditLogMaxBackup?: number;
  auditLogMaxAge?: number;
  /** --etcd-cafile, --etcd-certfile, --etcd-keyfile: TLS to an external etcd */
  etcdCAFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
  /** --admission-control-config-file (AdmissionConfiguration: PodSecurity defaults and exemptions) */
  admissionControlConfigFile?: string;
  /** --requestheader-client-ca-file, --proxy-client-cert-file, --proxy-client-key-file, --requestheader-allowed-names
   * (the front-proxy identity toward extension API servers); default: a front-proxy CA and client under dataDir/tls */
  requestheaderClientCAFile?: string;
  proxyClientCertFile?: string;
  proxyClientKeyFile?: string;
  requestheaderAllowedNames?: string[];
  /** how often every APIService is re-probed (default 30s, as kube-aggregator) */
  aggregatorRecheckIntervalMs?: number;
  /** how long the built-in metrics.k8s.io reuses a kubelet scrape (default 15s, metrics-server's --metric-resolution) */
  metricsCacheTtlMs?: number;
}

export interface RunningApiServer {
  url: string;
  port: number;
  /** the CA that signed the serving certificate (PEM), for clients to trust */
  caPem: string;
  close(): Promise<void>;
}

export const versionInfo = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kts',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'n/a',
  compiler: 'kts',
  platform: 'linux/amd64',
};

/** The API server's client certificate for kubelets: the flags, else the cluster PKI's in the data dir. */
function kubeletClientTls(o: ApiServerOptions): KubeletClientTls | undefined {
  const ca = o.kubeletCertificateAuthority ? { ca: fs.readFileSync(o.kubeletCertificateAuthority, 'utf8') } : {};
  if (o.kubeletClientCertificate && o.kubeletClientKey) return { cert: fs.readFileSync(o.kubeletClientCertificate, 'utf8'), key: fs.readFileSync(o.kubeletClientKey, 'utf8'), ...ca };
  if (!o.dataDir) return undefined;
  const base = `${o.dataDir}/tls/apiserver-kubelet-client`;
  if (!fs.existsSync(`${base}.crt`) || !fs.existsSync(`${base}.key`)) return undefined;
  return { cert: fs.readFileSync(`${base}.crt`, 'utf8'), key: fs.readFileSync(`${base}.key`, 'utf8'), ...ca };
}

export async function startApiServer(opts: ApiServerOptions): Promise<RunningApiServer> {
  const prefix = (opts.etcdPrefix ?? '/registry').replace(/\/+$/, '') || '/registry';
  const kinds = opts.kinds ?? allKinds;
  const ownsStorage = !opts.storage;
  // Secrets (and whatever the EncryptionConfiguration names) are encrypted before they reach etcd; with automatic
  // reload the running server picks up a rotated key (kts secrets-encrypt rotate) without a restart.
  const encryption = opts.encryptionProviderConfig
    ? opts.encryptionProviderConfigAutomaticReload
      ? new ReloadingEncryptionConfig(opts.encryptionProviderConfig, { onError: (e) => logError('encryption config reload failed', e), onReload: (c) => logLine(0, 'encryption config reloaded', { hash: c.hash }) })
      : loadEncryptionConfig(opts.encryptionProviderConfig)
    : undefined;
  const etcdTls = opts.etcdCAFile
    ? { ca: fs.readFileSync(opts.etcdCAFile), ...(opts.etcdCertFile && opts.etcdKeyFile ? { cert: fs.readFileSync(opts.etcdCertFile), key: fs.readFileSync(opts.etcdKeyFile) } : {}) }
    : undefined;
  const storage: Storage = opts.storage ?? new EtcdStorage({ hosts: opts.etcdServers, pathPrefix: prefix, ...(encryption ? { encryption } : {}), ...(etcdTls ? { tls: etcdTls } : {}) });
  const audit = opts.auditPolicyFile && opts.auditLogPath
    ? new AuditLogger({ policy: loadAuditPolicy(opts.auditPolicyFile), path: opts.auditLogPath, ...(opts.auditLogMaxSize ? { maxSizeMB: opts.auditLogMaxSize } : {}), ...(opts.auditLogMaxBackup !== undefined ? { maxBackups: opts.auditLogMaxBackup } : {}), ...(opts.auditLogMaxAge !== undefined ? { maxAgeDays: opts.auditLogMaxAge } : {}), onError: (e) => logError('audit log write failed', e) })
    : undefined;
  let compactor: Compactor | undefined;
  if (storage instanceof EtcdStorage && opts.etcdCompactionIntervalMs !== 0) {
    compactor = startCompactor(storage.client, opts.etcdCompactionIntervalMs ?? 5 * 60_000);
  }

  const caches = new Map<KindDef, CachedStorage>();
  const cached = (def: KindDef): Storage | undefined => {
    if (!(storage instanceof EtcdStorage)) return undefined;
    let c = caches.get(def);
    if (!c) {
      c = new CachedStorage(storage, { prefix: collectionPrefix(prefix, def, '') });
      caches.set(def, c);
    }
    return c;
  };

  const ips = serviceIpAllocator(storage, prefix, opts.serviceClusterIpRange);
  const ports = nodePortAllocator(storage, prefix, opts.serviceNodePortRange);
  const svcHooks = serviceHooks(ips, ports);
  const isCRDKind = (def: KindDef) => def.group === 'apiextensions.k8s.io' && def.plural === 'customresourcedefinitions';
  const crdKind = kinds.find(isCRDKind);
  const crdStoreHooks = crdKind ? crdHooks(storage, (name) => objectKey(prefix, crdKind, '', name), () => new Date()) : undefined;
  const hooks = (def: KindDef): KindHooks | undefined => {
    if (def.group === 'certificates.k8s.io' && def.plural === 'certificatesigningrequests') return csrHooks;
    if (isCRDKind(def)) return crdStoreHooks;
    if (def.group !== '') return undefined;
    if (def.plural === 'services') return svcHooks;
    if (def.plural === 'namespaces') return namespaceHooks;
    return undefined;
  };
  // Service account tokens: without a key file or a data dir there is no TokenRequest (and no token volumes).
  let signer: TokenSigner | undefined;
  if (opts.serviceAccountSigningKeyFile || opts.dataDir) {
    const key = loadOrCreateServiceAccountKey(opts.serviceAccountSigningKeyFile, opts.dataDir, opts.serviceAccountKeyFile);
    if (key.generated) logLine(0, 'generated service account signing key', { file: key.file });
    signer = createTokenSigner(key.privateKeyPem, opts.serviceAccountIssuer ? { issuer: opts.serviceAccountIssuer } : {});
  }
  const tls = await loadServingTls(opts.tls, opts.dataDir, opts.clientCAFile, ips.nth(1));
  // kube-root-ca.crt carries the CA that pods use to verify this server
  const caPem = tls.servingCaPem;

  // Admission reads the watch caches; a cache behind this server's own last write to that resource waits for it
  // (read-your-writes: a quota or LimitRange created a moment ago applies to the next create).
  const freshEnough = async (c: CachedStorage, s: ResourceStore): Promise<void> => {
    if (storage instanceof EtcdStorage) await c.waitForRevision(storage.lastWriteRevision(s.prefix('')));
  };
  const byResource = new Map<string, ResourceStore>();
  const terminatingNamespaces = new Set<string>();
  const lookup: AdmissionLookup = {
    async get(group, resource, namespace, name) {
      const s = byResource.get(`${group}/${resource}`);
      if (!s) return undefined;
      // the watch cache answers for objects that exist (as upstream's informer-backed admission); a miss may be
      // lag, so it falls through to etcd
      // Namespaces this server has started terminating are always read live, so a create right after a delete
      // cannot slip through a cache that has not seen the Terminating phase yet.
      const mustBeLive = group === '' && resource === 'namespaces' && terminatingNamespaces.has(name);
      const c = mustBeLive ? undefined : cached(s.def);
      if (c instanceof CachedStorage) await freshEnough(c, s);
      const hit = c instanceof CachedStorage ? c.peek(s.key(namespace, name)) : undefined;
      if (hit) return hit;
      try {
        return await s.storage.get(s.key(namespace, name));
      } catch (e) {
        if ((e as { status?: { code?: number } }).status?.code === 404) return undefined;
        throw e;
      }
    },
    async list(group, resource, namespace) {
      const s = byResource.get(`${group}/${resource}`);
      if (!s) return [];
      const c = cached(s.def);
      if (c instanceof CachedStorage) await freshEnough(c, s);
      return (await s.list(namespace, { resourceVersion: '0' })).items;
    },
    async count(group, resource, namespace) {
      const s = byResource.get(`${group}/${resource}`);
      return s ? s.storage.count(s.prefix(namespace)) : 0;
    },
  };
  const webhookConfigs = new WebhookConfigurationSource();
  const admission = new AdmissionChain(
    defaultAdmissionPlugins({
      webhooks: { source: webhookConfigs, transport: httpsTransport },
      serviceAccount: { mountTokenVolume: !!signer },
      tolerations: { notReadySeconds: opts.defaultNotReadyTolerationSeconds, unreachableSeconds: opts.defaultUnreachableTolerationSeconds },
      ...(opts.admissionControlConfigFile ? { podSecurity: { config: loadPodSecurityConfig(opts.admissionControlConfigFile) } } : {}),
    }),
    lookup,
  );

  const baseHooks = hooks;
  const hooksWithRootCA = (def: KindDef): KindHooks | undefined => {
    const h = baseHooks(def);
    if (def.group !== '' || def.plural !== 'namespaces') return h;
    return {
      ...h,
      async beforeDelete(namespace, name) {
        await h?.beforeDelete?.(namespace, name);
        terminatingNamespaces.add(name);
      },
      async afterCreate(ns) {
        terminatingNamespaces.delete(ns.metadata.name!);
        const cms = storeFor('', 'v1', 'configmaps');
        if (cms && ns.metadata.name) await publishRootCA(cms, ns.metadata.name, caPem).catch((e) => logError('publishing kube-root-ca.crt failed', e));
      },
    };
  };
  const deps: RegistryDeps = { storage, cached, prefix, hooks: hooksWithRootCA, now: () => new Date(), admission };
  const stores = new Map<string, ResourceStore>();
  for (const def of kinds) {
    const st = new ResourceStore(def, deps);
    stores.set(`${def.group}/${def.version}/${def.plural}`, st);
    if (!byResource.has(`${def.group}/${def.plural}`)) byResource.set(`${def.group}/${def.plural}`, st);
  }
  // custom resources (apiserver/src/crd) are served after the built-in kinds
  let crds: CustomResourceRegistry | undefined;
  const storeFor = (g: string, v: string, r: string) => stores.get(`${g}/${v}/${r}`) ?? crds?.storeFor(g, v, r);

  // Authentication and authorization read through local informers over the watch caches: no etcd round trip
  // per request once warm.
  const informers: LocalInformer[] = [];
  const informerFor = (group: string, resource: string): LocalInformer => {
    const st = byResource.get(`${group}/${resource}`);
    if (!st) throw new Error(`authorization needs ${resource}.${group || 'core'}, which this server does not serve`);
    const inf = new LocalInformer(cached(st.def) ?? storage, collectionPrefix(prefix, st.def, ''), (e) => logError('local informer failed', e, { resource }));
    informers.push(inf);
    return inf;
  };
  const authAbort = new AbortController();
  let graphReady: Promise<void> | undefined;
  const saIssuer = signer?.issuer;
  const auth: Auth = buildAuth(
    {
      clientCA: !!tls.clientCaPem,
      ...(opts.tokenAuthFile ? { tokenAuthFile: opts.tokenAuthFile } : {}),
      enableBootstrapTokenAuth: opts.enableBootstrapTokenAuth ?? false,
      anonymousAuth: opts.anonymousAuth ?? true,
      ...(signer && saIssuer
        ? { serviceAccount: { verifier: createTokenVerifier(signer.publicKeyPem, { issuer: saIssuer }), issuers: [saIssuer], audiences: opts.apiAudiences?.length ? opts.apiAudiences : [saIssuer] } }
        : {}),
      authorizationModes: parseAuthorizationModes(opts.authorizationModes ?? ['Node', 'RBAC']),
    },
    {
      get: (resource, namespace, name) => lookup.get('', resource, namespace, name),
      rbac: () => ({
        clusterRoles: informerFor('rbac.authorization.k8s.io', 'clusterroles'),
        roles: informerFor('rbac.authorization.k8s.io', 'roles'),
        clusterRoleBindings: informerFor('rbac.authorization.k8s.io', 'clusterrolebindings'),
        roleBindings: informerFor('rbac.authorization.k8s.io', 'rolebindings'),
      }),
      nodeGraph: () => {
        const graph = new NodeGraph();
        const pods = byResource.get('/pods');
        if (pods) {
          const run = runNodeGraphPopulator(graph, { storage: cached(pods.def) ?? storage, podsPrefix: collectionPrefix(prefix, pods.def, ''), signal: authAbort.signal, onError: (e) => logError('node graph populator failed', e) });
          graphReady = run.ready;
        }
        // PV → claim edges, so a node may read the volumes of its pods' claims
        if (byResource.has('/persistentvolumes')) informerFor('', 'persistentvolumes').onEvent((type, pv) => graph.onPersistentVolumeEvent(type, pv));
        return graph;
      },
    },
  );
  // escalation checks need the authorizer, which needs the stores, which need the chain: appended once built
  admission.plugins.push(rbacEscalationAdmission(auth));
  webhookConfigs.watch('mutating', informerFor('admissionregistration.k8s.io', 'mutatingwebhookconfigurations'));
  webhookConfigs.watch('validating', informerFor('admissionregistration.k8s.io', 'validatingwebhookconfigurations'));
  const aggregation = await setupAggregation({ kinds, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), frontProxy: { ...(opts.requestheaderClientCAFile ? { requestheaderClientCAFile: opts.requestheaderClientCAFile } : {}), ...(opts.proxyClientCertFile ? { proxyClientCertFile: opts.proxyClientCertFile } : {}), ...(opts.proxyClientKeyFile ? { proxyClientKeyFile: opts.proxyClientKeyFile } : {}), ...(opts.requestheaderAllowedNames ? { requestheaderAllowedNames: opts.requestheaderAllowedNames } : {}) }, ...(tls.clientCaPem ? { clientCaPem: tls.clientCaPem } : {}), ...(opts.aggregatorRecheckIntervalMs ? { recheckIntervalMs: opts.aggregatorRecheckIntervalMs } : {}), storeFor, informerFor, onError: (m, e) => logError(m, e) });
  for (const i of informers) i.start();
  const authSynced = Promise.all([...informers.map((i) => i.synced), graphReady]);

  const nodes =
    opts.nodeConnection ??
    new NodeObjectConnection(async (name) => {
      const s = storeFor('', 'v1', 'nodes');
      if (!s) throw errors.notFound({ group: '', resource: 'nodes' }, name);
      return s.storage.get(s.key('', name));
    }, kubeletClientTls(opts), (m) => logLine(0, m));
  const metrics = setupBuiltinMetrics(storeFor, nodes, opts.metricsCacheTtlMs);
  const api = new ApiHandler({ storeFor, nodes, ...(signer ? { signer } : {}), reviews: reviewHandlers(auth) });
  const discovery = new Discovery(kinds);
  const openapi = new OpenAPIService(kinds);
  const crdStore = stores.get('apiextensions.k8s.io/v1/customresourcedefinitions');
  if (crdStore) {
    crds = new CustomResourceRegistry({
      deps,
      crds: crdStore,
      newCache: (p) => (storage instanceof EtcdStorage ? new CachedStorage(storage, { prefix: p }) : undefined),
      onChange: (served) => {
        discovery.setCustomKinds(served);
        openapi.setCustomKinds(served);
      },
      onError: (m, e) => logError(m, e),
    });
  }
  const openapiV2 = new OpenAPIV2Service(kinds);

  const remoteGroups = () => metrics.withGroup(aggregation?.aggregator.remoteGroups() ?? []);
  let ready = false;

  let serverAddress = `${opts.bindAddress}:${opts.port}`;

  async function dispatch(anyReq: AnyRequest, anyRes: AnyResponse): Promise<void> {
    const { req, res } = asNodeHttp(anyReq, anyRes);
    const started = process.hrtime.bigint();
    let info: RequestInfo | undefined;
    let code = 200;
    const url = new URL(req.url ?? '/', 'https://localhost');
    res.on('finish', () => {
      const secs = Number(process.hrtime.bigint() - started) / 1e9;
      code = res.statusCode;
      recordRequest(requestMetricLabels(req.method ?? 'GET', url.pathname, info, url.searchParams, req.headers['content-type']), code, secs);
      if (getVerbosity() >= 2) logLine(2, 'HTTP', {
        verb: req.method,
        URI: req.url,
        latency: `${(secs * 1000).toFixed(3)}ms`,
        userAgent: req.headers['user-agent'],
        kubectlCommand: req.headers['kubectl-command'],
        kubectlSession: req.headers['kubectl-session'],
        resp: code,
        protocol: `HTTP/${req.httpVersion}`,
      });
    });
    try {
      await route(req, res, url, (i) => (info = i));
    } catch (e) {
      code = writeStatus(res, e);
      if (code >= 500) logError('request failed', e, { URI: req.url });
    }
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse, url: URL, setInfo: (i: RequestInfo) => void): Promise<void> {
    const p = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const getOnly = () => {
      if (method !== 'GET' && method !== 'HEAD') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    };
    const resourceInfo = parseRequestInfo(method, p, url.searchParams);
    const { user, caller } = await authenticate(auth, req);
    await authSynced;
    const attrs = attributesOf(user, method, p, resourceInfo, url.searchParams);
    const decision = await authorize(auth, attrs);
    if (audit) beginAudit(audit, req, res, { ...attrs, user: caller }, caller === user ? undefined : user, decision);
    if (decision.error) throw decision.error;
    if (aggregation && (await aggregation.aggregator.proxy(req, res, p, user))) return;
    if (p === '/.well-known/openid-configuration' || p === '/openid/v1/jwks') {
      getOnly();
      if (!signer) throw errors.pathNotFound();
      return writeJson(res, 200, p === '/openid/v1/jwks' ? jwks(signer.publicKeyPem) : openidConfiguration(signer.issuer));
    }
    switch (p) {
      case '/version':
        getOnly();
        return writeRawJson(res, 200, versionInfo);
      case '/healthz':
      case '/livez':
      case '/readyz': {
        getOnly();
        if (p === '/readyz' || p === '/healthz') {
          const ok = ready && (await storage.currentResourceVersion().then(() => true, () => false));
          res.writeHead(ok ? 200 : 500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
          res.end(ok ? 'ok' : '[-]etcd failed: reason withheld\nhealthz check failed');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      }
      case '/metrics': {
        getOnly();
        const m = await metricsText();
        res.writeHead(200, { 'Content-Type': m.contentType });
        res.end(m.body);
        return;
      }
      case '/api':
      case '/apis': {
        getOnly();
        const agg = negotiateDiscovery(req.headers.accept);
        if (agg) {
          return writeJson(res, 200, withRemoteAggregated(discovery.aggregated(p === '/api', agg), p === '/apis' ? remoteGroups() : []), { Vary: 'Accept' }, agg === 'v2' ? aggregatedV2 : aggregatedV2beta1);
        }
        return writeJson(res, 200, p === '/api' ? discovery.apiVersions(serverAddress) : withRemoteGroupList(discovery.apiGroupList(), remoteGroups()), { Vary: 'Accept' });
      }
      case '/openapi/v3':
        getOnly();
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
        res.end(openapi.index());
        return;
      case '/openapi/v2':
        getOnly();
        return openapiV2.serve(req, res);
    }
    if (p.startsWith('/openapi/v3/')) {
      getOnly();
      const doc = openapi.doc(p.slice('/openapi/v3/'.length));
      if (!doc) throw errors.pathNotFound();
      const hash = url.searchParams.get('hash');
      const etag = `"${doc.hash}"`;
      const headers: Record<string, string> = { 'Content-Type': 'application/json', ETag: etag };
      headers['Cache-Control'] = hash === doc.hash ? 'public, immutable' : 'no-cache, private';
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, headers);
      res.end(doc.body);
      return;
    }
    // /api/v1 and /apis/<g>/<v> resource lists, /apis/<g> group
    const segs = p.split('/').filter(Boolean);
    if (segs[0] === 'api' && segs.length === 2) {
      getOnly();
      const list = discovery.resourceList('', segs[1]!);
      if (!list) throw errors.pathNotFound();
      return writeJson(res, 200, list);
    }
    if (segs[0] === 'apis' && segs.length === 2) {
      getOnly();
      const g = discovery.apiGroupDoc(segs[1]!) ?? remoteGroupDoc(remoteGroups(), segs[1]!);
      if (!g) throw errors.pathNotFound();
      return writeJson(res, 200, g);
    }
    if (segs[0] === 'apis' && segs.length === 3) {
      getOnly();
      const list = discovery.resourceList(segs[1]!, segs[2]!) ?? (p === `/apis/${metricsResourceList.groupVersion}` ? metricsResourceList : undefined);
      if (!list) throw errors.pathNotFound();
      return writeJson(res, 200, list);
    }
    const info = resourceInfo;
    if (!info) throw errors.pathNotFound();
    setInfo(info);
    if (info.group === METRICS_GROUP) {
      getOnly();
      return writeJson(res, 200, await metrics.api.get({ ...info, query: url.searchParams }));
    }
    await api.handle(req, res, info, url.searchParams);
  }

  async function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
      const { user } = await authenticate(auth, req);
      await authSynced;
      const decision = await authorize(auth, attributesOf(user, req.method ?? 'GET', url.pathname, info, url.searchParams));
      if (decision.error) throw decision.error;
      const sub = info?.subresource;
      if (!info || info.group !== '' || info.resource !== 'pods' || !info.name || (sub !== 'exec' && sub !== 'attach' && sub !== 'portforward')) {
        throw errors.pathNotFound();
      }
      const pods = storeFor('', 'v1', 'pods');
      if (!pods) throw errors.pathNotFound();
      await admitConnect(pods, sub, { namespace: info.namespace, name: info.name, ...(user ? { user } : {}), warnings: [] }, url.searchParams);
      const pod = await pods.get({ namespace: info.namespace, name: info.name, subresource: '', query: url.searchParams, manager: '', fieldValidation: 'Ignore', dryRun: false, warnings: [] });
      await proxyPodUpgrade(nodes, pod, sub, req, socket, head, url.searchParams);
      logLine(2, 'HTTP upgrade', { verb: req.method, URI: req.url, userAgent: req.headers['user-agent'] });
    } catch (e) {
      const se = toStatusError(e);
      const body = statusBody(se);
      socket.end(`HTTP/1.1 ${se.status.code} ${http.STATUS_CODES[se.status.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
  }

  // node:http2 without a framework: the REST tree does its own routing, and express's per-request wrapping was a
  // measurable share of a create's CPU (bench/apiserver.bench.js). ALPN offers h2 then http/1.1 (node's default
  // order), as kube-apiserver: kubectl and client-go multiplex over one h2 connection; HTTP/1.1 clients and the
  // exec/attach/port-forward upgrades (WebSocket, SPDY: HTTP/1.1 only) share the port through allowHTTP1.
  // Client certificates are requested but not required: the x509 authenticator accepts only those the client CA
  // verified (socket.authorized).
  const server = http2.createSecureServer(
    {
      cert: tls.cert,
      key: tls.key,
      ...(tls.clientCaPem ? { ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: false } : {}),
      allowHTTP1: true,
      Http2ServerRequest: Http1ShapedRequest,
      Http2ServerResponse: Http1ShapedResponse,
      minVersion: 'TLSv1.2',
    },
    (req: AnyRequest, res: AnyResponse) => {
      void dispatch(req, res);
    },
  );
  // read by node:http's connection handling of the HTTP/1.1 connections (the http2 server's types omit it)
  Object.assign(server, { keepAliveTimeout: 65_000 });
  if (tls.certFiles) {
    const stopReload = reloadServingCertOnChange(tls.certFiles, tls.clientCaPem, server, (e) => (e ? logError('reloading the serving certificate failed', e) : logLine(1, 'reloaded the serving certificate', { file: tls.certFiles?.certFile })));
    server.once('close', stopReload);
  }
  // The http2 server has no closeAllConnections: every TLS connection (HTTP/1.1 keep-alive, upgraded
  // exec/attach/portforward streams, h2 sessions with open watches) is tracked so close ends them at once.
  // A handshake that completes after close began (TLS 1.3 finishes server-side after the client's) is ended at once.
  const connections = new Set<Socket>();
  let closing = false;
  server.on('secureConnection', (socket: Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  // HTTP/1.1 only (h2 has no Upgrade); node's HTTP/1.1 side of the http2 server emits it as node:http's does
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    void onUpgrade(req, socket, head);
  });
  server.on('clientError', (_e: Error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.bindAddress === '0.0.0.0' || opts.bindAddress === '::' ? '127.0.0.1' : opts.bindAddress;
  serverAddress = `${host}:${port}`;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    ready = false;
    await new Promise<void>((resolve) => {
      closing = true;
      server.close(() => resolve());
      for (const s of sessions) s.destroy();
      for (const c of connections) c.destroy();
    });
    compactor?.stop?.();
    authAbort.abort();
    aggregation?.close();
    if (encryption instanceof ReloadingEncryptionConfig) encryption.close();
    await audit?.close();
    for (const i of informers) i.close();
    await crds?.close();
    for (const c of caches.values()) await c.close().catch(() => undefined);
    if (ownsStorage) await storage.close().catch(() => undefined);
  };
  opts.signal?.addEventListener('abort', () => void close(), { once: true });

  // bootstrap objects, retrying while etcd comes up
  for (let attempt = 0; ; attempt++) {
    try {
      await bootstrap({ storeFor, kubernetesServiceIP: ips.nth(1), advertiseAddress: host === '0.0.0.0' ? '127.0.0.1' : host, port });
      const nsStore = storeFor('', 'v1', 'namespaces');
      const cmStore = storeFor('', 'v1', 'configmaps');
      if (nsStore && cmStore) await publishRootCAEverywhere(nsStore, cmStore, caPem);
      await reconcileBootstrapPolicy(storeFor);
      await aggregation?.bootstrap();
      break;
    } catch (e) {
      if (attempt >= 20 || closed) {
        await close();
        throw e;
      }
      logError('bootstrap failed, retrying', e);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await crds?.start();
  ready = true;
  const bootstrapControllers = startBootstrapControllers({ storeFor, kubernetesServiceIP: ips.nth(1), advertiseAddress: host === '0.0.0.0' ? '127.0.0.1' : host, port }, (m, e) => logError(m, e));
  server.once('close', () => bootstrapControllers.close());
  logLine(0, 'apiserver serving', { url });
  return { url, port, caPem: tls.servingCaPem, close };
}
