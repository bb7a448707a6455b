// ?watch=true: newline-delimited JSON events, flushed per event, over a storage watch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type KubeObject } from '@kubets/api';
import type { StorageEvent, WatchStream } from '../storage/interface';
import type { ResourceStore } from '../registry/store';
import { toTable, type TableRequest } from '../table/table';
import { logError } from '../observability/log';
import { wantsProtobuf } from '../encoding/response';
import { watchFrame } from '../encoding/watch-frames';
import { PROTOBUF_WATCH_CONTENT_TYPE } from '@kubets/proto';
import { responseHeaders } from '../http/either-version';

export interface WatchParams {
  namespace: string;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  table?: TableRequest;
  /** ask for initial events (sendInitialEvents=true) */
  sendInitialEvents?: boolean;
}

const maxTimeoutSeconds = 1800;

export async function serveWatch(store: ResourceStore, req: IncomingMessage, res: ServerResponse, p: WatchParams): Promise<void> {
  let fieldSelector = p.fieldSelector;
  if (p.name) fieldSelector = [fieldSelector, `metadata.name=${p.name}`].filter(Boolean).join(',');
  const predicate = store.predicate({ labelSelector: p.labelSelector, fieldSelector });
  const cached = store.deps.cached?.(store.def);
  const source = cached ?? store.storage;
  let rv = p.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== '0' && !/^\d+$/.test(rv)) throw errors.badRequest(`invalid resource version: ${rv}`);
  if (p.sendInitialEvents && (!rv || rv === '')) rv = '0';
  const stream: WatchStream = await source.watch(store.prefix(p.namespace), {
    recursive: true,
    ...(rv !== undefined && rv !== '' ? { resourceVersion: rv } : {}),
    ...(predicate ? { predicate } : {}),
    allowBookmarks: p.allowBookmarks,
  });
  const pb = !p.table && wantsProtobuf(req.headers.accept);
  // responseHeaders: h2 frames the stream itself and refuses Transfer-Encoding
  res.writeHead(200, responseHeaders(res, { 'Content-Type': pb ? PROTOBUF_WATCH_CONTENT_TYPE : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked', 'X-Content-Type-Options': 'nosniff' }));
  res.flushHeaders();
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    stream.close();
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timeout = Math.min(p.timeoutSeconds && p.timeoutSeconds > 0 ? p.timeoutSeconds : maxTimeoutSeconds * (0.5 + Math.random() / 2), maxTimeoutSeconds);
  const timer = setTimeout(finish, timeout * 1000);
  res.on('close', finish);
  try {
    for await (const ev of stream) {
      if (done) break;
      const line = pb ? encodeFrame(store, ev, p) : encodeEvent(store, ev, p);
      if (line === undefined) continue;
      if (!res.write(typeof line === 'string' ? line + '\n' : line)) await drained(res);
      if (ev.type === 'ERROR') break;
    }
  } catch (e) {
    if (!done) {
      const se = (e as { status?: unknown }).status ? (e as { status: KubeObject }).status : errors.internal((e as Error).message).status;
      if (!(e as { status?: unknown }).status) logError('watch failed', e);
      res.write(pb ? (watchFrame('ERROR', se) ?? '') : JSON.stringify({ type: 'ERROR', object: se }) + '\n');
    }
  } finally {
    finish();
  }
}

/** The protobuf frame of one event (application/vnd.kubernetes.protobuf;stream=watch). */
function encodeFrame(store: ResourceStore, ev: StorageEvent, p: WatchParams): Buffer | undefined {
  if (ev.type === 'BOOKMARK') {
    if (!p.allowBookmarks) return undefined;
    return watchFrame('BOOKMARK', { kind: store.def.kind, apiVersion: store.apiVersion, metadata: { resourceVersion: ev.object.metadata?.resourceVersion ?? '' } });
  }
  if (ev.type === 'ERROR') return watchFrame('ERROR', ev.object);
  return watchFrame(ev.type, store.typed(ev.object));
}

function encodeEvent(store: ResourceStore, ev: StorageEvent, p: WatchParams): string | undefined {
  if (ev.type === 'BOOKMARK') {
    if (!p.allowBookmarks) return undefined;
    const obj = { kind: store.def.kind, apiVersion: store.apiVersion, metadata: { resourceVersion: ev.object.metadata?.resourceVersion ?? '' } };
    return JSON.stringify({ type: 'BOOKMARK', object: obj });
  }
  if (ev.type === 'ERROR') return JSON.stringify({ type: 'ERROR', object: ev.object });
  let obj = store.typed(ev.object);
  if (p.table) {
    obj = toTable(store.def, [obj], { resourceVersion: obj.metadata.resourceVersion }, p.table);
    return JSON.stringify({ type: ev.type, object: obj });
  }
  // The watch cache hands the same object to every watcher: serialise it once, not once per connection
  // (1,000 watchers of one write were 1,000 JSON.stringify calls; bench/apiserver.bench.js).
  const memo = encoded.get(obj);
  if (memo && memo.type === ev.type) return memo.line;
  const line = JSON.stringify({ type: ev.type, object: obj });
  encoded.set(obj, { type: ev.type, line });
  return line;
}

const encoded = new WeakMap<object, { type: string; line: string }>();

/** Waits until the response buffer drains (or the connection goes away). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
