// Tests that program the host's own KUBE-* iptables chains (the proxy test, and `kts up` whose node runs a proxy)
// must not overlap: each full sync rewrites KUBE-SERVICES. A lock directory serialises them across jest workers.
import * as fs from 'node:fs';

const LOCK = '/run/kts-e2e-host-iptables.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for the lock (taking over one whose holder died); returns the release function. */
export async function lockHostIptables(timeoutMs = 300_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      fs.writeFileSync(`${LOCK}/pid`, String(process.pid));
      return () => fs.rmSync(LOCK, { recursive: true, force: true });
    } catch {
      let holder = 0;
      try {
        holder = Number(fs.readFileSync(`${LOCK}/pid`, 'utf8'));
      } catch {
        /* being created or removed */
      }
      if (holder > 0 && !alive(holder)) fs.rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
