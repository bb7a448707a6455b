// Reading manifests for -f: a file, a directory (.yaml/.yml/.json), or "-" (stdin); YAML multi-doc, JSON, Lists.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { parseAllDocuments } from 'yaml';

type J = Record<string, unknown>;

async function readStream(r: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks).toString('utf8');
}

function flatten(v: unknown, out: J[]): void {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return;
  const o = v as J;
  if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
    for (const it of o.items) flatten(it, out);
    return;
  }
  out.push(o);
}

export function parseManifests(text: string, source: string): J[] {
  const out: J[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`error parsing ${source}: ${doc.errors[0]!.message}`);
    flatten(doc.toJS(), out);
  }
  for (const o of out) {
    if (!o.apiVersion || !o.kind) throw new Error(`error validating "${source}": error validating data: ${!o.apiVersion ? 'apiVersion not set' : 'kind not set'}`);
  }
  return out;
}

export async function readManifests(files: string[], stdin: Readable): Promise<Array<{ obj: J; source: string }>> {
  if (files.length === 0) throw new Error('must specify one of -f and -k');
  const out: Array<{ obj: J; source: string }> = [];
  const add = (text: string, source: string) => out.push(...parseManifests(text, source).map((obj) => ({ obj, source })));
  for (const f of files) {
    if (f === '-') {
      add(await readStream(stdin), 'STDIN');
      continue;
    }
    if (!fs.existsSync(f)) throw new Error(`the path "${f}" does not exist`);
    if (fs.statSync(f).isDirectory()) {
      for (const e of fs.readdirSync(f).sort()) if (/\.(ya?ml|json)$/.test(e)) add(fs.readFileSync(path.join(f, e), 'utf8'), path.join(f, e));
    } else add(fs.readFileSync(f, 'utf8'), f);
  }
  return out;
}
