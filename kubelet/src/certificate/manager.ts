// Client certificate rotation (client-go's certificate manager): renew at a jittered 70–90% of the current
// certificate's lifetime with a CSR made as the node itself (approved as selfnodeclient), write the new pair to the
// same file, and let the REST clients pick it up (they reload the file: client/src/rest). Nothing restarts;
// established connections (watches, exec streams) keep the certificate they were opened with.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { KubeClient } from '@kubets/client';
import { requestNodeClientCertificate, CsrRefused } from './csr';

/** client-go's nextRotationDeadline: notBefore + (0.7 + 0.2·random) × (notAfter − notBefore). */
export function nextRotationDeadline(notBefore: Date, notAfter: Date, random: () => number = Math.random): Date {
  const total = notAfter.getTime() - notBefore.getTime();
  return new Date(notBefore.getTime() + total * (0.7 + 0.2 * random()));
}

/** The certificate and key blocks of a combined PEM file (kubelet-client-current.pem holds both). */
export function splitPem(pem: string): { certPem: string; keyPem: string } {
  const blocks = pem.match(/-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----\n?/g) ?? [];
  return { certPem: blocks.filter((b) => b.includes('CERTIFICATE-----')).join(''), keyPem: blocks.filter((b) => b.includes('PRIVATE KEY-----')).join('') };
}

/** Writes cert + key to one file, 0600, atomically (readers see the old pair or the new one, never half). */
export function writeCertKeyFile(file: string, certPem: string, keyPem: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, certPem.trimEnd() + '\n' + keyPem.trimEnd() + '\n', { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export interface CertificateManagerOptions {
  nodeName: string;
  /** the combined PEM file the kubeconfig's client-certificate and client-key point at */
  file: string;
  /** a client authenticating with that file (it must reload it after a rotation) */
  client: KubeClient;
  log?: (msg: string, kv?: Record<string, unknown>) => void;
  random?: () => number;
  /** per-request wait for approval and signing */
  requestTimeoutMs?: number;
}

export interface CertificateInfo {
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
}

export function readCertificateInfo(file: string): CertificateInfo {
  const { certPem } = splitPem(fs.readFileSync(file, 'utf8'));
  const c = new X509Certificate(certPem);
  return { notBefore: new Date(c.validFrom), notAfter: new Date(c.validTo), serialNumber: c.serialNumber };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export class CertificateManager {
  private rotations = 0;
  constructor(private readonly o: CertificateManagerOptions) {}

  get rotated(): number {
    return this.rotations;
  }

  /** One renewal now: a new key and a CSR as the node; the file is replaced only with an issued certificate. */
  async rotate(signal?: AbortSignal): Promise<CertificateInfo> {
    const issued = await requestNodeClientCertificate(this.o.client, {
      nodeName: this.o.nodeName,
      timeoutMs: this.o.requestTimeoutMs ?? 15 * 60_000,
      ...(signal ? { signal } : {}),
      onCreated: (name) => this.o.log?.('certificate rotation: waiting for the signed certificate', { csr: name }),
    });
    writeCertKeyFile(this.o.file, issued.certPem, issued.keyPem);
    this.rotations++;
    const info = readCertificateInfo(this.o.file);
    this.o.log?.('certificate rotation: wrote the new client certificate', { csr: issued.csrName, serial: info.serialNumber, notAfter: info.notAfter.toISOString() });
    return info;
  }

  /** Rotates at each deadline until the signal aborts; failures retry with capped exponential backoff. */
  async run(signal: AbortSignal): Promise<void> {
    const random = this.o.random ?? Math.random;
    while (!signal.aborted) {
      const cur = readCertificateInfo(this.o.file);
      const deadline = nextRotationDeadline(cur.notBefore, cur.notAfter, random);
      this.o.log?.('certificate rotation: next renewal', { at: deadline.toISOString(), notAfter: cur.notAfter.toISOString() });
      await sleep(deadline.getTime() - Date.now(), signal);
      for (let attempt = 0; !signal.aborted; attempt++) {
        try {
          await this.rotate(signal);
          break;
        } catch (e) {
          if (signal.aborted) return;
          const wait = Math.min(2_000 * 2 ** attempt, 5 * 60_000) * (0.9 + 0.2 * random());
          this.o.log?.('certificate rotation failed, retrying', { err: (e as Error).message, denied: e instanceof CsrRefused, retryInMs: Math.round(wait) });
          await sleep(wait, signal);
        }
      }
    }
  }
}
