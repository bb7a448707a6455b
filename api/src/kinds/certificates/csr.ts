// certificates.k8s.io/v1 CertificateSigningRequest: a PKCS#10 request a signer turns into a certificate once approved.
// Spec is immutable and the requester's identity in it is filled by the API server; approval and issuance happen
// through the `approval` and `status` subresources (rules in ./csr-validation.ts, applied by the apiserver's hooks).
import { Struct, Opt, Type, MergeList, AtomicList, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, humanDuration, Int32, Str } from '../common';
import { validateCSRCreate, validateCSRUpdate } from './csr-validation';

const Time = () => Type.String({ format: 'date-time' });

export const CertificateSigningRequestConditionSchema = Struct(
  'CertificateSigningRequestCondition describes a condition of a CertificateSigningRequest object',
  {
    type: Type.String({ description: 'type of the condition. Known conditions are "Approved", "Denied", and "Failed".' }),
    status: Type.String({ description: 'status of the condition, one of True, False, Unknown. Approved, Denied, and Failed conditions may not be "False" or "Unknown".' }),
    reason: Opt(Str(), 'reason indicates a brief reason for the request state'),
    message: Opt(Str(), 'message contains a human readable message with details about the request state'),
    lastUpdateTime: Opt(Time(), 'lastUpdateTime is the time of the last update to this condition'),
    lastTransitionTime: Opt(Time(), 'lastTransitionTime is the time the condition last transitioned from one status to another. If unset, when a new condition type is added or an existing condition\'s status is changed, the server defaults this to the current time.'),
  },
  { $id: 'io.k8s.api.certificates.v1.CertificateSigningRequestCondition' },
);

export const CertificateSigningRequestSpecSchema = Struct(
  'CertificateSigningRequestSpec contains the certificate request.',
  {
    request: Type.String({ format: 'byte', description: 'request contains an x509 certificate signing request encoded in a "CERTIFICATE REQUEST" PEM block. When serialized as JSON or YAML, the data is additionally base64-encoded.', 'x-kubernetes-list-type': 'atomic' }),
    signerName: Type.String({ description: 'signerName indicates the requested signer, and is a qualified name.' }),
    expirationSeconds: Opt(Int32(), 'expirationSeconds is the requested duration of validity of the issued certificate. The certificate signer may issue a certificate with a different validity duration so a client must check the delta between the notBefore and and notAfter fields in the issued certificate to determine the actual duration. The minimum valid value for expirationSeconds is 600, i.e. 10 minutes.'),
    usages: Opt(AtomicList(Str(), 'usages specifies a set of key usages requested in the issued certificate.')),
    username: Opt(Str(), 'username contains the name of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.'),
    uid: Opt(Str(), 'uid contains the uid of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.'),
    groups: Opt(AtomicList(Str(), 'groups contains group membership of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.')),
    extra: Opt(Type.Record(Type.String(), Type.Array(Type.String()), { description: 'extra contains extra attributes of the user that created the CertificateSigningRequest. Populated by the API server on creation and immutable.' })),
  },
  { $id: 'io.k8s.api.certificates.v1.CertificateSigningRequestSpec' },
);

export const CertificateSigningRequestStatusSchema = Struct(
  'CertificateSigningRequestStatus contains conditions used to indicate approved/denied/failed status of the request, and the issued certificate.',
  {
    conditions: Opt(MergeList(CertificateSigningRequestConditionSchema, 'type', 'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".')),
    certificate: Opt(Type.String({ format: 'byte', description: 'certificate is populated with an issued certificate by the signer after an Approved condition is present. This field is set via the /status subresource. Once populated, this field is immutable.', 'x-kubernetes-list-type': 'atomic' })),
  },
  { $id: 'io.k8s.api.certificates.v1.CertificateSigningRequestStatus' },
);

export const CertificateSigningRequestSchema = objectSchema(
  'io.k8s.api.certificates.v1.CertificateSigningRequest',
  'CertificateSigningRequest objects provide a mechanism to obtain x509 certificates by submitting a certificate signing request, and having it asynchronously approved and issued.',
  {
    spec: CertificateSigningRequestSpecSchema,
    status: Opt(CertificateSigningRequestStatusSchema, 'status contains information about whether the request is approved or denied, and the certificate issued by the signer, or the failure condition indicating signer failure.'),
  },
);
export type CertificateSigningRequest = Static<typeof CertificateSigningRequestSchema>;
export type CertificateSigningRequestCondition = Static<typeof CertificateSigningRequestConditionSchema>;

/** extractCSRStatus from kubectl's printers: Pending|Approved|Denied, then ",Failed" and ",Issued". */
export function csrConditionSummary(csr: Pick<CertificateSigningRequest, 'status'>): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (csr.status?.certificate) s += ',Issued';
  return s;
}

export const CertificateSigningRequestKind = defineKind<CertificateSigningRequest>({
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  categories: [],
  schema: CertificateSigningRequestSchema,
  status: true,
  extraSubresources: ['approval'],
  // upstream's ValidateCertificateRequestName accepts any name; the registry still needs a usable path segment
  ...({ nameValidation: 'path' } as const),
  fieldSelectors: { 'spec.signerName': (o) => o.spec.signerName },
  strategy: {
    validate: validateCSRCreate,
    validateUpdate: validateCSRUpdate,
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      ageColumn,
      { name: 'SignerName', type: 'string', description: 'signerName indicates the requested signer, and is a qualified name.', priority: 0 },
      { name: 'Requestor', type: 'string', description: 'request contains an x509 certificate signing request encoded in a "CERTIFICATE REQUEST" PEM block.', priority: 0 },
      { name: 'RequestedDuration', type: 'string', description: 'expirationSeconds is the requested duration of validity of the issued certificate.', priority: 0 },
      { name: 'Condition', type: 'string', description: 'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".', priority: 0 },
    ],
    cells: (o, now) => [
      o.metadata.name,
      age(o.metadata.creationTimestamp, now),
      o.spec.signerName || '<none>',
      o.spec.username ?? '',
      o.spec.expirationSeconds !== undefined ? humanDuration(o.spec.expirationSeconds * 1000) : '<none>',
      csrConditionSummary(o),
    ],
  },
});
