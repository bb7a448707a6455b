// Test helper: a real etcd per test file, on free ports and a temp data dir, removed afterwards.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmbeddedEtcd, type EmbeddedEtcd } from '@kubets/apiserver/etcd/embedded';
import { freePort } from '@kubets/apiserver/etcd/ports';

export interface TestEtcd {
  endpoint: string;
  dir: string;
  etcd: EmbeddedEtcd;
  /** Stops etcd and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Starts etcd in a fresh temp dir; retries with new ports if another process grabbed them first. */
export async function startTestEtcd(): Promise<TestEtcd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kts-etcd-'));
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const clientPort = await freePort();
    const peerPort = await freePort();
    const dataDir = path.join(dir, `data-${attempt}`);
    try {
      const etcd = await startEmbeddedEtcd({ dataDir, clientPort, peerPort, logFile: path.join(dir, 'etcd.log') });
      let stopped = false;
      return {
        endpoint: etcd.endpoint,
        dir,
        etcd,
        async stop() {
          if (stopped) return;
          stopped = true;
          await etcd.stop();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (e) {
      lastErr = e;
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw lastErr;
}

/**
 * Registers beforeAll/afterAll hooks for one etcd shared by a test file. The returned getter is valid
 * inside tests: `const etcd = withEtcd(); it('…', () => etcd().endpoint)`.
 */
export function withEtcd(): () => TestEtcd {
  let current: TestEtcd | undefined;
  beforeAll(async () => {
    current = await startTestEtcd();
  }, 60_000);
  afterAll(async () => {
    await current?.stop();
  }, 60_000);
  return () => {
    if (!current) throw new Error('withEtcd(): etcd is not running (use it inside tests)');
    return current;
  };
}
