// The kubelet's serving certificate through the CSR API (pkg/kubelet/certificate/kubelet.go
// NewKubeletServerCertificateManager, --rotate-server-certificates): CN system:node:<name>, O system:nodes, SANs =
// the host names and IPs of the Node status the kubelet last wrote, signer kubernetes.io/kubelet-serving. The pair
// is kept in <cert-dir>/kubelet-server-current.pem (reused after a restart while valid) and handed to the server
// (setSecureContext: new handshakes get it, open connections keep theirs). Renewal at 70–90% of the lifetime.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { KubeletServingSignerName } from '@kubets/api';
import { realClock, type Clock, type KubeClient } from '@kubets/client';
import { requestCertificate, CsrRefused } from './csr';
import { nextRotationDeadline, splitPem, writeCertKeyFile, type CertificateInfo } from './manager';

export const kubeletServingUsages = ['digital signature', 'key encipherment', 'server auth'];

export const servingCertFileName = 'kubelet-server-current.pem';

export interface NodeAddressLike {
  type: string;
  address: string;
}

/** addressesToHostnamesAndIPs: host names from Hostname/InternalDNS/ExternalDNS, IPs from InternalIP/ExternalIP. */
export function servingHosts(addresses: readonly NodeAddressLike[]): string[] {
  const dns = addresses.filter((a) => a.type === 'Hostname' || a.type === 'InternalDNS' || a.type === 'ExternalDNS');
  const ips = addresses.filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP');
  return [...new Set([...dns, ...ips].map((a) => a.address).filter((a) => a !== ''))];
}

export interface ServingPair {
  certPem: string;
  keyPem: string;
  info: CertificateInfo;
}

export interface ServingCertificateManagerOptions {
  nodeName: string;
  /** the kubelet's client (as system:node:<name>: the approver checks the requester is the node) */
  client: KubeClient;
  /** the addresses of the Node status the kubelet last wrote; empty until the first status */
  addresses: () => readonly NodeAddressLike[] | undefined;
  /** --cert-dir */
  certDir: string;
  /** serves the pair (throws when the server refuses it) */
  install: (certPem: string, keyPem: string) => void;
  clock?: Clock;
  random?: () => number;
  log?: (msg: string, kv?: Record<string, unknown>) => void;
  /**
   * Per request wait for approval and signing. Default: 30 s doubling per failed attempt up to upstream's 15
   * minutes — the approver judges a request once, against the Node it has seen, so one made before its informer
   * saw the first status would wait forever; a new request gets a new judgement.
   */
  requestTimeoutMs?: number;
}

export class ServingCertificateManager {
  readonly file: string;
  private readonly clock: Clock;
  private next: Date | undefined;
  private rotations = 0;

  constructor(private readonly o: ServingCertificateManagerOptions) {
    this.file = path.join(o.certDir, servingCertFileName);
    this.clock = o.clock ?? realClock;
  }

  /** When the next renewal is due (after run() has read the current certificate). */
  get nextRotation(): Date | undefined {
    return this.next;
  }

  get rotated(): number {
    return this.rotations;
  }

  /** The stored pair when it is still valid and names exactly this node's current addresses (or none known yet). */
  current(): ServingPair | undefined {
    let pem: string;
    try {
      pem = fs.readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const { certPem, keyPem } = splitPem(pem);
      const c = new X509Certificate(certPem);
      const info = { notBefore: new Date(c.validFrom), notAfter: new Date(c.validTo), serialNumber: c.serialNumber };
      if (!keyPem || info.notAfter.getTime() <= this.clock.now()) return undefined;
      return { certPem, keyPem, info };
    } catch {
      return undefined;
    }
  }

  /** One request now: a new key and a CSR for the node's current names and addresses; installed once issued. */
  async rotate(signal?: AbortSignal, timeoutMs = this.o.requestTimeoutMs ?? 15 * 60_000): Promise<ServingPair> {
    const hosts = servingHosts(this.o.addresses() ?? []);
    if (hosts.length === 0) throw new Error('no node addresses known yet for the serving certificate');
    const issued = await requestCertificate(this.o.client, {
      nodeName: this.o.nodeName,
      generateName: 'csr-',
      signerName: KubeletServingSignerName,
      usages: kubeletServingUsages,
      hosts,
      timeoutMs,
      ...(signal ? { signal } : {}),
      onCreated: (name) => this.o.log?.('serving certificate: waiting for the signed certificate', { csr: name, hosts }),
    });
    this.o.install(issued.certPem, issued.keyPem);
    writeCertKeyFile(this.file, issued.certPem, issued.keyPem);
    this.rotations++;
    const pair = this.current();
    if (!pair) throw new Error(`the issued serving certificate (${issued.csrName}) is not valid now`);
    this.o.log?.('serving certificate: serving the new certificate', { csr: issued.csrName, serial: pair.info.serialNumber, notAfter: pair.info.notAfter.toISOString() });
    return pair;
  }

  /**
   * Requests a certificate when none is stored (waiting for the node's addresses first), then renews at each
   * deadline until the signal aborts; failures retry with capped exponential backoff.
   */
  async run(signal: AbortSignal): Promise<void> {
    const random = this.o.random ?? Math.random;
    let cur = this.current();
    while (!signal.aborted) {
      if (cur) {
        this.next = nextRotationDeadline(cur.info.notBefore, cur.info.notAfter, random);
        this.o.log?.('serving certificate: next renewal', { at: this.next.toISOString(), notAfter: cur.info.notAfter.toISOString() });
        await this.sleep(this.next.getTime() - this.clock.now(), signal);
      }
      for (let attempt = 0; !signal.aborted; attempt++) {
        try {
          cur = await this.rotate(signal, this.o.requestTimeoutMs ?? Math.min(30_000 * 2 ** attempt, 15 * 60_000));
          break;
        } catch (e) {
          if (signal.aborted) return;
          const wait = Math.min(1_000 * 2 ** attempt, 5 * 60_000) * (0.9 + 0.2 * random());
          this.o.log?.('serving certificate request failed, retrying', { err: (e as Error).message, denied: e instanceof CsrRefused, retryInMs: Math.round(wait) });
          await this.sleep(wait, signal);
        }
      }
    }
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        this.clock.clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = this.clock.setTimeout(done, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
