// --token-auth-file: a CSV of token,user,uid[,"group1,group2"], as kube-apiserver reads it.
import * as fs from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import type { UserInfo } from '../types';
import type { TokenAuthenticator } from './authenticator';

/** One CSV record with quoted fields ("a,b" stays one field). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((f) => f.trim());
}

export function parseTokenFile(text: string, file = 'token file'): Map<string, UserInfo> {
  const users = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const f = csvFields(line);
    if (f.length < 3 || !f[0] || !f[1]) throw new Error(`${file}, line ${i + 1}: token, user name and uid are required`);
    const groups = f[3] ? f[3].split(',').map((g) => g.trim()).filter(Boolean) : [];
    users.set(f[0], { name: f[1], uid: f[2] ?? '', groups });
  });
  return users;
}

export function tokenFileAuthenticator(file: string): TokenAuthenticator {
  const users = parseTokenFile(fs.readFileSync(file, 'utf8'), file);
  const entries = [...users.entries()].map(([t, u]) => ({ token: Buffer.from(t), user: u }));
  return {
    name: 'token-file',
    authenticateToken(token) {
      const b = Buffer.from(token);
      // constant-time per candidate, so timing says nothing about which prefix matched
      for (const e of entries) if (e.token.length === b.length && timingSafeEqual(e.token, b)) return e.user;
      return undefined;
    },
  };
}
