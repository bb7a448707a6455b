// Join tokens for `kts server` / `kts agent` (like k3s's server token or kubeadm's bootstrap tokens):
// `kts-<id>.<secret>` with a 6-hex-digit id and 32 random bytes of hex secret, kept in <data-dir>/server/token.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const TOKEN_PATTERN = /^kts-[0-9a-f]{6}\.[0-9a-f]{64}$/;

export function tokenFile(dataDir: string): string {
  return path.join(dataDir, 'server', 'token');
}

export function generateJoinToken(): string {
  return `kts-${randomBytes(3).toString('hex')}.${randomBytes(32).toString('hex')}`;
}

/** Reads the join token; undefined when there is none (the bootstrap endpoint then refuses everyone). */
export function readJoinToken(dataDir: string): string | undefined {
  try {
    const t = fs.readFileSync(tokenFile(dataDir), 'utf8').trim();
    return t || undefined;
  } catch {
    return undefined;
  }
}

/** The token on the data dir, created (mode 0600) on first use. */
export function loadOrCreateJoinToken(dataDir: string): { token: string; created: boolean } {
  const existing = readJoinToken(dataDir);
  if (existing) return { token: existing, created: false };
  const file = tokenFile(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = generateJoinToken();
  fs.writeFileSync(file, token + '\n', { mode: 0o600 });
  return { token, created: true };
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
