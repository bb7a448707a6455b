// describe node.
import { formatQuantity, tryParseQuantity } from '@kubets/api';
import type { Ctx } from '../common/context';
import { fetchEvents, writeEvents } from './events';
import { DescribeWriter, annotations, arr, labels, obj, rfc1123z, since, str } from './writer';

type J = Record<string, unknown>;

export async function describeNode(ctx: Ctx, node: J): Promise<string> {
  const w = new DescribeWriter();
  const meta = obj(node.metadata);
  const spec = obj(node.spec);
  const st = obj(node.status);
  const lbls = obj(meta.labels) as Record<string, string>;
  const roles = Object.keys(lbls).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).sort();
  w.line(0, 'Name:', str(meta.name));
  w.line(0, 'Roles:', roles.length ? roles.join(',') : '<none>');
  labels(w, 0, meta.labels);
  annotations(w, 0, meta.annotations);
  w.line(0, 'CreationTimestamp:', rfc1123z(meta.creationTimestamp));
  const taints = arr(spec.taints).map((t) => `${str(t.key)}${t.value ? `=${str(t.value)}` : ''}:${str(t.effect)}`);
  if (taints.length === 0) w.line(0, 'Taints:', '<none>');
  else taints.forEach((t, i) => w.line(0, i === 0 ? 'Taints:' : '', t));
  w.line(0, 'Unschedulable:', spec.unschedulable === true ? 'true' : 'false');
  try {
    const lease = await ctx.t.request<J>({ path: `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${encodeURIComponent(str(meta.name))}` });
    const ls = obj(lease.spec);
    w.write(0, 'Lease:\n');
    w.line(1, 'HolderIdentity:', str(ls.holderIdentity, '<unset>'));
    w.line(1, 'AcquireTime:', ls.acquireTime ? rfc1123z(ls.acquireTime) : '<unset>');
    w.line(1, 'RenewTime:', ls.renewTime ? rfc1123z(ls.renewTime) : '<unset>');
  } catch (e) {
    w.line(0, 'Lease:', `Failed to get lease: ${e instanceof Error ? e.message : String(e)}`);
  }
  const conds = arr(st.conditions);
  if (conds.length) {
    w.write(0, 'Conditions:\n');
    w.line(1, 'Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message');
    w.line(1, '----', '------', '-----------------', '------------------', '------', '-------');
    for (const c of conds) w.line(1, `${str(c.type)} `, `${str(c.status)} `, `${rfc1123z(c.lastHeartbeatTime)} `, `${rfc1123z(c.lastTransitionTime)} `, `${str(c.reason)} `, str(c.message));
  }
  w.write(0, 'Addresses:\n');
  for (const a of arr(st.addresses)) w.line(1, `${str(a.type)}:`, str(a.address));
  for (const [title, m] of [['Capacity', st.capacity], ['Allocatable', st.allocatable]] as const) {
    const keys = Object.keys(obj(m)).sort();
    if (!keys.length) continue;
    w.write(0, `${title}:\n`);
    for (const k of keys) w.line(1, `${k}:`, str(obj(m)[k]));
  }
  const info = obj(st.nodeInfo);
  if (Object.keys(info).length) {
    w.write(0, 'System Info:\n');
    const fields: Array<[string, string]> = [['Machine ID', 'machineID'], ['System UUID', 'systemUUID'], ['Boot ID', 'bootID'], ['Kernel Version', 'kernelVersion'], ['OS Image', 'osImage'], ['Operating System', 'operatingSystem'], ['Architecture', 'architecture'], ['Container Runtime Version', 'containerRuntimeVersion'], ['Kubelet Version', 'kubeletVersion'], ['Kube-Proxy Version', 'kubeProxyVersion']];
    for (const [t, k] of fields) w.line(1, `${t}:`, str(info[k]));
  }
  if (spec.podCIDR) w.line(0, 'PodCIDR:', str(spec.podCIDR));
  if (Array.isArray(spec.podCIDRs)) w.line(0, 'PodCIDRs:', (spec.podCIDRs as string[]).join(','));
  let pods: J[] = [];
  try {
    const list = await ctx.t.request<J>({ path: '/api/v1/pods', query: { fieldSelector: `spec.nodeName=${str(meta.name)},status.phase!=Succeeded,status.phase!=Failed` } });
    pods = arr(list.items);
  } catch {
    pods = [];
  }
  const alloc = obj(st.allocatable);
  const allocOf = (res: string) => tryParseQuantity(alloc[res] as string | undefined) ?? 0;
  const pct = (v: number, res: string) => (allocOf(res) ? Math.trunc((v / allocOf(res)) * 100) : 0);
  const totals = { req: new Map<string, number>(), lim: new Map<string, number>() };
  const binary = new Set<string>();
  const podSum = (p: J, kind: 'requests' | 'limits', res: string): number => {
    let sum = 0;
    for (const c of arr(obj(p.spec).containers)) {
      const q = obj(obj(c.resources)[kind])[res];
      if (typeof q === 'string' && /i$/.test(q)) binary.add(res);
      sum += tryParseQuantity(q as string | undefined) ?? 0;
    }
    return sum;
  };
  const fmt = (v: number, res: string) => formatQuantity(v, binary.has(res) ? 'BinarySI' : 'DecimalSI');
  w.line(0, 'Non-terminated Pods:', `(${pods.length} in total)`);
  w.line(1, 'Namespace', 'Name', '', 'CPU Requests', 'CPU Limits', 'Memory Requests', 'Memory Limits', 'Age');
  w.line(1, '---------', '----', '', '------------', '----------', '---------------', '-------------', '---');
  for (const p of pods) {
    const pm = obj(p.metadata);
    const cells: string[] = [];
    for (const [kind, res] of [['requests', 'cpu'], ['limits', 'cpu'], ['requests', 'memory'], ['limits', 'memory']] as const) {
      const v = podSum(p, kind, res);
      const m = kind === 'requests' ? totals.req : totals.lim;
      m.set(res, (m.get(res) ?? 0) + v);
      cells.push(`${fmt(v, res)} (${pct(v, res)}%)`);
    }
    w.line(1, str(pm.namespace), str(pm.name), '', ...cells, since(pm.creationTimestamp));
  }
  for (const p of pods) {
    for (const kind of ['requests', 'limits'] as const) {
      const v = podSum(p, kind, 'ephemeral-storage');
      const m = kind === 'requests' ? totals.req : totals.lim;
      m.set('ephemeral-storage', (m.get('ephemeral-storage') ?? 0) + v);
    }
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.line(1, 'Resource', 'Requests', 'Limits');
  w.line(1, '--------', '--------', '------');
  for (const res of ['cpu', 'memory', 'ephemeral-storage']) {
    const rq = totals.req.get(res) ?? 0;
    const lm = totals.lim.get(res) ?? 0;
    w.line(1, res, `${fmt(rq, res)} (${pct(rq, res)}%)`, `${fmt(lm, res)} (${pct(lm, res)}%)`);
  }
  writeEvents(w, await fetchEvents(ctx, node));
  return w.render();
}
