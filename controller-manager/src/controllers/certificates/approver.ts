// The CSR approving controller (pkg/controller/certificates/approver/sarapprove.go) plus a kubelet-serving rule:
// - node client certificates (signer kube-apiserver-client-kubelet, CN system:node:<name>, O system:nodes) are
//   approved when a SubjectAccessReview says the requester may create certificatesigningrequests/selfnodeclient
//   (renewal: the requester is that node) or certificatesigningrequests/nodeclient (bootstrap: a new node);
// - kubelet serving certificates (signer kubelet-serving) are approved only when the node asks for itself
//   (username system:node:<name> = the CN, in group system:nodes) and every SAN is that node's name or one of the
//   addresses in its Node object's status.addresses. Upstream leaves these to an external approver; this is the
//   check kubelet-csr-approver and k3s-style approvers make.
// Anything else is left alone, for a person (`kubectl certificate approve|deny`) or another approver.
import { CertificateSigningRequestKind, NodeKind, csrApprovalState, csrPemError, csrRequestPem, type CertificateSigningRequest, type Node, type ReadOnly } from '@kubets/api';
import { inspectCSR, type CsrDetails, type KubeClient, type Lister, type ResourceInterface } from '@kubets/client';
import { BaseController, type BaseControllerOptions } from '../../controller/base';
import type { InformerSource } from '../../controller/informer-source';
import { kubeletClientError, kubeletServingError } from './rules';

/** authorization.k8s.io/v1 SubjectAccessReviewSpec for a resource request. */
export interface AccessReviewSpec {
  user: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
  resourceAttributes: { group: string; resource: string; subresource: string; verb: string; version: string };
}

/** Answers a SubjectAccessReview (status.allowed). */
export type AccessReviewer = (spec: AccessReviewSpec) => Promise<boolean>;

export interface CSRApprovingControllerOptions extends BaseControllerOptions {
  client: KubeClient;
  informers: InformerSource;
  reviewAccess: AccessReviewer;
}

type CSR = ReadOnly<CertificateSigningRequest>;

interface Recognizer {
  subresource: 'selfnodeclient' | 'nodeclient';
  recognize(csr: CSR, req: CsrDetails): boolean;
  successMessage: string;
}

const isNodeClientCert = (csr: CSR, req: CsrDetails) =>
  csr.spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet' && kubeletClientError(req, csr.spec.usages ?? []) === undefined;

const recognizers: Recognizer[] = [
  {
    subresource: 'selfnodeclient',
    recognize: (csr, req) => csr.spec.username === req.commonName && isNodeClientCert(csr, req),
    successMessage: 'Auto approving self kubelet client certificate after SubjectAccessReview.',
  },
  { subresource: 'nodeclient', recognize: isNodeClientCert, successMessage: 'Auto approving kubelet client certificate after SubjectAccessReview.' },
];

