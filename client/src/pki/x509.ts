// X.509 on node:crypto's WebCrypto through @peculiar/x509: ECDSA P-256 keys, a CA, certificates and CSRs.
// Everything here is async (WebCrypto) and takes/returns PEM strings, the form files and kubeconfigs hold.
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs the Reflect polyfill
import * as x509 from '@peculiar/x509';
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

// @peculiar/x509 is typed against the DOM's Crypto; node's webcrypto is the same API.
x509.cryptoProvider.set(webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

export interface KeyPairPem {
  certPem: string;
  keyPem: string;
}

export type Usage = 'server' | 'client' | 'both';

export interface CertRequest {
  /** subject CN: the user name for client certificates */
  commonName: string;
  /** subject O: the groups for client certificates */
  organizations?: string[];
  /** subjectAltNames: DNS names and IP addresses (server certificates) */
  hosts?: string[];
  usage: Usage;
  /** validity in days (default 365) */
  days?: number;
  /** backdate notBefore (clock skew between machines), default 5 minutes */
  backdateMs?: number;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

async function keyToPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new Error('no PEM block in private key');
  return webcrypto.subtle.importKey('pkcs8', der, ecdsa, true, ['sign']) as Promise<CryptoKey>;
}

/** Escapes a value for an RFC 4514 distinguished name string. */
function dnValue(v: string): string {
  return v.replace(/([,+"\\<>;=#])/g, '\\$1');
}

function subjectName(cn: string, orgs: string[] = []): string {
  return [...orgs.map((o) => `O=${dnValue(o)}`), `CN=${dnValue(cn)}`].join(', ');
}

function serial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = (b[0] ?? 0) & 0x7f; // positive
  return Buffer.from(b).toString('hex');
}

function sanExtension(hosts: string[]): x509.SubjectAlternativeNameExtension | undefined {
  if (!hosts.length) return undefined;
  return new x509.SubjectAlternativeNameExtension(hosts.map((h) => (isIP(h) ? { type: 'ip' as const, value: h } : { type: 'dns' as const, value: h })));
}

function usageExtensions(usage: Usage): x509.Extension[] {
  const eku: string[] = [];
  if (usage !== 'client') eku.push(x509.ExtendedKeyUsage.serverAuth);
  if (usage !== 'server') eku.push(x509.ExtendedKeyUsage.clientAuth);
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(eku, false),
  ];
}

/** A self-signed CA (10 years unless told otherwise). */
export async function createCA(commonName: string, days = 3650): Promise<KeyPairPem> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: subjectName(commonName),
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + days * DAY_MS),
    keys,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await keyToPem(keys.privateKey) };
}

async function signWithCA(ca: KeyPairPem, publicKey: CryptoKey | x509.PublicKey, req: CertRequest): Promise<string> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importPrivateKey(ca.keyPem);
  const now = Date.now();
  const san = sanExtension(req.hosts ?? []);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: subjectName(req.commonName, req.organizations),
    issuer: caCert.subject,
    notBefore: new Date(now - (req.backdateMs ?? 5 * 60_000)),
    notAfter: new Date(now + (req.days ?? 365) * DAY_MS),
    signingKey: caKey,
    publicKey,
    signingAlgorithm: ecdsa,
    extensions: [...usageExtensions(req.usage), ...(san ? [san] : []), await x509.AuthorityKeyIdentifierExtension.create(caCert)],
  });
  return cert.toString('pem');
}

/** A new key pair and a certificate for it signed by the CA. */
export async function issueCertificate(ca: KeyPairPem, req: CertRequest): Promise<KeyPairPem> {
  const keys = await newKeys();
  return { certPem: await signWithCA(ca, keys.publicKey, req), keyPem: await keyToPem(keys.privateKey) };
}

export interface CsrInfo {
  commonName: string;
  organizations: string[];
  hosts: string[];
}

