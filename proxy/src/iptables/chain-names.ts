// Chain names as kube-proxy builds them: a prefix plus the first 16 characters of the base32 SHA-256
// of the service port name and protocol (and endpoint), so names are stable across restarts.
import { createHash } from 'node:crypto';
import { servicePortName, type ServicePort } from '../model/service-port';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(buf: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function hash16(...parts: string[]): string {
  return base32(createHash('sha256').update(parts.join('')).digest()).slice(0, 16);
}

type SP = Pick<ServicePort, 'namespace' | 'name' | 'portName' | 'protocol'>;
const key = (sp: SP) => servicePortName(sp) + sp.protocol.toLowerCase();

export const chainNames = {
  svc: (sp: SP) => `KUBE-SVC-${hash16(key(sp))}`,
  /** local endpoints only (internal/externalTrafficPolicy Local) */
  svl: (sp: SP) => `KUBE-SVL-${hash16(key(sp))}`,
  ext: (sp: SP) => `KUBE-EXT-${hash16(key(sp))}`,
  sep: (sp: SP, endpoint: string) => `KUBE-SEP-${hash16(servicePortName(sp), sp.protocol.toLowerCase(), endpoint)}`,
};

/** Chains kube-proxy owns whose names are generated (flushed and deleted when stale). */
export function isGeneratedChain(name: string): boolean {
  return /^KUBE-(SVC|SVL|EXT|SEP|FW)-[A-Z2-7]{16}$/.test(name);
}
