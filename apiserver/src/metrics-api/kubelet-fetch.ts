// GET a path of a node's kubelet over the API server's kubelet connection (its kubelet client certificate).
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { NodeConnection } from '../nodes/connection';

/** metrics-server's --kubelet-request-timeout is 10 s; a scrape of a local kubelet takes milliseconds. */
export function kubeletFetcher(nodes: NodeConnection, timeoutMs = 10_000): (nodeName: string, path: string) => Promise<string> {
  return async (nodeName, path) => {
    const loc = await nodes.kubeletFor(nodeName);
    return new Promise<string>((resolve, reject) => {
      const onResponse = (res: http.IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(body);
          else reject(new Error(`kubelet ${nodeName} ${path}: HTTP ${res.statusCode ?? 0}: ${body.slice(0, 200)}`));
        });
      };
      const req =
        loc.scheme === 'https'
          ? https.get({ host: loc.host, port: loc.port, path, agent: false, ...loc.tls, rejectUnauthorized: loc.tls?.rejectUnauthorized ?? false, ...(net.isIP(loc.host) ? {} : { servername: loc.host }) }, onResponse)
          : http.get({ host: loc.host, port: loc.port, path }, onResponse);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`kubelet ${nodeName} ${path}: timeout after ${timeoutMs}ms`)));
      req.on('error', reject);
    });
  };
}