/** Why a kubelet-serving request is not the node asking for its own names and addresses (undefined: it is). */
export function kubeletServingMismatch(csr: CSR, req: CsrDetails, node: ReadOnly<Node> | undefined): string | undefined {
  if (kubeletServingError(req, csr.spec.usages ?? [])) return 'not a valid kubelet serving request';
  if (csr.spec.username !== req.commonName) return `requester ${JSON.stringify(csr.spec.username ?? '')} is not ${JSON.stringify(req.commonName)}`;
  if (!(csr.spec.groups ?? []).includes('system:nodes')) return 'requester is not in group system:nodes';
  const nodeName = req.commonName.slice('system:node:'.length);
  if (!node) return `node ${JSON.stringify(nodeName)} not found`;
  const addrs = node.status?.addresses ?? [];
  const dns = new Set([nodeName, ...addrs.filter((a) => a.type === 'Hostname' || a.type === 'InternalDNS' || a.type === 'ExternalDNS').map((a) => a.address)]);
  const ips = new Set(addrs.filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP').map((a) => a.address));
  for (const d of req.dnsNames) if (!dns.has(d)) return `DNS name ${JSON.stringify(d)} is not one of the node's`;
  for (const ip of req.ipAddresses) if (!ips.has(ip)) return `IP address ${JSON.stringify(ip)} is not one of the node's`;
  return undefined;
}

export class CSRApprovingController extends BaseController {
  private readonly csrs: Lister<CertificateSigningRequest>;
  private readonly nodes: Lister<Node>;
  private readonly api: ResourceInterface<CertificateSigningRequest>;

  constructor(private readonly opts: CSRApprovingControllerOptions) {
    super('csrapproving', opts);
    this.api = opts.client.resource(CertificateSigningRequestKind);
    const inf = opts.informers.informerFor(CertificateSigningRequestKind);
    const nodes = opts.informers.informerFor(NodeKind);
    this.csrs = inf.lister;
    this.nodes = nodes.lister;
    this.syncables.push(inf, nodes);
    inf.addEventHandler({ onAdd: (o) => this.enqueue(o), onUpdate: (_old, o) => this.enqueue(o) });
    // a kubelet-serving request judged before this informer saw its Node's addresses is judged again when they arrive
    const requeueServing = (n: ReadOnly<Node>) => {
      const user = `system:node:${n.metadata.name ?? ''}`;
      for (const c of this.csrs.list()) if (c.spec.signerName === 'kubernetes.io/kubelet-serving' && c.spec.username === user && !c.status?.certificate) this.enqueue(c);
    };
    nodes.addEventHandler({ onAdd: requeueServing, onUpdate: (_old, n) => requeueServing(n) });
  }

  async sync(name: string): Promise<void> {
    const csr = this.csrs.get(name);
    if (!csr || csr.status?.certificate) return;
    const { approved, denied } = csrApprovalState(csr);
    if (approved || denied) return;
    if (csrPemError(csr.spec.request)) return;
    const req = await inspectCSR(csrRequestPem(csr)).catch(() => undefined);
    if (!req) {
      this.logger.v(2).info('Ignoring CSR whose request does not parse', { name });
      return;
    }
    if (csr.spec.signerName === 'kubernetes.io/kubelet-serving') {
      const node = this.nodes.get(req.commonName.replace(/^system:node:/, ''));
      const why = kubeletServingMismatch(csr, req, node);
      if (why) {
        this.logger.v(2).info('Not auto-approving kubelet serving CSR', { name, reason: why });
        return;
      }
      return this.approve(csr, 'Auto approving kubelet serving certificate: the node asked for its own names and addresses.');
    }
    const tried: string[] = [];
    for (const r of recognizers) {
      if (!r.recognize(csr, req)) continue;
      // a bootstrap token may not take over an existing node's name: only the node itself (selfnodeclient, proving
      // it holds that node's key through its current certificate) gets another certificate for it; to re-join a node
      // that lost its key, delete its Node first
      if (r.subresource === 'nodeclient' && csr.spec.username !== req.commonName && this.nodes.get(req.commonName.replace(/^system:node:/, ''))) {
        return this.deny(csr, 'NodeExists', `node ${JSON.stringify(req.commonName.replace(/^system:node:/, ''))} already exists: a new client certificate for it can only be requested by the node itself (delete the Node to join again under this name)`);
      }
      tried.push(r.subresource);
      if (await this.authorize(csr, r.subresource)) return this.approve(csr, r.successMessage);
    }
    // upstream's IgnorableError: retried with backoff (a binding may appear), logged quietly
    if (tried.length) throw new Error(`recognized csr ${JSON.stringify(name)} as [${tried.join(' ')}] but subject access review was not approved`);
  }

  private authorize(csr: CSR, subresource: string): Promise<boolean> {
    return this.opts.reviewAccess({
      user: csr.spec.username ?? '',
      ...(csr.spec.uid ? { uid: csr.spec.uid } : {}),
      groups: [...(csr.spec.groups ?? [])],
      ...(csr.spec.extra ? { extra: structuredClone(csr.spec.extra) as Record<string, string[]> } : {}),
      resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', subresource, verb: 'create', version: '*' },
    });
  }

  private async deny(csr: CSR, reason: string, message: string): Promise<void> {
    const conditions = [...(csr.status?.conditions ?? []), { type: 'Denied', status: 'True', reason, message }];
    await this.api.patch(csr.metadata.name ?? '', 'merge', { metadata: { resourceVersion: csr.metadata.resourceVersion }, status: { conditions } }, { subresource: 'approval' });
    this.logger.info('Denied CSR', { name: csr.metadata.name, reason });
  }

  /** Adds the Approved condition through certificatesigningrequests/approval (a stale copy gets a Conflict and is retried). */
  private async approve(csr: CSR, message: string): Promise<void> {
    const conditions = [...(csr.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message }];
    await this.api.patch(csr.metadata.name ?? '', 'merge', { metadata: { resourceVersion: csr.metadata.resourceVersion }, status: { conditions } }, { subresource: 'approval' });
    this.logger.info('Approved CSR', { name: csr.metadata.name, message });
  }
}
