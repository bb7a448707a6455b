// The kubelet's --root-dir holds every pod's volumes (secrets included) and the runtime socket: root only.
import * as fs from 'node:fs';

/** Creates the root dir 0700 (parents too); warns when an existing one is open to other users. */
export function ensureRootDir(dir: string, log: { warn(msg: string, kv?: Record<string, unknown>): void }): void {
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = fs.statSync(dir).mode & 0o777;
  if (mode & 0o007) log.warn('kubelet root dir is accessible to other users; 0700 is recommended', { rootDir: dir, mode: mode.toString(8) });
}
