// `kts down`: stops the `kts up` running on a data dir (SIGTERM, then wait for it to exit).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseFlags, usage, str, bool } from '@kubets/client';
import { upFlags } from './options';
import { isAlive } from './up';

const downFlags = { 'data-dir': upFlags['data-dir']!, help: upFlags.help! };

export function downUsage(): string {
  return usage('down', 'Stop the cluster started by `kts up` on a data dir. State is kept.', downFlags);
}

export async function down(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, downFlags);
  if (bool(values.help)) {
    console.log(downUsage());
    return 0;
  }
  const pidFile = path.join(path.resolve(str(values['data-dir'])), 'kts.pid');
  if (!fs.existsSync(pidFile)) {
    console.log('no cluster is running on this data dir');
    return 0;
  }
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  if (!(pid > 0) || !isAlive(pid)) {
    fs.rmSync(pidFile, { force: true });
    console.log('no cluster is running on this data dir (removed a stale pid file)');
    return 0;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) {
    console.error(`kts (pid ${pid}) did not stop within 60s`);
    return 1;
  }
  console.log(`stopped kts (pid ${pid})`);
  return 0;
}
