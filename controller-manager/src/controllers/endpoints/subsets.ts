// Building core/v1 Endpoints subsets for a Service from its pods (upstream endpoints_controller syncService +
// RepackSubsets): one (address, port) pair per pod and service port, ready or not ready, then grouped into
// subsets of addresses sharing the same ports, sorted so equal inputs give equal outputs.
import type { EndpointSubset, Pod, ReadOnly, Service } from '@kubets/api';
import { findPort, isHeadlessService, podIP, podIsReady, podTargetRef, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints';

type Address = NonNullable<EndpointSubset['addresses']>[number];
type Port = NonNullable<EndpointSubset['ports']>[number];

function addressOf(p: ReadOnly<Pod>, svc: ReadOnly<Service>): Address {
  return {
    ip: podIP(p),
    ...(shouldSetHostname(p, svc) ? { hostname: p.spec?.hostname ?? '' } : {}),
    ...(p.spec?.nodeName ? { nodeName: p.spec.nodeName } : {}),
    targetRef: podTargetRef(p),
  };
}

function portKey(p: Port): string {
  return `${p.name ?? ''}/${p.port}/${p.protocol ?? 'TCP'}/${p.appProtocol ?? ''}`;
}

/** Subsets for the service: addresses of ready pods (or all, with publishNotReadyAddresses) and notReadyAddresses. */
export function buildSubsets(svc: ReadOnly<Service>, pods: readonly ReadOnly<Pod>[]): EndpointSubset[] {
  const tolerateUnready = svc.spec?.publishNotReadyAddresses === true;
  // address ip+uid -> { address, ready, ports }
  const entries = new Map<string, { addr: Address; ready: boolean; ports: Map<string, Port> }>();
  const svcPorts = svc.spec?.ports ?? [];
  for (const p of pods) {
    if (!shouldPodBeInEndpoints(p, tolerateUnready)) continue;
    const ready = tolerateUnready || podIsReady(p);
    const addr = addressOf(p, svc);
    const key = `${addr.ip}/${p.metadata.uid ?? p.metadata.name ?? ''}`;
    if (svcPorts.length === 0) {
      // headless services without ports still publish addresses
      if (isHeadlessService(svc)) entries.set(key, { addr, ready, ports: new Map() });
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(p, sp);
      if (port === undefined) continue;
      const ep: Port = { port, protocol: sp.protocol ?? 'TCP', ...(sp.name ? { name: sp.name } : {}), ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) };
      let e = entries.get(key);
      if (!e) entries.set(key, (e = { addr, ready, ports: new Map() }));
      e.ports.set(portKey(ep), ep);
    }
  }
  // group by port set
  const groups = new Map<string, { ports: Port[]; ready: Address[]; notReady: Address[] }>();
  for (const e of entries.values()) {
    const ports = [...e.ports.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, v]) => v);
    const gk = ports.map(portKey).join(',');
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { ports, ready: [], notReady: [] }));
    (e.ready ? g.ready : g.notReady).push(e.addr);
  }
  const byAddr = (a: Address, b: Address) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? '') < (b.targetRef?.uid ?? '') ? -1 : 1);
  const out: EndpointSubset[] = [];
  for (const gk of [...groups.keys()].sort()) {
    const g = groups.get(gk)!;
    g.ready.sort(byAddr);
    g.notReady.sort(byAddr);
    out.push({
      ...(g.ready.length ? { addresses: g.ready } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    });
  }
  return out;
}
