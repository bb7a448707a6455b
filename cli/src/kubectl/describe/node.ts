// describe node.
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
  const conds = arr(st.conditions);
  if (conds.length) {
    w.write(0, 'Conditions:\n');
    w.line(1, 'Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message');
    w.line(1, '----', '------', '-----------------', '------------------', '------', '-------');
    for (const c of conds) w.line(1, str(c.type), str(c.status), rfc1123z(c.lastHeartbeatTime), rfc1123z(c.lastTransitionTime), str(c.reason), str(c.message));
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
  w.line(0, 'Non-terminated Pods:', `(${pods.length} in total)`);
  if (pods.length) {
    w.line(1, 'Namespace', 'Name', 'CPU Requests', 'CPU Limits', 'Memory Requests', 'Memory Limits', 'Age');
    w.line(1, '---------', '----', '------------', '----------', '---------------', '-------------', '---');
    for (const p of pods) {
      const sum = (kind: 'requests' | 'limits', res: string) => {
        const vals = arr(obj(p.spec).containers).map((c) => obj(obj(c.resources)[kind])[res]).filter((v) => v !== undefined);
        return vals.length ? vals.map(String).join('+') : '0';
      };
      const pm = obj(p.metadata);
      w.line(1, str(pm.namespace), str(pm.name), sum('requests', 'cpu'), sum('limits', 'cpu'), sum('requests', 'memory'), sum('limits', 'memory'), since(pm.creationTimestamp));
    }
  }
  writeEvents(w, await fetchEvents(ctx, node));
  return w.render();
}
