// CertificateSigningRequest validation and the per-endpoint update rules of pkg/apis/certificates/validation and
// pkg/registry/certificates/certificates/strategy.go. The checks that need a full X.509 parser (the request's
// signature) run in the API server (apiserver/src/registry/kinds/csr-hooks.ts); here only what is sync and pure.
import type { StatusCause } from '../../errors/status-error';
import { fieldErr, GoRepr, dns1123LabelErrors, dns1123SubdomainErrors, deepEqual } from '../validators';

/** Structural view of the CSR fields these rules read (the kind type lives in ./csr.ts, which imports this file). */
export interface CSRCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}
export interface CSRLike {
  spec: { request: string; signerName: string; expirationSeconds?: number; usages?: string[]; username?: string };
  status?: { conditions?: CSRCondition[]; certificate?: string };
}
/** The same, as informer caches hand it out (read-only). */
export interface ReadonlyCSR {
  readonly spec: { readonly request: string; readonly signerName: string; readonly usages?: readonly string[] };
  readonly status?: { readonly conditions?: readonly Readonly<CSRCondition>[]; readonly certificate?: string };
}

export const KubeAPIServerClientSignerName = 'kubernetes.io/kube-apiserver-client';
export const KubeAPIServerClientKubeletSignerName = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KubeletServingSignerName = 'kubernetes.io/kubelet-serving';
export const LegacyUnknownSignerName = 'kubernetes.io/legacy-unknown';

/** certificates.KeyUsage values, sorted as sets.String.List() prints them. */
export const allValidKeyUsages = [
  'any',
  'cert sign',
  'client auth',
  'code signing',
  'content commitment',
  'crl sign',
  'data encipherment',
  'decipher only',
  'digital signature',
  'email protection',
  'encipher only',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'key agreement',
  'key encipherment',
  'microsoft sgc',
  'netscape sgc',
  'ocsp signing',
  's/mime',
  'server auth',
  'signing',
  'timestamping',
] as const;
const validUsages = new Set<string>(allValidKeyUsages);

/** Condition types whose status may only be "True". */
const trueOnlyTypes = new Set(['Approved', 'Denied', 'Failed']);

/** Go's %#v of a []byte, as field.Invalid prints the request bytes. */
function goBytes(b: Buffer): GoRepr {
  if (b.length === 0) return new GoRepr('[]byte(nil)');
  return new GoRepr(`[]byte{${[...b].map((x) => `0x${x.toString(16)}`).join(', ')}}`);
}

export function decodeBase64(s: string | undefined): Buffer {
  return Buffer.from(s ?? '', 'base64');
}

export interface PemBlock {
  type: string;
  headers: boolean;
  der: Buffer;
}

/** encoding/pem.Decode over a whole buffer: the blocks in order (text outside blocks is skipped, as Go does). */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([^-\r\n]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2] ?? '';
    const headers = /^[^\s:]+:/m.test(body);
    const b64 = body.replace(/^[^\s:]+:.*$/gm, '').replace(/\s+/g, '');
    out.push({ type: m[1] ?? '', headers, der: Buffer.from(b64, 'base64') });
  }
  return out;
}

/** certificates.ParseCSR's first step: the request must be a CERTIFICATE REQUEST PEM block (the DER is checked by the server). */
export function csrPemError(requestB64: string): string | undefined {
  const first = pemBlocks(decodeBase64(requestB64).toString('latin1'))[0];
  if (!first || first.type !== 'CERTIFICATE REQUEST' || first.der.length === 0) return 'PEM block type must be CERTIFICATE REQUEST';
  return undefined;
}

/** The PEM text of spec.request (callers check csrPemError first). */
export function csrRequestPem(csr: Pick<ReadonlyCSR, 'spec'>): string {
  return decodeBase64(csr.spec.request).toString('utf8');
}

