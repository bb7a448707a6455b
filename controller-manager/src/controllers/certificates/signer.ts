// The CSR signing controller (pkg/controller/certificates/signer): issues certificates for approved requests to the
// kubernetes.io signers with the cluster CA, or marks them Failed when the request breaks the signer's rules.
// Writes go through certificatesigningrequests/status, which lets the certificate be set once.
import {
  CertificateSigningRequestKind,
  csrPemError,
  csrRequestPem,
  hasReason,
  hasTrueCondition,
  isCSRApproved,
  type CertificateSigningRequest,
} from '@kubets/api';
import { inspectCSR, rfc3339, signCertificateRequest, type KeyPairPem, type KubeClient, type Lister, type ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import type { InformerSource } from '../../controller/informer-source';
import { signedSignerNames, signerValidationError } from './rules';

/** Upstream backdates notBefore by 5 minutes for clock skew; never requested durations under 10 minutes. */
const BACKDATE_MS = 5 * 60_000;
const MIN_DURATION_MS = 10 * 60_000;

export interface CSRSigningControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  /** the cluster signing CA (--cluster-signing-cert-file / --cluster-signing-key-file) */
  ca: KeyPairPem;
  /** --cluster-signing-duration */
  certTTLMs: number;
}

/** signer.duration: the CSR's expirationSeconds when shorter than the TTL, never under 10 minutes. */
export function certificateDurationMs(certTTLMs: number, expirationSeconds: number | undefined): number {
  if (expirationSeconds === undefined) return certTTLMs;
  const requested = expirationSeconds * 1000;
  if (requested > certTTLMs) return certTTLMs;
  return Math.max(requested, MIN_DURATION_MS);
}

export class CSRSigningController extends BaseController {
  private readonly csrs: Lister<CertificateSigningRequest>;
  private readonly api: ResourceInterface<CertificateSigningRequest>;

  constructor(private readonly opts: CSRSigningControllerOptions) {
    super('csrsigning', opts);
    this.api = opts.client.resource(CertificateSigningRequestKind);
    const inf = opts.informers.informerFor(CertificateSigningRequestKind);
    this.csrs = inf.lister;
    this.syncables.push(inf);
    inf.addEventHandler({ onAdd: (o) => this.enqueue(o), onUpdate: (_old, o) => this.enqueue(o) });
  }

  async sync(name: string): Promise<void> {
    const cached = this.csrs.get(name);
    if (!cached) return;
    // unapproved, failed, already issued, or for a signer this controller does not serve: nothing to do
    if (!isCSRApproved(cached) || hasTrueCondition(cached, 'Failed') || cached.status?.certificate) return;
    if (!signedSignerNames.includes(cached.spec.signerName)) return;
    const csr = structuredClone(cached) as CertificateSigningRequest;
    if (csrPemError(csr.spec.request)) throw new Error(`unable to parse csr ${JSON.stringify(name)}: PEM block type must be CERTIFICATE REQUEST`);
    const pem = csrRequestPem(csr);
    const req = await inspectCSR(pem).catch((e: unknown) => {
      throw new Error(`unable to parse csr ${JSON.stringify(name)}: ${e instanceof Error ? e.message : String(e)}`);
    });
    const usages = csr.spec.usages ?? [];
    const invalid = signerValidationError(csr.spec.signerName, req, usages);
    const now = this.clock.now();
    const status = csr.status ?? {};
    if (invalid) {
      status.conditions = [...(status.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: invalid, lastUpdateTime: rfc3339(now) }];
      csr.status = status;
      await this.writeStatus(csr);
      this.logger.info('CSR failed signer validation', { name, signerName: csr.spec.signerName, reason: invalid });
      return;
    }
    const duration = certificateDurationMs(this.opts.certTTLMs, csr.spec.expirationSeconds);
    const certPem = await signCertificateRequest(this.opts.ca, pem, { usages, notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + duration) });
    status.certificate = Buffer.from(certPem, 'utf8').toString('base64');
    csr.status = status;
    await this.writeStatus(csr);
    this.logger.v(2).info('Signed CSR', { name, signerName: csr.spec.signerName, subject: req.commonName });
  }

  /** A CSR deleted meanwhile is done with; a Conflict (stale cache) is retried by the queue. */
  private async writeStatus(csr: CertificateSigningRequest): Promise<void> {
    try {
      await this.api.updateStatus(csr);
    } catch (e) {
      if (!hasReason(e, 'NotFound')) throw e;
    }
  }
}
