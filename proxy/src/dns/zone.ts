// The cluster DNS zone, as CoreDNS's kubernetes plugin answers it:
//   <svc>.<ns>.svc.<domain>            A: the cluster IP, or for headless services every ready endpoint IP
//   <hostname>.<svc>.<ns>.svc.<domain> A: a headless endpoint with a hostname (or its dashed IP)
//   _<port>._<proto>.<svc>.<ns>.svc.<domain>  SRV for named ports
//   a-b-c-d.<ns>.pod.<domain>          A: a.b.c.d
// Names inside the domain that match nothing are NXDOMAIN; names outside it are not ours (forwarded).

export interface DnsServicePort {
  name: string;
  port: number;
  protocol: string;
}

export interface DnsService {
  namespace: string;
  name: string;
  /** undefined or 'None' = headless */
  clusterIP?: string;
  ports: DnsServicePort[];
  /** ExternalName services answer with a CNAME */
  externalName?: string;
}

export interface DnsEndpoint {
  ip: string;
  ready: boolean;
  hostname?: string;
  /** ports by name, from the EndpointSlice */
  ports: DnsServicePort[];
}

export type Answer =
  | { type: 'A'; name: string; ttl: number; data: string }
  | { type: 'SRV'; name: string; ttl: number; data: { priority: number; weight: number; port: number; target: string } }
  | { type: 'CNAME'; name: string; ttl: number; data: string };

export type Lookup = { kind: 'answers'; answers: Answer[]; additionals: Answer[] } | { kind: 'nxdomain' } | { kind: 'nodata' } | { kind: 'notours' };

const TTL = 5;

export class ClusterZone {
  private readonly services = new Map<string, DnsService>();
  /** endpoints per service key, per source (EndpointSlice name) */
  private readonly endpoints = new Map<string, Map<string, DnsEndpoint[]>>();

  constructor(readonly domain = 'cluster.local') {}

  setService(s: DnsService): void {
    this.services.set(`${s.namespace}/${s.name}`, s);
  }
  deleteService(namespace: string, name: string): void {
    this.services.delete(`${namespace}/${name}`);
  }
  setEndpoints(namespace: string, service: string, source: string, eps: DnsEndpoint[]): void {
    const key = `${namespace}/${service}`;
    const m = this.endpoints.get(key) ?? new Map<string, DnsEndpoint[]>();
    m.set(source, eps);
    this.endpoints.set(key, m);
  }
  deleteEndpoints(namespace: string, service: string, source: string): void {
    const m = this.endpoints.get(`${namespace}/${service}`);
    m?.delete(source);
    if (m && m.size === 0) this.endpoints.delete(`${namespace}/${service}`);
  }

  private readyEndpoints(namespace: string, service: string): DnsEndpoint[] {
    const out: DnsEndpoint[] = [];
    for (const eps of this.endpoints.get(`${namespace}/${service}`)?.values() ?? []) out.push(...eps.filter((e) => e.ready));
    return out;
  }

  lookup(qname: string, qtype: string): Lookup {
    const name = qname.toLowerCase().replace(/\.$/, '');
    const suffix = `.${this.domain}`;
    if (!name.endsWith(suffix) && name !== this.domain) return { kind: 'notours' };
    const labels = name.slice(0, Math.max(0, name.length - suffix.length)).split('.').filter(Boolean);
    const zoneType = labels.at(-1);
    if (zoneType === 'pod') return this.lookupPod(name, labels, qtype);
    if (zoneType !== 'svc') return labels.length === 0 ? { kind: 'nodata' } : { kind: 'nxdomain' };
    const rest = labels.slice(0, -1); // [.., svc, ns]
    if (rest.length < 1) return { kind: 'nodata' };
    const ns = rest.at(-1)!;
    if (rest.length === 1) return this.namespaceExists(ns) ? { kind: 'nodata' } : { kind: 'nxdomain' };
    const svcName = rest.at(-2)!;
    const svc = this.services.get(`${ns}/${svcName}`);
    if (!svc) return { kind: 'nxdomain' };
    const front = rest.slice(0, -2);
    if (front.length === 0) return this.serviceRecords(name, svc, qtype);
    if (front.length === 2 && front[0]!.startsWith('_') && front[1]!.startsWith('_')) return this.srvRecords(name, svc, front[0]!.slice(1), front[1]!.slice(1), qtype);
    if (front.length === 1) return this.endpointRecord(name, svc, front[0]!, qtype);
    return { kind: 'nxdomain' };
  }

