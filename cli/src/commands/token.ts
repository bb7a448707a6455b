// `kts token create SERVICEACCOUNT`: a service-account token from the TokenRequest API (like `kubectl create token`).
import { RestClient, loadKubeconfig, parseFlags, parseDuration, usage, str, bool, list, type FlagSpec } from '@kubets/client';

const specs: Record<string, FlagSpec> = {
  namespace: { type: 'string', default: '', help: 'namespace of the service account (default: the context\'s)' },
  n: { type: 'string', default: '', help: 'short for --namespace' },
  duration: { type: 'string', default: '', help: 'requested lifetime, e.g. 1h (the server may shorten it; at least 10m)' },
  audience: { type: 'list', default: [], help: 'audiences of the token (repeatable)' },
  kubeconfig: { type: 'string', default: '', help: 'path to a kubeconfig' },
  help: { type: 'bool', default: false, help: 'show this help' },
};

interface TokenRequestStatus {
  status?: { token?: string; expirationTimestamp?: string };
}

export async function token(argv: string[], signal: AbortSignal): Promise<number> {
  const { values, args } = parseFlags(argv, specs);
  if (bool(values.help) || args[0] !== 'create' || !args[1]) {
    console.log(usage('token create SERVICEACCOUNT', 'Request a service account token (TokenRequest API).', specs));
    return bool(values.help) ? 0 : 1;
  }
  const cfg = loadKubeconfig(str(values.kubeconfig) || undefined);
  const ns = str(values.namespace) || str(values.n) || cfg.namespace;
  const spec: Record<string, unknown> = {};
  const audiences = list(values.audience);
  if (audiences.length) spec.audiences = audiences;
  if (str(values.duration)) spec.expirationSeconds = Math.round(parseDuration(str(values.duration)) / 1000);
  const client = new RestClient(cfg.config);
  try {
    const res = await client.request<TokenRequestStatus>({
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(args[1])}/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec },
      signal,
    });
    if (!res.status?.token) throw new Error('the server returned no token');
    console.log(res.status.token);
    return 0;
  } catch (e) {
    const st = (e as { status?: { reason?: string; message?: string } }).status;
    console.error(st ? `Error from server (${st.reason}): ${st.message}` : `error: ${(e as Error).message}`);
    return 1;
  } finally {
    client.close();
  }
}
