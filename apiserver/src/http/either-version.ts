// The API server answers HTTP/2 (negotiated by ALPN, as kube-apiserver; kubectl and client-go ask for h2) and
// HTTP/1.1 on one TLS port (node:http2's secure server with allowHTTP1). Requests then arrive as either node:http's
// IncomingMessage/ServerResponse or http2's compatibility Http2ServerRequest/Http2ServerResponse; this file holds the
// few places where the two differ for our handlers.
import type * as http from 'node:http';
import * as http2 from 'node:http2';
import type { ReadableOptions } from 'node:stream';

/** A request of either protocol version, as the secure server hands it to its request listener. */
export type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
/** A response of either protocol version. */
export type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

/** Whether the response goes out on an h2 stream. */
export function isHttp2(res: AnyResponse): res is http2.Http2ServerResponse {
  return res instanceof http2.Http2ServerResponse;
}

// RFC 9113 §8.2.2: h2 has no connection-specific header fields (it frames bodies itself), and node refuses them with
// ERR_HTTP2_INVALID_CONNECTION_HEADERS, which would turn a streaming response into a 500 on h2 only.
const connectionSpecific = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** The headers to write on res: unchanged on HTTP/1.1 (byte-identical responses), minus connection-specific ones on h2. */
export function responseHeaders(res: AnyResponse, headers: http.OutgoingHttpHeaders): http.OutgoingHttpHeaders {
  if (!isHttp2(res)) return headers;
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!connectionSpecific.has(k.toLowerCase())) out[k] = v;
  return out;
}

/**
 * An h2 request whose `headers` look like HTTP/1.1's: h2 keeps method, path, scheme and authority as pseudo-headers
 * (':method', …) in the same object, and handlers that forward req.headers (the aggregator's proxy to an extension
 * API server) would pass ':method' on to an HTTP/1.1 request, which node rejects as an invalid header name. The
 * authority becomes Host when the client sent none, as an HTTP/1.1 client would have. method and url still come
 * from the pseudo-headers (the base class reads its own copy).
 */
export class Http1ShapedRequest extends http2.Http2ServerRequest {
  readonly #http1Headers: http.IncomingHttpHeaders;

  constructor(stream: http2.ServerHttp2Stream, headers: http.IncomingHttpHeaders, options: ReadableOptions, rawHeaders: readonly string[]) {
    super(stream, headers, options, rawHeaders);
    const h: http.IncomingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) if (!k.startsWith(':')) h[k] = v;
    const authority = headers[':authority'];
    if (h.host === undefined && typeof authority === 'string') h.host = authority;
    this.#http1Headers = h;
  }

  // node implements `headers` as a prototype getter, which @types/node declares as a plain property (so a subclass
  // `get headers()` does not type-check): replace the getter on this class's prototype instead.
  static {
    Object.defineProperty(this.prototype, 'headers', {
      configurable: true,
      get(this: Http1ShapedRequest): http.IncomingHttpHeaders {
        return this.#http1Headers;
      },
    });
  }
}

/**
 * An h2 response whose end() writes its last chunk as node:http's does: http2's end calls this.write(chunk), so a
 * wrapper installed on the instance's write and end (the audit log's response tee, audit/http.ts) would see that
 * chunk twice and log an unparseable body.
 */
export class Http1ShapedResponse extends http2.Http2ServerResponse<Http1ShapedRequest> {
  override end(chunk?: string | Uint8Array | (() => void), encoding?: BufferEncoding | (() => void), cb?: () => void): this {
    if (typeof chunk === 'function') return super.end(chunk);
    const done = typeof encoding === 'function' ? encoding : cb;
    // after end the base class ignores a chunk (and calls back); keep that path as it is
    if (chunk !== undefined && chunk !== null && !this.writableEnded) {
      http2.Http2ServerResponse.prototype.write.call(this, chunk, typeof encoding === 'string' ? encoding : 'utf8');
    }
    return done ? super.end(done) : super.end();
  }
}

/**
 * The handlers behind the router (api-handler, errors, the auth filter, audit, the aggregator, openapi) are typed
 * with node:http's classes. http2's compatibility objects implement every member those handlers use (headers,
 * method, url, socket.remoteAddress, the readable body; writeHead, setHeader, write, end, flushHeaders, statusCode,
 * headersSent, writableEnded, 'finish', 'close' and 'drain') but not the whole classes (writeContinue, assignSocket,
 * …), so this is the one place an h2 pair is handed on under node:http's types. Widening those handlers'
 * signatures to AnyRequest/AnyResponse would remove it.
 */
export function asNodeHttp(req: AnyRequest, res: AnyResponse): { req: http.IncomingMessage; res: http.ServerResponse } {
  return {
    req: req instanceof http2.Http2ServerRequest ? (req as unknown as http.IncomingMessage) : req,
    res: res instanceof http2.Http2ServerResponse ? (res as unknown as http.ServerResponse) : res,
  };
}
