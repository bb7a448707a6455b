// ServiceAccounts controller: public surface and the start function ("serviceaccount" in --controllers). The legacy
// token Secret controller is intentionally absent: tokens are issued on demand (TokenRequest / projected volumes).
// Signing, verifying and the key file conventions (<data-dir>/sa.key + sa.pub) live in @kubets/client (auth/jwt.ts),
// shared with the apiserver.
import { createTokenSigner, loadOrCreateServiceAccountKey, type TokenSigner } from '@kubets/client';
import type { ControllerContext } from '../../controller/context';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ControllerDescriptor } from '../../registry';
import { ServiceAccountsController } from './controller';

export * from './controller';

/**
 * The data dir holding sa.key when --service-account-private-key-file is unset: options.dataDir (when the process
 * has one), $KTS_DATA_DIR, else ~/.kts — the same directory (and so the same <data-dir>/sa.key) that `kts up`
 * gives the apiserver by default, so both sign with one key.
 */
export function serviceAccountKeyDir(options: object): string {
  const d = (options as { dataDir?: unknown }).dataDir;
  if (typeof d === 'string' && d) return d;
  return process.env.KTS_DATA_DIR || path.join(os.homedir(), '.kts');
}

/**
 * The token signer from --service-account-private-key-file, or from a key pair generated into the data dir
 * (logged). undefined (and an error logged) when the key cannot be loaded.
 */
export function serviceAccountTokenSigner(ctx: Pick<ControllerContext, 'options' | 'logger'>): TokenSigner | undefined {
  try {
    const key = loadOrCreateServiceAccountKey(ctx.options.serviceAccountPrivateKeyFile || undefined, serviceAccountKeyDir(ctx.options));
    if (key.generated) ctx.logger.info('Generated a service account signing key pair (no --service-account-private-key-file)', { privateKeyFile: key.file, publicKeyFile: key.file.replace(/\.key$/, '.pub') });
    const signer = createTokenSigner(key.privateKeyPem);
    ctx.logger.info('Service account token signer ready', { keyFile: key.file, keyId: signer.keyId, issuer: signer.issuer });
    return signer;
  } catch (e) {
    ctx.logger.error('Unable to load the service account signing key', { file: ctx.options.serviceAccountPrivateKeyFile, err: e });
    return undefined;
  }
}

/** Runs the ServiceAccounts controller until the signal aborts (and prepares the token signing key). */
export async function startServiceAccountController(ctx: ControllerContext, signal: AbortSignal): Promise<void> {
  serviceAccountTokenSigner(ctx);
  const c = new ServiceAccountsController({
    client: ctx.client,
    informers: ctx.informers,
    recorder: ctx.recorder('service-account-controller'),
    clock: ctx.clock,
    logger: ctx.logger,
    ...(ctx.metrics ? { metrics: ctx.metrics } : {}),
  });
  await c.run(ctx.options.concurrentSATokenSyncs, signal);
}

/** Registry entry: add `serviceAccountControllerDescriptor` to controllerDescriptors in ../../registry.ts. */
export const serviceAccountControllerDescriptor: ControllerDescriptor = { name: 'serviceaccount-controller', aliases: ['serviceaccount'], start: startServiceAccountController };
