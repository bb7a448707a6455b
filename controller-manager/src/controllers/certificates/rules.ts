// What each kubernetes.io signer accepts (pkg/apis/certificates/helpers.go ValidateKubeletServingCSR /
// ValidateKubeletClientCSR, and the signer's validAPIServerClientUsages). Shared by the signer, which fails
// requests that break them, and the approver, which only recognises requests that keep them.
import { KubeAPIServerClientKubeletSignerName, KubeAPIServerClientSignerName, KubeletServingSignerName } from '@kubets/api';
import type { CsrDetails } from '@kubets/client';

const sameSet = (a: ReadonlySet<string>, b: readonly string[]) => a.size === b.length && b.every((x) => a.has(x));
const kubeletServingUsages = ['digital signature', 'key encipherment', 'server auth'];
const kubeletServingUsagesNoRSA = ['digital signature', 'server auth'];
const kubeletClientUsages = ['digital signature', 'key encipherment', 'client auth'];
const kubeletClientUsagesNoRSA = ['digital signature', 'client auth'];

/** Go's %v of a sorted string set, as in "usages did not match [digital signature key encipherment server auth]". */
const goList = (xs: string[]) => `[${[...xs].sort().join(' ')}]`;

const onlySystemNodes = (req: CsrDetails) => req.organizations.length === 1 && req.organizations[0] === 'system:nodes';

/** ValidateKubeletServingCSR: O=system:nodes, CN system:node:*, DNS/IP SANs only (at least one), server usages. */
export function kubeletServingError(req: CsrDetails, usages: readonly string[]): string | undefined {
  if (!onlySystemNodes(req)) return 'subject organization is not system:nodes';
  if (req.dnsNames.length === 0 && req.ipAddresses.length === 0) return 'DNS or IP subjectAltName is required';
  if (req.emailAddresses.length > 0) return 'Email subjectAltNames are not allowed';
  if (req.uris.length > 0) return 'URI subjectAltNames are not allowed';
  const set = new Set(usages);
  if (!sameSet(set, kubeletServingUsages) && !sameSet(set, kubeletServingUsagesNoRSA)) return `usages did not match ${goList(kubeletServingUsages)}`;
  if (!req.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  return undefined;
}

/** ValidateKubeletClientCSR: O=system:nodes, CN system:node:*, no SANs, client usages. */
export function kubeletClientError(req: CsrDetails, usages: readonly string[]): string | undefined {
  if (!onlySystemNodes(req)) return 'subject organization is not system:nodes';
  if (req.dnsNames.length > 0) return 'DNS subjectAltNames are not allowed';
  if (req.emailAddresses.length > 0) return 'Email subjectAltNames are not allowed';
  if (req.ipAddresses.length > 0) return 'IP subjectAltNames are not allowed';
  if (req.uris.length > 0) return 'URI subjectAltNames are not allowed';
  if (!req.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  const set = new Set(usages);
  if (!sameSet(set, kubeletClientUsages) && !sameSet(set, kubeletClientUsagesNoRSA)) return `usages did not match ${goList(kubeletClientUsages)}`;
  return undefined;
}

/** validAPIServerClientUsages: client auth required; digital signature and key encipherment optional; nothing else. */
export function apiServerClientError(usages: readonly string[]): string | undefined {
  let clientAuth = false;
  for (const u of usages) {
    if (u === 'client auth') clientAuth = true;
    else if (u !== 'digital signature' && u !== 'key encipherment') return `invalid usage for client certificate: ${u}`;
  }
  return clientAuth ? undefined : 'missing required usage for client certificate: client auth';
}

/** The signers this controller-manager signs for (kubernetes.io/legacy-unknown is never signed). */
export const signedSignerNames: readonly string[] = [KubeAPIServerClientSignerName, KubeAPIServerClientKubeletSignerName, KubeletServingSignerName];

/** Why the signer refuses this request, or undefined when it may sign it. Only for signedSignerNames. */
export function signerValidationError(signerName: string, req: CsrDetails, usages: readonly string[]): string | undefined {
  switch (signerName) {
    case KubeletServingSignerName:
      return kubeletServingError(req, usages);
    case KubeAPIServerClientKubeletSignerName:
      return kubeletClientError(req, usages);
    case KubeAPIServerClientSignerName:
      return apiServerClientError(usages);
    default:
      return `unrecognized signerName: ${JSON.stringify(signerName)}`;
  }
}