/** A PKCS#10 request (and its new key) for the given subject, as a kubelet sends to the CSR API. */
export async function createCSR(subject: { commonName: string; organizations?: string[]; hosts?: string[] }, keyPem?: string): Promise<{ csrPem: string; keyPem: string }> {
  let keys: CryptoKeyPair;
  if (keyPem) {
    const privateKey = await importPrivateKey(keyPem);
    const jwk = await webcrypto.subtle.exportKey('jwk', privateKey);
    const publicKey = (await webcrypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true }, ecdsa, true, ['verify'])) as CryptoKey;
    keys = { privateKey, publicKey };
  } else keys = await newKeys();
  const san = sanExtension(subject.hosts ?? []);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectName(subject.commonName, subject.organizations),
    keys,
    signingAlgorithm: ecdsa,
    extensions: san ? [san] : [],
  });
  return { csrPem: csr.toString('pem'), keyPem: keyPem ?? (await keyToPem(keys.privateKey)) };
}

/** The subject and SANs of a PKCS#10 request; throws if its signature does not verify. */
export async function parseCSR(csrPem: string): Promise<CsrInfo> {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  if (!(await csr.verify())) throw new Error('the certificate request signature does not verify');
  const names = csr.subjectName.toJSON();
  const attr = (type: string) => names.flatMap((rdn) => rdn[type] ?? []);
  const san = csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
  const hosts = (san?.names.toJSON() ?? []).map((n) => n.value);
  return { commonName: attr('CN')[0] ?? '', organizations: attr('O'), hosts };
}

/** Signs a CSR's public key with the subject the CSR asks for (callers check that subject first). */
export async function signCSR(ca: KeyPairPem, csrPem: string, opts: { usage: Usage; days?: number }): Promise<string> {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  if (!(await csr.verify())) throw new Error('the certificate request signature does not verify');
  const info = await parseCSR(csrPem);
  return signWithCA(ca, csr.publicKey, { commonName: info.commonName, organizations: info.organizations, hosts: info.hosts, usage: opts.usage, ...(opts.days !== undefined ? { days: opts.days } : {}) });
}

export interface CertInfo {
  commonName: string;
  organizations: string[];
  hosts: string[];
  notBefore: Date;
  notAfter: Date;
  issuer: string;
}

/** What a PEM certificate says (the first one of a bundle). */
export function describeCertificate(pem: string): CertInfo {
  const c = new X509Certificate(pem);
  const parts = c.subject.split('\n');
  const hosts = (c.subjectAltName ?? '')
    .split(', ')
    .filter(Boolean)
    .map((s) => s.replace(/^(DNS|IP Address):/, ''));
  return {
    commonName: parts.find((p) => p.startsWith('CN='))?.slice(3) ?? '',
    organizations: parts.filter((p) => p.startsWith('O=')).map((p) => p.slice(2)),
    hosts,
    notBefore: new Date(c.validFrom),
    notAfter: new Date(c.validTo),
    issuer: c.issuer,
  };
}

/** k3s' CA pin: the sha256 of the CA bundle as served (hex). */
export function caHash(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex');
}

