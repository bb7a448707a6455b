// A TCP relay from the node bridge's host address to the API server on loopback, so nodes in their netns reach
// the API server while it keeps listening on 127.0.0.1 only (nothing else on the machine's interfaces sees it).
import * as net from 'node:net';

export interface Relay {
  /** https://host:port: the relay passes TLS through untouched */
  url: string;
  close(): Promise<void>;
}

export async function startRelay(listenHost: string, listenPort: number, targetPort: number): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((c) => {
    const u = net.connect(targetPort, '127.0.0.1');
    sockets.add(c);
    sockets.add(u);
    const done = () => {
      c.destroy();
      u.destroy();
      sockets.delete(c);
      sockets.delete(u);
    };
    c.on('error', done).on('close', done);
    u.on('error', done).on('close', done);
    c.pipe(u);
    u.pipe(c);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, listenHost, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `https://${listenHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
