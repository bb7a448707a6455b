// `kts certificate list|rotate` (k3s' `certificate check|rotate`): the cluster's certificates on a data dir.
//   list    every certificate under <data-dir>/tls and the nodes' client certificates, with expiry
//   rotate  reissue the control-plane certificates from the CA (the CA itself stays): the running API server
//           serves the new certificate within a second; the kubeconfigs get the new client certificates, which
//           components use from their next start (the old ones stay valid until they expire)
// `kts certificate approve|deny` stay kubectl's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { controlPlaneIdentities, describeCertificate, issueCertificate, parseFlags, usage, str, bool, writePrivateFile, type ControlPlaneIdentity, type FlagSpec } from '@kubets/client';

const specs: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: '/var/lib/kts', help: 'data dir of `kts server` / `kts up` (or of an agent, for list)' },
  help: { type: 'bool', default: false, help: 'show this help' },
};

interface Found {
  name: string;
  file: string;
}

function walk(dir: string, out: string[], depth = 0): void {
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth < 5 && !['etcd', 'kubelet', 'runtime'].includes(e.name)) walk(p, out, depth + 1);
    else if (e.isFile() && (/\.crt$/.test(e.name) || /^kubelet-client-current\.pem$/.test(e.name))) out.push(p);
  }
}

export function findCertificates(dataDir: string): Found[] {
  const files: string[] = [];
  walk(dataDir, files);
  return files.sort().map((file) => ({ name: path.relative(dataDir, file), file }));
}

function residual(ms: number): string {
  if (ms <= 0) return 'expired';
  const d = Math.floor(ms / 86_400_000);
  if (d >= 2) return `${d}d`;
  const h = Math.floor(ms / 3_600_000);
  return h >= 1 ? `${h}h` : `${Math.max(1, Math.floor(ms / 60_000))}m`;
}

/** Every certificate under the data dir with its subject and expiry (also part of `kts status`). */
export function list(dataDir: string): number {
  const rows = [['CERTIFICATE', 'SUBJECT', 'EXPIRES', 'RESIDUAL TIME']];
  for (const f of findCertificates(dataDir)) {
    try {
      const c = describeCertificate(fs.readFileSync(f.file, 'utf8'));
      rows.push([f.name, [c.commonName, ...c.organizations.map((o) => `O=${o}`)].join(' '), c.notAfter.toISOString(), residual(c.notAfter.getTime() - Date.now())]);
    } catch (e) {
      rows.push([f.name, `unreadable: ${(e as Error).message}`, '', '']);
    }
  }
  if (rows.length === 1) {
    console.error(`no certificates under ${dataDir}`);
    return 1;
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('   ').trimEnd());
  return 0;
}

/** Replaces the client certificate in a kubeconfig written with embedded data (kts' own kubeconfigs). */
function updateKubeconfig(file: string, certPem: string, keyPem: string): void {
  if (!fs.existsSync(file)) return;
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as { users?: Array<{ user?: Record<string, string> }> };
  for (const u of doc.users ?? []) {
    if (!u.user?.['client-certificate-data']) continue;
    u.user['client-certificate-data'] = Buffer.from(certPem).toString('base64');
    u.user['client-key-data'] = Buffer.from(keyPem).toString('base64');
  }
  writePrivateFile(file, stringifyYaml(doc));
}

async function rotate(dataDir: string): Promise<number> {
  const tls = path.join(dataDir, 'tls');
  const read = (f: string) => fs.readFileSync(path.join(tls, f), 'utf8');
  let ca: { certPem: string; keyPem: string };
  try {
    ca = { certPem: read('ca.crt'), keyPem: read('ca.key') };
  } catch {
    console.error(`error: no cluster CA under ${tls} (run it on the server, with its --data-dir)`);
    return 1;
  }
  const write = (name: string, pair: { certPem: string; keyPem: string }) => {
    // key first: the API server reloads only when the two files match again
    writePrivateFile(path.join(tls, `${name}.key`), pair.keyPem);
    fs.writeFileSync(path.join(tls, `${name}.crt.tmp`), pair.certPem, { mode: 0o644 });
    fs.renameSync(path.join(tls, `${name}.crt.tmp`), path.join(tls, `${name}.crt`));
    const c = describeCertificate(pair.certPem);
    console.log(`rotated ${name}.crt (${c.commonName}), expires ${c.notAfter.toISOString()}`);
  };
  const serving = describeCertificate(read('apiserver.crt'));
  write('apiserver', await issueCertificate(ca, { commonName: serving.commonName || 'kube-apiserver', hosts: serving.hosts, usage: 'server' }));
  for (const [name, id] of Object.entries(controlPlaneIdentities) as [ControlPlaneIdentity, (typeof controlPlaneIdentities)[ControlPlaneIdentity]][]) {
    const pair = await issueCertificate(ca, { commonName: id.commonName, organizations: [...id.organizations], usage: 'client' });
    write(name, pair);
    updateKubeconfig(path.join(tls, `${name}.kubeconfig`), pair.certPem, pair.keyPem);
    if (name === 'admin') updateKubeconfig(path.join(dataDir, 'kubeconfig'), pair.certPem, pair.keyPem);
  }
  console.log('The API server serves the new certificate now; restart the server for its components to use their new client certificates.');
  return 0;
}

export function certificateUsage(): string {
  return usage('certificate list|rotate', 'List the cluster\'s certificates and their expiry, or reissue the control-plane certificates from the CA.', specs);
}

export async function certificate(argv: string[]): Promise<number> {
  const { values, args } = parseFlags(argv, specs);
  const dataDir = path.resolve(str(values['data-dir']));
  if (bool(values.help) || (args[0] !== 'list' && args[0] !== 'rotate')) {
    console.log(certificateUsage());
    return bool(values.help) ? 0 : 1;
  }
  return args[0] === 'list' ? list(dataDir) : rotate(dataDir);
}
