// `kts status`: what runs on a data dir (the `kts up` pid, the API server's address) and every certificate's expiry.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bool, parseFlags, str, usage, type FlagSpec } from '@kubets/client';
import { list as listCertificates } from './certificate';

const specs: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: path.join(process.env.HOME ?? '/root', '.kts'), help: 'data dir of `kts up` / `kts server` (or an agent)' },
  help: { type: 'bool', default: false, help: 'show this help' },
};

export function statusUsage(): string {
  return usage('status', 'Show whether kts runs on a data dir, where its API server is, and every certificate with its expiry.', specs);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function status(argv: string[]): number {
  const { values } = parseFlags(argv, specs);
  if (bool(values.help)) {
    console.log(statusUsage());
    return 0;
  }
  const dataDir = path.resolve(str(values['data-dir']));
  if (!fs.existsSync(dataDir)) {
    console.error(`kts status: no data dir at ${dataDir}`);
    return 1;
  }
  const pidFile = path.join(dataDir, 'kts.pid');
  const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0;
  console.log(`data dir:   ${dataDir}`);
  console.log(`kts up:     ${pid && alive(pid) ? `running (pid ${pid})` : 'not running'}`);
  const kubeconfig = path.join(dataDir, 'kubeconfig');
  const server = fs.existsSync(kubeconfig) ? /server:\s*(\S+)/.exec(fs.readFileSync(kubeconfig, 'utf8'))?.[1] : undefined;
  if (server) console.log(`API server: ${server} (kubeconfig ${kubeconfig})`);
  console.log('');
  return listCertificates(dataDir);
}
