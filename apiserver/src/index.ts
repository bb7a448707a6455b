// @kubets/apiserver: the API server (HTTP layer, registry, discovery, OpenAPI) and its storage.
import { apiServerUsage, parseApiServerFlags, type ApiServerFlags } from './flags';
import { startApiServer, type ApiServerOptions, type RunningApiServer } from './server';
import { setVerbosity } from './observability/log';

export { startApiServer, versionInfo, type ApiServerOptions, type RunningApiServer } from './server';
export { parseApiServerFlags, apiServerUsage, apiServerFlagSpecs, type ApiServerFlags } from './flags';
export type { NodeConnection, KubeletLocation, KubeletClientTls } from './nodes/connection';
export { MemoryStorage } from './testing/memory-storage';
export * as admission from './admission';

export function optionsFromFlags(f: ApiServerFlags): ApiServerOptions {
  return {
    etcdServers: f.etcdServers,
    etcdPrefix: f.etcdPrefix,
    bindAddress: f.bindAddress,
    port: f.port,
    serviceClusterIpRange: f.serviceClusterIpRange,
    serviceNodePortRange: f.serviceNodePortRange,
    etcdCompactionIntervalMs: f.etcdCompactionIntervalMs,
    ...(f.dataDir ? { dataDir: f.dataDir } : {}),
    ...(f.serviceAccountSigningKeyFile ? { serviceAccountSigningKeyFile: f.serviceAccountSigningKeyFile } : {}),
    ...(f.serviceAccountKeyFile ? { serviceAccountKeyFile: f.serviceAccountKeyFile } : {}),
    ...(f.serviceAccountIssuer ? { serviceAccountIssuer: f.serviceAccountIssuer } : {}),
    ...(f.clientCAFile ? { clientCAFile: f.clientCAFile } : {}),
    ...(f.defaultNotReadyTolerationSeconds !== undefined ? { defaultNotReadyTolerationSeconds: f.defaultNotReadyTolerationSeconds } : {}),
    ...(f.defaultUnreachableTolerationSeconds !== undefined ? { defaultUnreachableTolerationSeconds: f.defaultUnreachableTolerationSeconds } : {}),
    ...(f.tlsCertFile && f.tlsPrivateKeyFile ? { tls: { certFile: f.tlsCertFile, keyFile: f.tlsPrivateKeyFile } } : {}),
    ...(f.tokenAuthFile ? { tokenAuthFile: f.tokenAuthFile } : {}),
    ...(f.kubeletClientCertificate ? { kubeletClientCertificate: f.kubeletClientCertificate } : {}),
    ...(f.kubeletClientKey ? { kubeletClientKey: f.kubeletClientKey } : {}),
    ...(f.kubeletCertificateAuthority ? { kubeletCertificateAuthority: f.kubeletCertificateAuthority } : {}),
    ...(f.encryptionProviderConfig ? { encryptionProviderConfig: f.encryptionProviderConfig, encryptionProviderConfigAutomaticReload: f.encryptionProviderConfigAutomaticReload } : {}),
    ...(f.auditPolicyFile ? { auditPolicyFile: f.auditPolicyFile } : {}),
    ...(f.auditLogPath ? { auditLogPath: f.auditLogPath, auditLogMaxSize: f.auditLogMaxSize, auditLogMaxBackup: f.auditLogMaxBackup, auditLogMaxAge: f.auditLogMaxAge } : {}),
    ...(f.admissionControlConfigFile ? { admissionControlConfigFile: f.admissionControlConfigFile } : {}),
    ...(f.etcdCAFile ? { etcdCAFile: f.etcdCAFile } : {}),
    ...(f.etcdCertFile ? { etcdCertFile: f.etcdCertFile } : {}),
    ...(f.etcdKeyFile ? { etcdKeyFile: f.etcdKeyFile } : {}),
    ...(f.requestheaderClientCAFile ? { requestheaderClientCAFile: f.requestheaderClientCAFile } : {}),
    ...(f.proxyClientCertFile ? { proxyClientCertFile: f.proxyClientCertFile } : {}),
    ...(f.proxyClientKeyFile ? { proxyClientKeyFile: f.proxyClientKeyFile } : {}),
    ...(f.requestheaderAllowedNames.length ? { requestheaderAllowedNames: f.requestheaderAllowedNames } : {}),
    anonymousAuth: f.anonymousAuth,
    enableBootstrapTokenAuth: f.enableBootstrapTokenAuth,
    authorizationModes: f.authorizationModes,
    ...(f.apiAudiences.length ? { apiAudiences: f.apiAudiences } : {}),
  };
}

/** `kts apiserver`: serve until the signal aborts. */
export async function run(argv: string[] | ApiServerFlags, signal: AbortSignal): Promise<void> {
  if (Array.isArray(argv) && (argv.includes('--help') || argv.includes('-h'))) {
    console.log(apiServerUsage());
    return;
  }
  const flags = Array.isArray(argv) ? parseApiServerFlags(argv) : argv;
  setVerbosity(flags.verbosity);
  const server: RunningApiServer = await startApiServer({ ...optionsFromFlags(flags), signal });
  if (signal.aborted) return server.close();
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await server.close();
}
export { EtcdStorage, CachedStorage } from './storage';
export { startEmbeddedEtcd, freePort } from './etcd';
export * as encryption from './encryption';
export { createTestPki, type TestPki } from './testing/test-pki';
