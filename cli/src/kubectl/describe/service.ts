// describe service.
import type { Ctx } from '../common/context';
import { fetchEvents, writeEvents } from './events';
import { DescribeWriter, annotations, arr, labels, obj, str } from './writer';

type J = Record<string, unknown>;

export async function describeService(ctx: Ctx, svc: J): Promise<string> {
  const w = new DescribeWriter();
  const meta = obj(svc.metadata);
  const spec = obj(svc.spec);
  w.line(0, 'Name:', str(meta.name));
  w.line(0, 'Namespace:', str(meta.namespace));
  labels(w, 0, meta.labels);
  annotations(w, 0, meta.annotations);
  const sel = Object.entries(obj(spec.selector)).map(([k, v]) => `${k}=${String(v)}`).sort();
  w.line(0, 'Selector:', sel.length ? sel.join(',') : '<none>');
  w.line(0, 'Type:', str(spec.type, 'ClusterIP'));
  if (spec.ipFamilyPolicy) w.line(0, 'IP Family Policy:', str(spec.ipFamilyPolicy));
  if (Array.isArray(spec.ipFamilies)) w.line(0, 'IP Families:', (spec.ipFamilies as string[]).join(','));
  w.line(0, 'IP:', str(spec.clusterIP, '<none>'));
  w.line(0, 'IPs:', Array.isArray(spec.clusterIPs) ? (spec.clusterIPs as string[]).join(',') : str(spec.clusterIP, '<none>'));
  if (spec.externalName) w.line(0, 'External Name:', str(spec.externalName));
  let endpoints: J | undefined;
  try {
    endpoints = await ctx.t.request<J>({ path: `/api/v1/namespaces/${encodeURIComponent(str(meta.namespace))}/endpoints/${encodeURIComponent(str(meta.name))}` });
  } catch {
    endpoints = undefined;
  }
  for (const p of arr(spec.ports)) {
    const name = str(p.name) || '<unset>';
    w.line(0, 'Port:', name, `${str(p.port)}/${str(p.protocol, 'TCP')}`);
    if (spec.type !== 'ExternalName') w.line(0, 'TargetPort:', `${str(p.targetPort ?? p.port)}/${str(p.protocol, 'TCP')}`);
    if (p.nodePort) w.line(0, 'NodePort:', name, `${str(p.nodePort)}/${str(p.protocol, 'TCP')}`);
    const addrs: string[] = [];
    for (const sub of arr(endpoints?.subsets)) {
      const port = arr(sub.ports).find((x) => str(x.name) === str(p.name)) ?? (arr(sub.ports).length === 1 ? arr(sub.ports)[0] : undefined);
      if (!port) continue;
      for (const a of arr(sub.addresses)) addrs.push(`${str(a.ip)}:${str(port.port)}`);
    }
    w.line(0, 'Endpoints:', addrs.length ? addrs.join(',') : '<none>');
  }
  w.line(0, 'Session Affinity:', str(spec.sessionAffinity, 'None'));
  if (spec.externalTrafficPolicy) w.line(0, 'External Traffic Policy:', str(spec.externalTrafficPolicy));
  if (spec.internalTrafficPolicy) w.line(0, 'Internal Traffic Policy:', str(spec.internalTrafficPolicy));
  writeEvents(w, await fetchEvents(ctx, svc));
  return w.render();
}
