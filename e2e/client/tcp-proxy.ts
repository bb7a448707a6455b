// A local TCP proxy whose connectivity a test can cut (to hold a client's watch off while things happen).
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  url: string;
  /** Drops every connection and refuses new ones until unblock(). */
  block(): void;
  unblock(): void;
  /** Drops every open connection (a network blip); new connections still work. */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const conns = new Set<net.Socket>();
  let blocked = false;
  const srv = net.createServer((client) => {
    if (blocked) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, '127.0.0.1');
    conns.add(client);
    conns.add(upstream);
    const done = () => {
      client.destroy();
      upstream.destroy();
      conns.delete(client);
      conns.delete(upstream);
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const dropAll = () => {
    for (const c of conns) c.destroy();
    conns.clear();
  };
  return {
    // the API server speaks TLS end to end through this byte-level proxy
    url: `https://127.0.0.1:${port}`,
    block() {
      blocked = true;
      dropAll();
    },
    unblock() {
      blocked = false;
    },
    dropAll,
    close: () =>
      new Promise<void>((r) => {
        dropAll();
        srv.close(() => r());
      }),
  };
}