/** True when the key is the private half of the certificate's public key. */
export function keyMatchesCertificate(certPem: string, keyPem: string): boolean {
  try {
    const { createPrivateKey, createPublicKey } = require('node:crypto') as typeof import('node:crypto');
    const pub = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    return Buffer.compare(pub, new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' })) === 0;
  } catch {
    return false;
  }
}

/** A CSR as the certificates API signers read it: subject and subjectAltNames by type. */
export interface CsrDetails {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
}

/** Parses and verifies a PKCS#10 request (throws if it does not parse or its signature does not verify). */
export async function inspectCSR(csrPem: string): Promise<CsrDetails> {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  if (!(await csr.verify())) throw new Error('the certificate request signature does not verify');
  const names = csr.subjectName.toJSON();
  const attr = (type: string) => names.flatMap((rdn) => rdn[type] ?? []);
  const san = csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
  const gns = san?.names.toJSON() ?? [];
  const of = (t: string) => gns.filter((n) => n.type === t).map((n) => n.value);
  return { commonName: attr('CN')[0] ?? '', organizations: attr('O'), dnsNames: of('dns'), ipAddresses: of('ip'), emailAddresses: of('email'), uris: of('url') };
}

// certificates.k8s.io key usages → X.509 KeyUsage bits and ExtendedKeyUsage OIDs (the signer's keyUsagesFromStrings)
const keyUsageBits: Record<string, number> = {
  signing: x509.KeyUsageFlags.digitalSignature,
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'cert sign': x509.KeyUsageFlags.keyCertSign,
  'crl sign': x509.KeyUsageFlags.cRLSign,
  'encipher only': x509.KeyUsageFlags.encipherOnly,
  'decipher only': x509.KeyUsageFlags.decipherOnly,
};
const extKeyUsageOids: Record<string, string> = {
  any: '2.5.29.37.0',
  'server auth': '1.3.6.1.5.5.7.3.1',
  'client auth': '1.3.6.1.5.5.7.3.2',
  'code signing': '1.3.6.1.5.5.7.3.3',
  'email protection': '1.3.6.1.5.5.7.3.4',
  's/mime': '1.3.6.1.5.5.7.3.4',
  'ipsec end system': '1.3.6.1.5.5.7.3.5',
  'ipsec tunnel': '1.3.6.1.5.5.7.3.6',
  'ipsec user': '1.3.6.1.5.5.7.3.7',
  timestamping: '1.3.6.1.5.5.7.3.8',
  'ocsp signing': '1.3.6.1.5.5.7.3.9',
  'microsoft sgc': '1.3.6.1.4.1.311.10.3.3',
  'netscape sgc': '2.16.840.1.113730.4.1',
};

/**
 * Issues a certificate for a CSR as the Kubernetes CSR signer does: the CSR's subject and subjectAltNames verbatim,
 * key usages from certificates.k8s.io usage names, not a CA, valid [notBefore, notAfter] capped at the CA's expiry.
 */
export async function signCertificateRequest(ca: KeyPairPem, csrPem: string, opts: { usages: string[]; notBefore: Date; notAfter: Date }): Promise<string> {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  if (!(await csr.verify())) throw new Error('the certificate request signature does not verify');
  const caCert = new x509.X509Certificate(ca.certPem);
  let bits = 0;
  const ekus: string[] = [];
  for (const u of opts.usages) {
    const bit = keyUsageBits[u];
    const oid = extKeyUsageOids[u];
    if (bit !== undefined) bits |= bit;
    else if (oid !== undefined) ekus.push(oid);
    else throw new Error(`unrecognized usage: ${u}`);
  }
  const san = csr.extensions.find((e) => e.type === '2.5.29.17');
  const notAfter = opts.notAfter.getTime() > caCert.notAfter.getTime() ? caCert.notAfter : opts.notAfter;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: csr.subjectName,
    issuer: caCert.subject,
    notBefore: opts.notBefore,
    notAfter,
    signingKey: await importPrivateKey(ca.keyPem),
    publicKey: csr.publicKey,
    signingAlgorithm: ecdsa,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...(bits ? [new x509.KeyUsagesExtension(bits, true)] : []),
      ...(ekus.length ? [new x509.ExtendedKeyUsageExtension(ekus, false)] : []),
      ...(san ? [new x509.Extension(san.type, san.critical, san.value)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return cert.toString('pem');
}

/** Whether `certPem` was signed by the CA in `caPem` (the signature checks; validity dates do not matter). */
export async function verifiesAgainst(certPem: string, caPem: string): Promise<boolean> {
  const cert = new x509.X509Certificate(certPem);
  return cert.verify({ publicKey: new x509.X509Certificate(caPem).publicKey, signatureOnly: true });
}
