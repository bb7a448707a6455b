// GET|POST /kts/v1/bootstrap: an agent presents the join token (`Authorization: Bearer <token>`) and receives the
// kubeconfig it runs its node components with. A missing or wrong token gets 401 with a Status body.
//
// The credential in that kubeconfig: with a service-account signing key (the apiserver has one whenever it has a
// data dir) it is a signed JWT naming the node (sub system:serviceaccount:kube-system:kts-node-<name>, a
// kubernetes.io.node claim, audience "kts-node"); without one it is the join token itself. The API server does not
// authenticate requests yet, so today either credential is only carried, not checked.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, isDNS1123Subdomain } from '@kubets/api';
import { buildKubeconfig, type TokenSigner } from '@kubets/client';
import { writeJson, writeStatus } from '../http/errors';
import { readJoinToken, tokensEqual } from './token';

export const BOOTSTRAP_PATH = '/kts/v1/bootstrap';
/** A year: node credentials outlive restarts; rotate by changing the join token and re-joining. */
const NODE_TOKEN_SECONDS = 365 * 24 * 3600;

export interface BootstrapDeps {
  /** The apiserver's data dir (the token is <dataDir>/server/token). */
  dataDir: string | undefined;
  signer: TokenSigner | undefined;
  /** Used when the request has no Host header. */
  serverAddress: string;
}

export interface BootstrapResponse {
  apiVersion: 'kts.dev/v1';
  kind: 'BootstrapResponse';
  /** "signed-node-token" or "join-token" */
  credential: string;
  kubeconfig: ReturnType<typeof buildKubeconfig>;
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

function nodeNameOf(url: URL): string {
  const n = (url.searchParams.get('nodeName') ?? '').toLowerCase();
  return n && isDNS1123Subdomain(n) ? n : '';
}

export async function handleBootstrap(req: IncomingMessage, res: ServerResponse, url: URL, deps: BootstrapDeps): Promise<void> {
  req.resume();
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') {
    writeStatus(res, errors.methodNotAllowed('the bootstrap endpoint accepts GET and POST'));
    return;
  }
  const expected = deps.dataDir ? readJoinToken(deps.dataDir) : undefined;
  const presented = bearer(req);
  if (!expected) {
    writeStatus(res, errors.unauthorized('node bootstrap is disabled: this server has no join token (start it with `kts server`)'));
    return;
  }
  if (!presented || !tokensEqual(presented, expected)) {
    writeStatus(res, errors.unauthorized(presented ? 'invalid join token' : 'a join token is required (Authorization: Bearer <token>)'));
    return;
  }
  const nodeName = nodeNameOf(url);
  let credential = 'join-token';
  let token = expected;
  if (deps.signer) {
    const who = nodeName || 'unnamed';
    token = deps.signer.sign({
      namespace: 'kube-system',
      serviceAccountName: `kts-node-${who}`.slice(0, 253),
      serviceAccountUID: '',
      ...(nodeName ? { node: { name: nodeName, uid: '' } } : {}),
      audiences: ['kts-node'],
      expirationSeconds: NODE_TOKEN_SECONDS,
    }).token;
    credential = 'signed-node-token';
  }
  const host = req.headers.host || deps.serverAddress;
  const body: BootstrapResponse = {
    apiVersion: 'kts.dev/v1',
    kind: 'BootstrapResponse',
    credential,
    kubeconfig: buildKubeconfig({ server: `http://${host}`, token, userName: nodeName ? `system:node:${nodeName}` : 'kts-node', namespace: 'default' }),
  };
  writeJson(res, 200, body);
}
