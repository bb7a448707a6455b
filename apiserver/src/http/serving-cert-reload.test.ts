import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCA, issueCertificate } from '@kubets/client';
import { reloadServingCertOnChange } from './serving-cert-reload';

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(cond()).toBe(true);
}

it('hands a new matching pair to setSecureContext and ignores a half-written one', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-reload-'));
  try {
    const ca = await createCA('reload-ca');
    const a = await issueCertificate(ca, { commonName: 'a', hosts: ['127.0.0.1'], usage: 'server' });
    const b = await issueCertificate(ca, { commonName: 'b', hosts: ['127.0.0.1'], usage: 'server' });
    const files = { certFile: path.join(dir, 'apiserver.crt'), keyFile: path.join(dir, 'apiserver.key') };
    fs.writeFileSync(files.certFile, a.certPem);
    fs.writeFileSync(files.keyFile, a.keyPem);
    const got: Array<{ cert: string; key: string; ca?: string }> = [];
    const stop = reloadServingCertOnChange(files, ca.certPem, { setSecureContext: (o) => got.push(o) }, undefined, 20);
    try {
      fs.writeFileSync(files.certFile, b.certPem); // the key is still a's: no reload yet
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual([]);
      fs.writeFileSync(files.keyFile, b.keyPem);
      await until(() => got.length === 1);
      expect(got[0]).toEqual({ cert: b.certPem, key: b.keyPem, ca: ca.certPem });
    } finally {
      stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 20_000);
