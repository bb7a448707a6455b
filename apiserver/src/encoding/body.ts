// Request bodies: read with a size limit, then decode JSON, YAML or Kubernetes protobuf into a plain value.
// Malformed input is a 400 with a clear message, never a crash.
import type { IncomingMessage } from 'node:http';
import { errors } from '@kubets/api';
import * as proto from '@kubets/proto';
import { parse as parseYaml } from 'yaml';
import { checkDepth, scanJsonDepth } from './depth';
import { goJsonSyntaxError, summarizeData } from './go-json-error';
import { getVerbosity, logLine } from '../observability/log';

export const maxBodyBytes = 3 * 1024 * 1024;
export const maxDepth = 100;

/** Requests whose body the audit log records (Request/RequestResponse levels): readBody keeps a reference. */
const captured = new WeakMap<IncomingMessage, Buffer | undefined>();

export function captureRequestBody(req: IncomingMessage): void {
  captured.set(req, undefined);
}

export function capturedRequestBody(req: IncomingMessage): Buffer | undefined {
  return captured.get(req);
}

export function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(errors.tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        req.resume();
        reject(errors.tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (failed) return;
      const body = Buffer.concat(chunks);
      if (captured.has(req)) captured.set(req, body);
      if (getVerbosity() >= 8) logLine(8, 'request body', { URI: req.url, contentType: req.headers['content-type'], body: body.toString('utf8', 0, Math.min(body.length, 16384)) });
      resolve(body);
    });
    req.on('error', (e) => {
      if (!failed) {
        failed = true;
        reject(errors.badRequest(`error reading request body: ${e.message}`));
      }
    });
  });
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export type BodyFormat = 'json' | 'yaml' | 'protobuf';

export function formatOf(mt: string): BodyFormat | undefined {
  switch (mt) {
    case 'application/json':
    case '':
      return 'json';
    case 'application/yaml':
    case 'application/x-yaml':
    case 'text/yaml':
      return 'yaml';
    case 'application/vnd.kubernetes.protobuf':
      return 'protobuf';
    default:
      return undefined;
  }
}

export function parseJson(buf: Buffer | string, what = 'body'): unknown {
  const text = typeof buf === 'string' ? buf : buf.toString('utf8');
  if (text.trim() === '') throw errors.badRequest(`the ${what} of the request was empty`);
  if (scanJsonDepth(text) > maxDepth) throw errors.badRequest(`the ${what} of the request is nested too deeply: max depth is ${maxDepth}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`couldn't parse ${what}: json parse error: ${(e as Error).message}`);
  }
}

export function parseYamlBody(buf: Buffer): unknown {
  const text = buf.toString('utf8');
  if (text.trim() === '') throw errors.badRequest('the body of the request was empty');
  // YAML flow collections nest like JSON; block nesting is bounded by indentation.
  if (scanJsonDepth(text) > maxDepth) throw errors.badRequest(`the body of the request is nested too deeply: max depth is ${maxDepth}`);
  let v: unknown;
  try {
    v = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false });
  } catch (e) {
    throw errors.badRequest(`couldn't parse body: yaml: ${(e as Error).message.split('\n')[0]}`);
  }
  checkDepth(v, maxDepth);
  return v;
}

/**
 * As the serializer's Interpret + transformDecodeError: a JSON body that does not parse (so has no readable
 * apiVersion/kind) is "unrecognized", with Go's parse error and a summary of the body.
 */
function parseJsonObject(buf: Buffer, expectKind: string): unknown {
  const text = buf.toString('utf8');
  if (text.trim() === '' || scanJsonDepth(text) > maxDepth) return parseJson(buf);
  try {
    return JSON.parse(text);
  } catch {
    throw errors.badRequest(`the object provided is unrecognized (must be of type ${expectKind}): couldn't get version/kind; json parse error: ${goJsonSyntaxError(text)} (${summarizeData(buf)})`);
  }
}

/** expectKind: the kind the URL names (create/update bodies), for kube-apiserver's decode error messages. */
export function decodeBody(buf: Buffer, contentType: string | undefined, expectKind?: string): unknown {
  const mt = mediaType(contentType);
  const fmt = formatOf(mt);
  if (!fmt) throw errors.unsupportedMediaType(mt);
  switch (fmt) {
    case 'json':
      return expectKind ? parseJsonObject(buf, expectKind) : parseJson(buf);
    case 'yaml':
      return parseYamlBody(buf);
    case 'protobuf': {
      let v: unknown;
      try {
        v = proto.decodeKubernetesProtobuf(buf);
      } catch (e) {
        if ((e as { status?: unknown }).status) throw e;
        throw errors.badRequest(`couldn't decode protobuf body: ${(e as Error).message}`);
      }
      checkDepth(v, maxDepth);
      return v;
    }
  }
}

/** DeleteOptions of a DELETE: JSON whatever the content type says (as before), or protobuf from typed Go clients. */
export function decodeDeleteBody(buf: Buffer, contentType: string | undefined): unknown {
  return formatOf(mediaType(contentType)) === 'protobuf' ? decodeBody(buf, contentType) : parseJson(buf);
}

/** Body for PATCH: json/merge/strategic/apply patches are JSON (apply may be YAML). */
export function decodePatchBody(buf: Buffer, patchType: string): unknown {
  if (patchType === 'application/apply-patch+yaml') return parseYamlBody(buf);
  return parseJson(buf);
}
