// `kts explain pod NAME`: why a pod is pending, or why it landed where it did, from the scheduler's last
// decision for it (per node: the filter that rejected it; on the top nodes: each plugin's score).
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import { formatExplanation, explainPath } from '@kubets/scheduler';
import { parseFlags, usage, str, bool, loadKubeconfig, type FlagSpec } from '@kubets/client';
import { readEndpoint } from '../up/components';

const specs: Record<string, FlagSpec> = {
  namespace: { type: 'string', default: '', help: 'the pod\'s namespace (default: the kubeconfig context\'s)' },
  n: { type: 'string', default: '', help: 'short for --namespace' },
  kubeconfig: { type: 'string', default: '', help: 'kubeconfig, for the default namespace' },
  'scheduler-url': { type: 'string', default: '', help: 'the scheduler\'s HTTP address (default: the one `kts up` recorded, else http://127.0.0.1:10259)' },
  'data-dir': { type: 'string', default: path.join(os.homedir(), '.kts'), help: 'the `kts up` data dir' },
  help: { type: 'bool', default: false, help: 'show this help' },
};

function getJson(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

export function explainUsage(): string {
  return usage('explain pod NAME', 'Show why a pod is pending, or why it was placed on its node.', specs);
}

export async function explain(argv: string[]): Promise<number> {
  const { values, args } = parseFlags(argv, specs);
  if (bool(values.help) || args[0] !== 'pod' || !args[1]) {
    console.log(explainUsage());
    return bool(values.help) ? 0 : 1;
  }
  let ns = str(values.namespace) || str(values.n);
  if (!ns) {
    try {
      ns = loadKubeconfig(str(values.kubeconfig) || undefined).namespace;
    } catch {
      ns = 'default';
    }
  }
  const base = str(values['scheduler-url']) || readEndpoint(str(values['data-dir']), 'scheduler') || 'http://127.0.0.1:10259';
  const res = await getJson(base + explainPath(ns, args[1]));
  if (res.status === 404) {
    console.error(`the scheduler has no decision recorded for pod ${ns}/${args[1]} (it was not scheduled by this scheduler, or not since it started)`);
    return 1;
  }
  if (res.status !== 200) {
    console.error(`scheduler answered ${res.status}: ${res.body}`);
    return 1;
  }
  console.log(formatExplanation(JSON.parse(res.body)));
  return 0;
}
