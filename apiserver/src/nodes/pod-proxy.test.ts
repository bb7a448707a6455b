// The apiserver's kubelet client: HTTPS with the kubelet-client certificate, the kubelet's serving certificate
// verified against --kubelet-certificate-authority (or not, with one warning), the caller's credentials stripped.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '@kubets/api';
import { createCA, issueCertificate, type KeyPairPem } from '@kubets/client';
import { NodeObjectConnection, type KubeletClientTls } from './connection';
import { proxyPodLog, proxyPodUpgrade } from './pod-proxy';

let ca: KeyPairPem;
let client: KeyPairPem;
let kubelet: https.Server;
let port = 0;
const seen: Array<{ url: string; cn: string | undefined; authorization: string | undefined; impersonate: string | undefined }> = [];

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] } } as unknown as KubeObject;
const node = (): Promise<KubeObject> =>
  Promise.resolve({ metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } } as unknown as KubeObject);

function record(req: http.IncomingMessage): void {
  const s = req.socket as TLSSocket;
  const cn = s.authorized ? String(s.getPeerCertificate().subject.CN) : undefined;
  seen.push({ url: req.url ?? '', cn, authorization: req.headers.authorization, impersonate: req.headers['impersonate-user'] as string | undefined });
}

beforeAll(async () => {
  ca = await createCA('cluster-ca');
  const serving = await issueCertificate(ca, { commonName: 'n1', hosts: ['127.0.0.1'], usage: 'server' });
  client = await issueCertificate(ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usage: 'client' });
  kubelet = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    record(req);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('hello\n');
  });
  kubelet.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    record(req);
    socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
  });
  await new Promise<void>((r) => kubelet.listen(0, '127.0.0.1', r));
  port = (kubelet.address() as AddressInfo).port;
});

afterAll(async () => {
  kubelet.closeAllConnections();
  await new Promise((r) => kubelet.close(r));
});

/** Runs proxyPodLog against a throwaway response and returns status + body. */
async function logs(conn: NodeObjectConnection): Promise<{ code: number; body: string }> {
  const srv = http.createServer((_req, res) => {
    proxyPodLog(conn, pod, new URLSearchParams('follow=true'), res).catch((e: { code?: number; message: string }) => {
      res.writeHead(e.code ?? 500);
      res.end(e.message);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  try {
    const r = await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/`);
    return { code: r.status, body: await r.text() };
  } finally {
    srv.closeAllConnections();
    srv.close();
  }
}

describe('NodeObjectConnection', () => {
  it('is https with the client certificate; verifies only with a CA and warns once without one', async () => {
    const warnings: string[] = [];
    const tls: KubeletClientTls = { cert: client.certPem, key: client.keyPem };
    const conn = new NodeObjectConnection(node, tls, (m) => warnings.push(m));
    expect(await conn.kubeletFor('n1')).toEqual({ host: '127.0.0.1', port, scheme: 'https', tls: { cert: client.certPem, key: client.keyPem, rejectUnauthorized: false } });
    await conn.kubeletFor('n1');
    expect(warnings).toEqual(['kubelet serving certificates are not verified: set --kubelet-certificate-authority to verify them']);
    const verified = new NodeObjectConnection(node, { ...tls, ca: ca.certPem }, (m) => warnings.push(m));
    expect((await verified.kubeletFor('n1')).tls).toMatchObject({ ca: ca.certPem, rejectUnauthorized: true });
    expect(warnings).toHaveLength(1);
  });
});

describe('proxyPodLog', () => {
  it('presents the kubelet-client certificate', async () => {
    seen.length = 0;
    const r = await logs(new NodeObjectConnection(node, { cert: client.certPem, key: client.keyPem, ca: ca.certPem }));
    expect(r).toEqual({ code: 200, body: 'hello\n' });
    expect(seen).toEqual([{ url: '/containerLogs/ns/p/c?follow=true', cn: 'kube-apiserver-kubelet-client', authorization: undefined, impersonate: undefined }]);
  });
  it('refuses a kubelet whose certificate the CA did not sign', async () => {
    const other = await createCA('other');
    const r = await logs(new NodeObjectConnection(node, { cert: client.certPem, key: client.keyPem, ca: other.certPem }));
    expect(r.code).toBe(503);
    expect(r.body).toMatch(/^error dialing kubelet: /);
  });
});

describe('proxyPodUpgrade', () => {
  it('dials TLS with the client certificate and drops the caller credentials', async () => {
    seen.length = 0;
    const conn = new NodeObjectConnection(node, { cert: client.certPem, key: client.keyPem, ca: ca.certPem });
    // a fake incoming upgrade request: raw headers as the caller sent them
    const req = { method: 'POST', rawHeaders: ['Host', 'api:6443', 'Authorization', 'Bearer user-token', 'Impersonate-User', 'bob', 'Upgrade', 'SPDY/3.1', 'Connection', 'Upgrade'] } as unknown as http.IncomingMessage;
    const [a, b] = await socketPair();
    const reply = new Promise<string>((resolve) => {
      let got = '';
      b.on('data', (d: Buffer) => {
        got += d.toString();
        if (got.includes('\r\n\r\n')) resolve(got);
      });
    });
    await proxyPodUpgrade(conn, pod, 'exec', req, a, Buffer.alloc(0), new URLSearchParams('command=ls&stdout=true'));
    expect(await reply).toMatch(/^HTTP\/1.1 101/);
    expect(seen).toEqual([{ url: '/exec/ns/p/c?command=ls&stdout=true', cn: 'kube-apiserver-kubelet-client', authorization: undefined, impersonate: undefined }]);
    a.destroy();
    b.destroy();
  });
});

/** Two connected TCP sockets on loopback. */
async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((r) => srv.once('connection', r));
  const c = net.connect((srv.address() as AddressInfo).port, '127.0.0.1');
  const s = await accepted;
  srv.close();
  return [s, c];
}