/** validateCertificate: status.certificate holds only CERTIFICATE blocks, without headers, at least one. */
function certificateError(certB64: string | undefined): string | undefined {
  const data = decodeBase64(certB64);
  if (data.length === 0) return undefined;
  const blocks = pemBlocks(data.toString('latin1'));
  if (blocks.length === 0) return 'must contain at least one CERTIFICATE PEM block';
  for (const b of blocks) {
    if (b.type !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(b.type)}`;
    if (b.headers) return 'no PEM block headers are permitted';
    if (b.der.length === 0 || b.der[0] !== 0x30) return 'x509: malformed certificate';
  }
  return undefined;
}

/** apivalidation.ValidateSignerName: "<fqdn>/<path>", at most 571 characters. */
export function validateSignerName(field: string, signerName: string): StatusCause[] {
  if (!signerName) return [fieldErr.required(field)];
  const out: StatusCause[] = [];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [fieldErr.invalid(field, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain = '', path = ''] = segments;
  if (domain.length > 253) out.push(fieldErr.tooLong(field, 253));
  const domainLabels = domain.split('.');
  for (const lbl of domainLabels) {
    const errs = dns1123LabelErrors(lbl);
    if (errs.length) {
      for (const e of errs) out.push(fieldErr.invalid(field, domain, `validating label ${JSON.stringify(lbl)}: ${e}`));
      break;
    }
  }
  if (domainLabels.length < 2) out.push(fieldErr.invalid(field, domain, 'should be a domain with at least two segments separated by dots'));
  for (const lbl of path.split('.')) {
    const errs = dns1123SubdomainErrors(lbl);
    if (errs.length) {
      for (const e of errs) out.push(fieldErr.invalid(field, path, `validating component ${JSON.stringify(lbl)}: ${e}`));
      break;
    }
  }
  const max = 253 + (253 + 63 + 1) + 1;
  if (signerName.length > max) out.push(fieldErr.tooLong(field, max));
  return out;
}

function validateConditions(csr: CSRLike, old: CSRLike | undefined): StatusCause[] {
  const out: StatusCause[] = [];
  const conds = csr.status?.conditions ?? [];
  const oldConds = old?.status?.conditions ?? [];
  // what the stored object already violates is tolerated (upstream's compatibility options)
  const allowBoth = oldConds.some((c) => c.type === 'Approved') && oldConds.some((c) => c.type === 'Denied');
  const allowDup = new Set(oldConds.map((c) => c.type)).size !== oldConds.length;
  const allowEmpty = oldConds.some((c) => !c.type);
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conds.forEach((c, i) => {
    const p = `status.conditions[${i}]`;
    if (!allowEmpty && !c.type) out.push(fieldErr.required(`${p}.type`));
    const allowed = trueOnlyTypes.has(c.type) ? ['True'] : ['False', 'True', 'Unknown'];
    if (!c.status) out.push(fieldErr.required(`${p}.status`));
    else if (!allowed.includes(c.status)) out.push(fieldErr.notSupported(`${p}.status`, c.status, allowed));
    if (!allowBoth) {
      if (c.type === 'Approved') {
        approved = true;
        if (denied) out.push(fieldErr.invalid(`${p}.type`, c.type, 'Approved and Denied conditions are mutually exclusive'));
      } else if (c.type === 'Denied') {
        denied = true;
        if (approved) out.push(fieldErr.invalid(`${p}.type`, c.type, 'Approved and Denied conditions are mutually exclusive'));
      }
    }
    if (!allowDup) {
      if (seen.has(c.type)) out.push(fieldErr.duplicate(`${p}.type`, c.type));
      seen.add(c.type);
    }
  });
  return out;
}

/** validateCertificateSigningRequest (everything but the request's DER and signature, which the server checks). */
export function validateCSR(csr: CSRLike, old?: CSRLike): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = csr.spec;
  const pemErr = csrPemError(spec.request);
  if (pemErr) out.push(fieldErr.invalid('spec.request', goBytes(decodeBase64(spec.request)), pemErr));
  const usages = spec.usages ?? [];
  if (usages.length === 0) out.push(fieldErr.required('spec.usages'));
  const oldUsages = old?.spec.usages ?? [];
  if (!oldUsages.some((u) => !validUsages.has(u))) {
    usages.forEach((u, i) => {
      if (!validUsages.has(u)) out.push(fieldErr.notSupported(`spec.usages[${i}]`, u, allValidKeyUsages));
    });
  }
  if (new Set(oldUsages).size === oldUsages.length) {
    const seen = new Set<string>();
    usages.forEach((u, i) => {
      if (seen.has(u)) out.push(fieldErr.duplicate(`spec.usages[${i}]`, u));
      seen.add(u);
    });
  }
  if (spec.signerName === LegacyUnknownSignerName && old?.spec.signerName !== LegacyUnknownSignerName) {
    out.push(fieldErr.invalid('spec.signerName', spec.signerName, 'the legacy signerName is not allowed via this API version'));
  } else out.push(...validateSignerName('spec.signerName', spec.signerName));
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds < 600) {
    out.push(fieldErr.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  out.push(...validateConditions(csr, old));
  const unchangedCert = old !== undefined && (csr.status?.certificate ?? '') === (old.status?.certificate ?? '');
  if (!unchangedCert) {
    const certErr = certificateError(csr.status?.certificate);
    if (certErr) out.push(fieldErr.invalid('status.certificate', '<certificate data>', certErr));
  }
  return out;
}

export function validateCSRCreate(csr: CSRLike): StatusCause[] {
  return validateCSR(csr);
}

export function findConditions(csr: ReadonlyCSR, type: string): Readonly<CSRCondition>[] {
  return (csr.status?.conditions ?? []).filter((c) => c.type === type);
}

/**
 * The update rules every endpoint shares (the strategy runs them for the main resource and both subresources):
 * Approved/Denied/Failed conditions are never removed. Spec changes never get here (the endpoints reset spec).
 */
export function validateCSRUpdate(csr: CSRLike, old: CSRLike): StatusCause[] {
  const out: StatusCause[] = [];
  for (const t of ['Approved', 'Denied', 'Failed']) {
    if (findConditions(csr, t).length < findConditions(old, t).length) out.push(fieldErr.forbidden('status.conditions', `updates may not remove a condition of type ${JSON.stringify(t)}`));
  }
  return out;
}

/** What an endpoint may change beyond the shared rules: /approval the Approved/Denied conditions, /status the certificate. */
export interface CSRUpdatePermissions {
  approvalConditions: boolean;
  certificate: boolean;
}

/** validateCertificateSigningRequestUpdate's endpoint-specific part (the main resource allows neither). */
export function validateCSREndpointUpdate(csr: CSRLike, old: CSRLike, allow: CSRUpdatePermissions): StatusCause[] {
  const out: StatusCause[] = [];
  if (!allow.approvalConditions) {
    for (const t of ['Approved', 'Denied']) {
      const o = findConditions(old, t);
      const n = findConditions(csr, t);
      if (n.length > o.length) out.push(fieldErr.forbidden('status.conditions', `updates may not add a condition of type ${JSON.stringify(t)}`));
      else if (n.length === o.length && !deepEqual(n, o)) out.push(fieldErr.forbidden('status.conditions', `updates may not modify a condition of type ${JSON.stringify(t)}`));
    }
  }
  const cert = csr.status?.certificate ?? '';
  const oldCert = old.status?.certificate ?? '';
  if (cert !== oldCert) {
    if (!allow.certificate) out.push(fieldErr.forbidden('status.certificate', 'updates may not set certificate content'));
    else if (oldCert) out.push(fieldErr.forbidden('status.certificate', 'updates may not modify existing certificate content'));
  }
  return out;
}

/** preserveConditionInstances: when the count of `type` conditions is unchanged, keep the stored instances. */
function preserveConditionInstances(csr: CSRLike, old: CSRLike, type: string): void {
  const conds = csr.status?.conditions;
  const oldConds = old.status?.conditions ?? [];
  if (!conds) return;
  const ni = conds.flatMap((c, i) => (c.type === type ? [i] : []));
  const oi = oldConds.flatMap((c, i) => (c.type === type ? [i] : []));
  if (ni.length !== oi.length) return;
  ni.forEach((n, k) => {
    const o = oldConds[oi[k] ?? -1];
    if (o) conds[n] = structuredClone(o);
  });
}

/** populateConditionTimestamps: lastUpdateTime defaults to now; lastTransitionTime to the stored one of the same type/status, else now. */
function populateConditionTimestamps(csr: CSRLike, old: CSRLike, now: string): void {
  for (const c of csr.status?.conditions ?? []) {
    if (!c.lastUpdateTime) c.lastUpdateTime = now;
    if (!c.lastTransitionTime) {
      const prev = (old.status?.conditions ?? []).find((o) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = prev?.lastTransitionTime ?? now;
    }
  }
}

/** csrStatusStrategy.PrepareForUpdate: /status keeps spec and the stored Approved/Denied instances. */
export function prepareCSRStatusUpdate<T extends CSRLike>(csr: T, old: T, now: string): void {
  csr.spec = structuredClone(old.spec);
  preserveConditionInstances(csr, old, 'Approved');
  preserveConditionInstances(csr, old, 'Denied');
  populateConditionTimestamps(csr, old, now);
}

/** csrApprovalStrategy.PrepareForUpdate: /approval changes conditions only, keeping the stored Failed instances. */
export function prepareCSRApprovalUpdate<T extends CSRLike>(csr: T, old: T, now: string): void {
  csr.spec = structuredClone(old.spec);
  const conditions = csr.status?.conditions;
  const cert = old.status?.certificate;
  csr.status = { ...(conditions ? { conditions } : {}), ...(cert ? { certificate: cert } : {}) };
  preserveConditionInstances(csr, old, 'Failed');
  populateConditionTimestamps(csr, old, now);
}

/** GetCertApprovalCondition: whether the request carries an Approved and/or a Denied condition. */
export function csrApprovalState(csr: ReadonlyCSR): { approved: boolean; denied: boolean } {
  const conds = csr.status?.conditions ?? [];
  return { approved: conds.some((c) => c.type === 'Approved'), denied: conds.some((c) => c.type === 'Denied') };
}

/** IsCertificateRequestApproved: approved and not denied. */
export function isCSRApproved(csr: ReadonlyCSR): boolean {
  const s = csrApprovalState(csr);
  return s.approved && !s.denied;
}

export function hasTrueCondition(csr: ReadonlyCSR, type: string): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}
