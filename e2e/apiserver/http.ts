// Raw HTTP helpers for apiserver e2e tests (as the admin the harness registered for that server).
import { apiFetch } from '../harness/credentials';
export interface HttpResult {
  code: number;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
  headers: { get(name: string): string | null };
}

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const r = await apiFetch(base + path, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' || Buffer.isBuffer(body) ? (body as string) : JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { code: r.status, json, text, headers: r.headers };
}
