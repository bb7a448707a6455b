// Test credentials: a cluster PKI in a temp dir (the same layout `kts up` writes), the API server options that
// use it, and client certificates for any identity the test wants to be.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureClusterPki, issueCertificate, type ClusterPki, type KeyPairPem } from '@kubets/client';

export interface TestPki {
  dir: string;
  pki: ClusterPki;
  /** startApiServer options: serving certificate and client CA */
  serverOptions: { tls: { certFile: string; keyFile: string }; clientCAFile: string };
  admin: KeyPairPem;
  /** a client certificate for user `name` in `groups` */
  clientCert(name: string, groups?: string[]): Promise<KeyPairPem>;
  remove(): void;
}

export async function createTestPki(dir?: string): Promise<TestPki> {
  const own = !dir;
  const d = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kts-test-pki-'));
  const pki = await ensureClusterPki(d, { hosts: [], kubernetesServiceIP: '10.96.0.1' });
  return {
    dir: d,
    pki,
    serverOptions: { tls: pki.serving, clientCAFile: pki.caFile },
    admin: pki.client('admin'),
    clientCert: (name, groups = []) => issueCertificate(pki.ca, { commonName: name, organizations: groups, usage: 'client', days: 1 }),
    remove: () => {
      if (own) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}
