// Response content negotiation: application/vnd.kubernetes.protobuf when the client prefers it (client-go sends
// "application/vnd.kubernetes.protobuf,application/json") and the object's kind has a protobuf form; JSON
// otherwise (Table, discovery, anything without a message), as kube-apiserver falls back for such types.
import type { IncomingMessage } from 'node:http';
import { encodeKubernetesProtobuf, hasProtobuf, PROTOBUF_CONTENT_TYPE } from '@kubets/proto';
import { logError } from '../observability/log';

interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(',')
    .map((part) => {
      const [type = '', ...ps] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of ps) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).toLowerCase()] = p.slice(eq + 1).replace(/^"|"$/g, '');
      }
      const q = params['q'] === undefined ? 1 : Number(params['q']);
      return { type: type.toLowerCase(), params, q: Number.isNaN(q) ? 0 : q };
    })
    .filter((r) => r.type && r.q > 0);
}

/** Whether the client's most preferred media type we can serve is protobuf. */
export function wantsProtobuf(accept: string | string[] | undefined): boolean {
  const a = Array.isArray(accept) ? accept.join(',') : accept;
  if (!a || !a.includes('protobuf')) return false;
  const ranges = parseAccept(a)
    .map((r, i) => ({ ...r, i }))
    .sort((x, y) => y.q - x.q || x.i - y.i);
  for (const r of ranges) {
    if (r.params['as']) continue; // a Table or other conversion: not served as protobuf
    if (r.type === PROTOBUF_CONTENT_TYPE) return true;
    if (r.type === 'application/json' || r.type === '*/*' || r.type === 'application/*') return false;
  }
  return false;
}

/** The protobuf body for `obj` when `req` prefers protobuf and obj's kind has one; undefined means send JSON. */
export function protobufResponse(req: IncomingMessage | undefined, obj: unknown): Buffer | undefined {
  if (!req || !wantsProtobuf(req.headers.accept) || !hasProtobuf(obj)) return undefined;
  try {
    return encodeKubernetesProtobuf(obj);
  } catch (e) {
    // a kubets-only field has no field number: JSON loses nothing, so send that
    logError('protobuf response encoding failed, sending JSON', e);
    return undefined;
  }
}

export { PROTOBUF_CONTENT_TYPE };
