// Token bootstrap: the agent presents the join token to the server's /kts/v1/bootstrap and receives its kubeconfig.
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { BootstrapResponse } from '@kubets/apiserver';

/** apiserver/src/bootstrap-token BOOTSTRAP_PATH (not imported: the agent does not load the API server's code). */
const BOOTSTRAP_PATH = '/kts/v1/bootstrap';

export class JoinRejected extends Error {
  constructor(public readonly status: number, public readonly serverMessage: string) {
    super(`kts agent: the server rejected the join token (${status} Unauthorized)${serverMessage ? `: ${serverMessage}` : ''}`);
  }
}

export interface BootstrapOptions {
  server: string;
  token: string;
  nodeName: string;
  /** keep retrying unreachable servers this long (ms) */
  timeoutMs: number;
  signal: AbortSignal;
  onRetry?: (err: string) => void;
}

/** Returns the kubeconfig document (YAML) the server issued. Throws JoinRejected on 401/403. */
export async function fetchKubeconfig(o: BootstrapOptions): Promise<{ yaml: string; credential: string }> {
  const url = new URL(BOOTSTRAP_PATH, o.server.replace(/\/*$/, '/'));
  url.searchParams.set('nodeName', o.nodeName);
  const deadline = Date.now() + o.timeoutMs;
  let warned = false;
  for (;;) {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${o.token}`, Accept: 'application/json' }, signal: o.signal });
    } catch (e) {
      const msg = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
      if (o.signal.aborted || Date.now() > deadline) throw new Error(`kts agent: cannot reach the server at ${o.server}: ${msg}`);
      if (!warned) o.onRetry?.(msg);
      warned = true;
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    const text = await res.text();
    if (res.status === 401 || res.status === 403) {
      let message = '';
      try {
        message = String((JSON.parse(text) as { message?: unknown }).message ?? '');
      } catch {
        /* not a Status */
      }
      throw new JoinRejected(res.status, message);
    }
    if (res.status !== 200) throw new Error(`kts agent: bootstrap from ${url.toString()} failed: HTTP ${res.status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as BootstrapResponse;
    if (body.kind !== 'BootstrapResponse' || !body.kubeconfig) throw new Error('kts agent: the server sent an unexpected bootstrap response');
    return { yaml: YAML.stringify(body.kubeconfig), credential: body.credential };
  }
}

export function writeFileAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
