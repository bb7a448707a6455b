// A DNS server over UDP and TCP for the cluster zone (zone.ts); other names go to the host's resolvers.
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as fs from 'node:fs';
import * as dnsPacket from 'dns-packet';
import type { Answer as PacketAnswer, Packet } from 'dns-packet';
import type { ClusterZone, Answer } from './zone';
import { clientFilter, type ClientFilter } from './clients';

export interface DnsServerOptions {
  address: string;
  port: number;
  zone: ClusterZone;
  /** upstream resolvers for names outside the cluster domain; default: /etc/resolv.conf */
  upstreams?: string[];
  log?: (msg: string, kv?: Record<string, unknown>) => void;
  /** Who gets answers (others get REFUSED); default: loopback and the node's own addresses only. */
  clients?: ClientFilter;
}

export interface DnsServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

export function hostResolvers(file = '/etc/resolv.conf'): string[] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
      .filter((x): x is string => !!x && net.isIPv4(x));
  } catch {
    return [];
  }
}

function toPacketAnswer(a: Answer): PacketAnswer {
  return { type: a.type, name: a.name, ttl: a.ttl, class: 'IN', data: a.data } as PacketAnswer;
}

const RCODE_NXDOMAIN = 3;
const RCODE_SERVFAIL = 2;
const RCODE_FORMERR = 1;
const RCODE_REFUSED = 5;

/** Answers one query packet; returns undefined when the query must be forwarded. */
export function answer(zone: ClusterZone, query: Packet): Packet | undefined {
  const q = query.questions?.[0];
  const base: Packet = { id: query.id, type: 'response', flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER, questions: query.questions ?? [] };
  if (!q) return { ...base, flags: (base.flags ?? 0) | RCODE_FORMERR };
  const r = zone.lookup(q.name, q.type);
  switch (r.kind) {
    case 'notours':
      return undefined;
    case 'nxdomain':
      return { ...base, flags: (base.flags ?? 0) | RCODE_NXDOMAIN, authorities: [soa(zone.domain)] };
    case 'nodata':
      return { ...base, answers: [], authorities: [soa(zone.domain)] };
    case 'answers':
      return { ...base, answers: r.answers.map(toPacketAnswer), additionals: r.additionals.map(toPacketAnswer) };
  }
}

function soa(domain: string): PacketAnswer {
  return {
    type: 'SOA',
    name: domain,
    ttl: 5,
    class: 'IN',
    data: { mname: `ns.dns.${domain}`, rname: `hostmaster.${domain}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 },
  } as PacketAnswer;
}

function servfail(query: Packet): Buffer {
  return dnsPacket.encode({ id: query.id, type: 'response', flags: dnsPacket.RECURSION_AVAILABLE | RCODE_SERVFAIL, questions: query.questions ?? [] });
}

async function forward(raw: Buffer, upstreams: string[]): Promise<Buffer | undefined> {
  for (const up of upstreams) {
    const reply = await new Promise<Buffer | undefined>((resolve) => {
      const sock = dgram.createSocket('udp4');
      const timer = setTimeout(() => {
        sock.close();
        resolve(undefined);
      }, 2000);
      sock.once('message', (msg) => {
        clearTimeout(timer);
        sock.close();
        resolve(msg);
      });
      sock.once('error', () => {
        clearTimeout(timer);
        sock.close();
        resolve(undefined);
      });
      sock.send(raw, 53, up);
    });
    if (reply) return reply;
  }
  return undefined;
}

/** REFUSED for a client outside the allowed sources: no answer, no recursion, nothing forwarded. */
export function refused(query: Packet): Buffer {
  return dnsPacket.encode({ id: query.id, type: 'response', flags: RCODE_REFUSED, questions: query.questions ?? [] });
}

/** One query from `source`; undefined means drop (not DNS, or not a query). */
export async function handle(raw: Buffer, source: string, opts: DnsServerOptions, clients: ClientFilter, upstreams: string[]): Promise<Buffer | undefined> {
  let query: Packet;
  try {
    query = dnsPacket.decode(raw);
  } catch {
    return undefined; // not DNS: drop, as resolvers do
  }
  if (query.type !== 'query') return undefined; // never answer responses (reflection loops)
  if (!clients.allowed(source)) return refused(query);
  try {
    const res = answer(opts.zone, query);
    if (res) return dnsPacket.encode(res);
    return (await forward(raw, upstreams)) ?? servfail(query);
  } catch (e) {
    opts.log?.('dns query failed', { error: (e as Error).message });
    return servfail(query);
  }
}

export async function startDnsServer(opts: DnsServerOptions): Promise<DnsServer> {
  const upstreams = (opts.upstreams ?? hostResolvers()).filter((u) => u !== opts.address);
  if (!net.isIP(opts.address) || opts.address === '0.0.0.0' || opts.address === '::') opts.log?.('cluster DNS bound to every address', { address: opts.address });
  const clients = opts.clients ?? clientFilter('');
  const udp = dgram.createSocket({ type: net.isIPv6(opts.address) ? 'udp6' : 'udp4' });
  udp.on('message', (msg, rinfo) => {
    void handle(msg, rinfo.address, opts, clients, upstreams).then((reply) => {
      if (reply) udp.send(reply, rinfo.port, rinfo.address);
    });
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(opts.port, opts.address, () => resolve());
  });
  const port = udp.address().port;
  const tcp = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        void handle(Buffer.from(msg), sock.remoteAddress ?? '', opts, clients, upstreams).then((reply) => {
          if (reply && !sock.destroyed) {
            const head = Buffer.alloc(2);
            head.writeUInt16BE(reply.length);
            sock.write(Buffer.concat([head, reply]));
          }
        });
      }
    });
    sock.on('error', () => sock.destroy());
    sock.setTimeout(10_000, () => sock.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, opts.address, () => resolve());
  });
  return {
    address: opts.address,
    port,
    close: async () => {
      await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
    },
  };
}
