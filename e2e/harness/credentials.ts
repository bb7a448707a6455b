// Which identity raw e2e requests use for a server: the harness registers the admin credentials of each API
// server it starts, and call()/apiFetch() pick them by URL, so a test body never handles certificates itself.
import { fetchAs, type Credentials, type TestFetch } from '@kubets/apiserver/testing/https-fetch';

export type { Credentials, TestFetch };

const byOrigin = new Map<string, TestFetch>();

export function registerCredentials(url: string, creds: Credentials): TestFetch {
  const origin = new URL(url).origin;
  void byOrigin.get(origin)?.close();
  const f = fetchAs(creds);
  byOrigin.set(origin, f);
  return f;
}

export function forgetCredentials(url: string): void {
  const origin = new URL(url).origin;
  void byOrigin.get(origin)?.close();
  byOrigin.delete(origin);
}

/** fetch() with the admin credentials registered for the URL's server (plain fetch for other URLs). */
export function apiFetch(url: string, init: Parameters<TestFetch>[1] = {}): ReturnType<TestFetch> {
  const f = byOrigin.get(new URL(url).origin);
  if (!f) throw new Error(`no credentials registered for ${url}: start the server through the e2e harness`);
  return f(url, init);
}
