// The serving certificate follows its files (kube-apiserver's dynamic serving content, k3s' dynamiclistener): when
// `kts certificate rotate` or `kts up --nodes` reissues apiserver.crt/.key, new TLS handshakes use the new pair and
// open connections keep theirs. A half-written or mismatched pair is ignored until the files agree again.
import * as fs from 'node:fs';
import { keyMatchesCertificate } from '@kubets/client';
import type { ServingTlsOptions } from './tls';

export interface SecureContextTarget {
  setSecureContext(options: { cert: string; key: string; ca?: string }): void;
}

/** Polls the two files (stat, every intervalMs); returns a stop function. */
export function reloadServingCertOnChange(files: ServingTlsOptions, clientCaPem: string | undefined, server: SecureContextTarget, onReload: (e?: Error) => void = () => undefined, intervalMs = 1000): () => void {
  let last = '';
  const stamp = () => [files.certFile, files.keyFile].map((f) => fs.statSync(f, { throwIfNoEntry: false })).map((s) => (s ? `${s.ino}:${s.size}:${s.mtimeMs}` : '-')).join('|');
  last = stamp();
  const timer = setInterval(() => {
    const now = stamp();
    if (now === last) return;
    try {
      const cert = fs.readFileSync(files.certFile, 'utf8');
      const key = fs.readFileSync(files.keyFile, 'utf8');
      if (!keyMatchesCertificate(cert, key)) return; // the other half is still being written: look again next tick
      server.setSecureContext({ cert, key, ...(clientCaPem ? { ca: clientCaPem } : {}) });
      last = now;
      onReload();
    } catch (e) {
      onReload(e as Error);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
