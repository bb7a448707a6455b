// GET /openapi/v2 as kube-openapi's handler serves it: JSON by default, gnostic protobuf when the Accept header
// names it (both the deprecated "@v1.0" and the ".v1.0" spelling; the reply always uses the latter), one ETag (the
// JSON's SHA-512) for both forms with If-None-Match → 304, and gzip when the client accepts it. The document is
// built on first use and kept.
import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import { gzipSync } from 'node:zlib';
import { errors, type KindDef } from '@kubets/api';
import { buildOpenAPIV2 } from './v2';
import { encodeOpenAPIV2Proto } from './v2-proto';

export const openAPIV2ProtoType = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const acceptedProto = ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', openAPIV2ProtoType];

interface Variant {
  body: Buffer;
  gzip: Buffer;
}

/** Which form the Accept header asks for: the first acceptable media range wins (kubectl sends just one). */
export function negotiateOpenAPIV2(accept: string | undefined): 'json' | 'proto' | undefined {
  if (!accept) return 'json';
  for (const part of accept.split(',')) {
    const media = (part.split(';')[0] ?? '').trim().toLowerCase();
    if (acceptedProto.includes(media)) return 'proto';
    if (media === 'application/json' || media === 'application/*' || media === '*/*') return 'json';
  }
  return undefined;
}

export class OpenAPIV2Service {
  private built?: { json: Variant; proto: Variant; etag: string; lastModified: string };
  constructor(private readonly kinds: KindDef[]) {}

  private build(): NonNullable<OpenAPIV2Service['built']> {
    if (this.built) return this.built;
    const doc = buildOpenAPIV2(this.kinds);
    const json = Buffer.from(JSON.stringify(doc));
    const proto = Buffer.from(encodeOpenAPIV2Proto(doc));
    this.built = {
      json: { body: json, gzip: gzipSync(json) },
      proto: { body: proto, gzip: gzipSync(proto) },
      etag: `"${createHash('sha512').update(json).digest('hex').toUpperCase()}"`,
      lastModified: new Date().toUTCString(),
    };
    return this.built;
  }

  serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const form = negotiateOpenAPIV2(req.headers.accept);
    if (!form) throw errors.notAcceptable(`only the following media types are accepted: application/json, ${acceptedProto.join(', ')}`);
    const b = this.build();
    const headers: Record<string, string> = {
      'Content-Type': form === 'proto' ? openAPIV2ProtoType : 'application/json',
      'Cache-Control': 'no-cache, private',
      ETag: b.etag,
      'Last-Modified': b.lastModified,
      Vary: 'Accept, Accept-Encoding',
    };
    const inm = req.headers['if-none-match'];
    if (inm && inm.split(',').some((t) => t.trim() === b.etag || t.trim() === '*')) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const v = form === 'proto' ? b.proto : b.json;
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? v.gzip : v.body;
    res.writeHead(200, { ...headers, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}), 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
