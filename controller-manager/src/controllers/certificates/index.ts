// Certificate controllers: csrsigning (issues certificates with the cluster CA) and csrapproving (auto-approves
// node certificates). Names and aliases as upstream's names.CertificateSigningRequest*Controller.
import * as fs from 'node:fs';
import { RestClient, type KubeClient } from '@kubets/client';
import type { ControllerDescriptor } from '../../registry';
import { CSRSigningController } from './signer';
import { CSRApprovingController, type AccessReviewer } from './approver';

export { CSRSigningController, certificateDurationMs } from './signer';
export { CSRApprovingController, kubeletServingMismatch, type AccessReviewer, type AccessReviewSpec } from './approver';
export { signerValidationError } from './rules';

/** POST authorization.k8s.io/v1 subjectaccessreviews through the controller-manager's own client. */
export function subjectAccessReviewer(client: KubeClient): AccessReviewer {
  return async (spec) => {
    // only the HTTP client can reach non-kind endpoints; anything else (fakes) never approves by review
    if (!(client instanceof RestClient)) return false;
    const res = await client.request<{ status?: { allowed?: boolean; denied?: boolean } }>({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
    });
    return res?.status?.allowed === true && res.status.denied !== true;
  };
}

export const csrSigningControllerDescriptor: ControllerDescriptor = {
  name: 'certificatesigningrequest-signing-controller',
  aliases: ['csrsigning'],
  async start(ctx, signal) {
    const { clusterSigningCertFile: certFile, clusterSigningKeyFile: keyFile } = ctx.options;
    if (!certFile || !keyFile) {
      ctx.logger.info('Skipping CSR signer controller because no csr cert/key was specified');
      return;
    }
    // read before the informer factory starts, so the controller's informer is registered in time
    const ca = { certPem: fs.readFileSync(certFile, 'utf8'), keyPem: fs.readFileSync(keyFile, 'utf8') };
    const c = new CSRSigningController({ client: ctx.client, informers: ctx.informers, ca, certTTLMs: ctx.options.clusterSigningDurationMs, clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) });
    await c.run(5, signal);
  },
};

export const csrApprovingControllerDescriptor: ControllerDescriptor = {
  name: 'certificatesigningrequest-approving-controller',
  aliases: ['csrapproving'],
  start: (ctx, signal) =>
    new CSRApprovingController({ client: ctx.client, informers: ctx.informers, reviewAccess: subjectAccessReviewer(ctx.client), clock: ctx.clock, logger: ctx.logger, ...(ctx.metrics ? { metrics: ctx.metrics } : {}) }).run(5, signal),
};
