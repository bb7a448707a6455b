// fetch() as a given identity: undici's fetch with an Agent that trusts the cluster CA and presents a client
// certificate or a bearer token (the global fetch cannot present client certificates). Tests only.
import { Agent, fetch as undiciFetch, type RequestInit, type Response } from 'undici';

export interface Credentials {
  ca: string;
  cert?: string;
  key?: string;
  token?: string;
}

export type TestFetch = ((url: string, init?: RequestInit) => Promise<Response>) & { close(): Promise<void> };

export function fetchAs(creds: Credentials): TestFetch {
  const agent = new Agent({ connect: { ca: creds.ca, ...(creds.cert && creds.key ? { cert: creds.cert, key: creds.key } : {}) } });
  const f = (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers as ConstructorParameters<typeof Headers>[0]);
    if (creds.token && !headers.has('authorization')) headers.set('Authorization', `Bearer ${creds.token}`);
    return undiciFetch(url, { ...init, headers: [...headers.entries()], dispatcher: agent });
  };
  // destroy, not close: a test may leave a watch open, and close() would wait for it to end
  return Object.assign(f, { close: () => agent.destroy() });
}