  private namespaceExists(ns: string): boolean {
    for (const s of this.services.values()) if (s.namespace === ns) return true;
    return false;
  }

  private isHeadless(svc: DnsService): boolean {
    return !svc.clusterIP || svc.clusterIP === 'None';
  }

  private serviceRecords(name: string, svc: DnsService, qtype: string): Lookup {
    if (svc.externalName) return { kind: 'answers', answers: [{ type: 'CNAME', name, ttl: TTL, data: svc.externalName }], additionals: [] };
    if (qtype !== 'A' && qtype !== 'ANY' && qtype !== 'SRV') return { kind: 'nodata' };
    if (qtype === 'SRV') {
      const answers: Answer[] = [];
      for (const p of svc.ports.filter((x) => x.name)) answers.push(...this.srvAnswers(name, svc, p).answers);
      return answers.length ? { kind: 'answers', answers, additionals: [] } : { kind: 'nodata' };
    }
    if (!this.isHeadless(svc)) return { kind: 'answers', answers: [{ type: 'A', name, ttl: TTL, data: svc.clusterIP! }], additionals: [] };
    const ips = [...new Set(this.readyEndpoints(svc.namespace, svc.name).map((e) => e.ip))];
    return ips.length ? { kind: 'answers', answers: ips.map((ip) => ({ type: 'A', name, ttl: TTL, data: ip })), additionals: [] } : { kind: 'nodata' };
  }

  private srvAnswers(name: string, svc: DnsService, port: DnsServicePort): { answers: Answer[]; additionals: Answer[] } {
    const svcFqdn = `${svc.name}.${svc.namespace}.svc.${this.domain}`;
    if (!this.isHeadless(svc)) {
      return { answers: [{ type: 'SRV', name, ttl: TTL, data: { priority: 0, weight: 100, port: port.port, target: svcFqdn } }], additionals: [{ type: 'A', name: svcFqdn, ttl: TTL, data: svc.clusterIP! }] };
    }
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    const eps = this.readyEndpoints(svc.namespace, svc.name);
    for (const e of eps) {
      const ep = e.ports.find((p) => p.name === port.name);
      if (!ep) continue;
      const target = `${e.hostname ?? e.ip.replace(/\./g, '-')}.${svcFqdn}`;
      answers.push({ type: 'SRV', name, ttl: TTL, data: { priority: 0, weight: Math.floor(100 / eps.length), port: ep.port, target } });
      additionals.push({ type: 'A', name: target, ttl: TTL, data: e.ip });
    }
    return { answers, additionals };
  }

  private srvRecords(name: string, svc: DnsService, portName: string, proto: string, qtype: string): Lookup {
    const port = svc.ports.find((p) => p.name.toLowerCase() === portName && p.protocol.toLowerCase() === proto);
    if (!port) return { kind: 'nxdomain' };
    if (qtype !== 'SRV' && qtype !== 'ANY') return { kind: 'nodata' };
    const r = this.srvAnswers(name, svc, port);
    return r.answers.length ? { kind: 'answers', ...r } : { kind: 'nodata' };
  }

  private endpointRecord(name: string, svc: DnsService, label: string, qtype: string): Lookup {
    if (!this.isHeadless(svc)) return { kind: 'nxdomain' };
    const e = this.readyEndpoints(svc.namespace, svc.name).find((x) => x.hostname === label || x.ip.replace(/\./g, '-') === label);
    if (!e) return { kind: 'nxdomain' };
    if (qtype !== 'A' && qtype !== 'ANY') return { kind: 'nodata' };
    return { kind: 'answers', answers: [{ type: 'A', name, ttl: TTL, data: e.ip }], additionals: [] };
  }

  private lookupPod(name: string, labels: string[], qtype: string): Lookup {
    // a-b-c-d.<ns>.pod: answered from the name itself, as CoreDNS's "pods insecure" mode does.
    if (labels.length !== 3) return { kind: 'nxdomain' };
    const m = /^(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})$/.exec(labels[0]!);
    if (!m || m.slice(1).some((o) => Number(o) > 255)) return { kind: 'nxdomain' };
    if (qtype !== 'A' && qtype !== 'ANY') return { kind: 'nodata' };
    return { kind: 'answers', answers: [{ type: 'A', name, ttl: TTL, data: m.slice(1).join('.') }], additionals: [] };
  }
}
