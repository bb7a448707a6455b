// CachedTokenSource (caching, expiry, reset, shared fetches) and RestClient's use of a TokenSource against a
// scripted local HTTP server (127.0.0.1 only).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigMapKind } from '@kubets/api';
import { RestClient } from './client';
import { anonymousConfig } from './config';
import { CachedTokenSource, type ExpiringToken } from './token-source';
import { FakeClock } from '../clock';

function counter(clock: FakeClock, lifetimeMs: number) {
  let n = 0;
  const fetch = jest.fn(async (): Promise<ExpiringToken> => ({ token: `t${++n}`, expiry: clock.now() + lifetimeMs }));
  return fetch;
}

describe('CachedTokenSource', () => {
  it('reuses the token until its expiry, then fetches a new one', async () => {
    const clock = new FakeClock();
    const fetch = counter(clock, 1000);
    const ts = new CachedTokenSource(fetch, clock);
    expect(await ts.token()).toBe('t1');
    clock.step(999);
    expect(await ts.token()).toBe('t1');
    clock.step(1);
    expect(await ts.token()).toBe('t2');
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('shares one fetch between concurrent callers', async () => {
    const clock = new FakeClock();
    const fetch = counter(clock, 1000);
    const ts = new CachedTokenSource(fetch, clock);
    expect(await Promise.all([ts.token(), ts.token(), ts.token()])).toEqual(['t1', 't1', 't1']);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('fetches again after reset() and after a failed fetch', async () => {
    const clock = new FakeClock();
    let fail = true;
    let n = 0;
    const ts = new CachedTokenSource(async () => {
      if (fail) throw new Error('boom');
      return { token: `t${++n}`, expiry: clock.now() + 1000 };
    }, clock);
    await expect(ts.token()).rejects.toThrow('boom');
    fail = false;
    expect(await ts.token()).toBe('t1');
    ts.reset();
    expect(await ts.token()).toBe('t2');
  });
});

describe('RestClient with a TokenSource', () => {
  let srv: http.Server;
  let url: string;
  const seen: Array<string | undefined> = [];
  let reject = new Set<string>();
  beforeAll(async () => {
    srv = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push(req.headers.authorization);
        const code = reject.has(req.headers.authorization ?? '') ? 401 : 200;
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(code === 200 ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } } : { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401, message: 'Unauthorized' }));
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => srv.close(() => r())));

  it('sends the current token, picks up a rotated one without a new client, and drops a token answered with 401', async () => {
    const clock = new FakeClock();
    const fetch = counter(clock, 1000);
    // the static credentials must lose to the token source (and anonymousConfig strips them anyway)
    const client = new RestClient({ server: url, token: 'static', maxRetries: 0 }, { tokenSource: new CachedTokenSource(fetch, clock), clock });
    const cms = client.resource(ConfigMapKind).namespace('ns');
    await cms.get('a');
    clock.step(1000);
    await cms.get('a');
    reject = new Set(['Bearer t2']);
    await expect(cms.get('a')).rejects.toMatchObject({ status: { reason: 'Unauthorized' } });
    await cms.get('a');
    expect(seen).toEqual(['Bearer t1', 'Bearer t2', 'Bearer t2', 'Bearer t3']);
    client.close();
  });
});

describe('anonymousConfig', () => {
  it('keeps the server and TLS trust, drops every credential', () => {
    expect(anonymousConfig({ server: 'https://h:6443', caData: 'CA', token: 't', tokenFile: 'f', certData: 'c', keyData: 'k', username: 'u', password: 'p', qps: 5, tlsServerName: 'kubernetes' })).toEqual({
      server: 'https://h:6443',
      caData: 'CA',
      qps: 5,
      tlsServerName: 'kubernetes',
    });
  });
});
