// describe pod.
import type { Ctx } from '../common/context';
import { fetchEvents, writeEvents } from './events';
import { describeContainers, describeVolumes, tolerations } from './containers';
import { DescribeWriter, annotations, arr, controlledBy, labels, multiline, obj, rfc1123z, str } from './writer';

type J = Record<string, unknown>;

function qosClass(spec: J): string {
  let requests = false;
  let guaranteed = true;
  for (const c of arr(spec.containers)) {
    const r = obj(c.resources);
    const req = obj(r.requests);
    const lim = obj(r.limits);
    if (Object.keys(req).length || Object.keys(lim).length) requests = true;
    for (const k of ['cpu', 'memory']) {
      if (lim[k] === undefined || (req[k] !== undefined && String(req[k]) !== String(lim[k]))) guaranteed = false;
    }
  }
  if (!requests) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export async function describePod(ctx: Ctx, pod: J): Promise<string> {
  const w = new DescribeWriter();
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  const st = obj(pod.status);
  w.line(0, 'Name:', str(meta.name));
  w.line(0, 'Namespace:', str(meta.namespace));
  w.line(0, 'Priority:', str(spec.priority, '0'));
  if (spec.priorityClassName) w.line(0, 'Priority Class Name:', str(spec.priorityClassName));
  w.line(0, 'Service Account:', str(spec.serviceAccountName, 'default'));
  w.line(0, 'Node:', spec.nodeName ? `${str(spec.nodeName)}/${str(st.hostIP)}` : '<none>');
  if (st.startTime) w.line(0, 'Start Time:', rfc1123z(st.startTime));
  labels(w, 0, meta.labels);
  annotations(w, 0, meta.annotations);
  if (meta.deletionTimestamp) {
    w.line(0, 'Status:', `Terminating (lasts ${str(meta.deletionTimestamp)})`);
    w.line(0, 'Termination Grace Period:', `${str(meta.deletionGracePeriodSeconds, '30')}s`);
  } else w.line(0, 'Status:', str(st.phase, 'Pending'));
  if (st.reason) w.line(0, 'Reason:', str(st.reason));
  if (st.message) w.line(0, 'Message:', str(st.message));
  w.line(0, 'IP:', str(st.podIP));
  const ips = arr(st.podIPs);
  if (ips.length === 0) w.line(0, 'IPs:', '<none>');
  else {
    w.write(0, 'IPs:\n');
    for (const ip of ips) w.line(1, 'IP:', str(ip.ip));
  }
  controlledBy(w, meta);
  if (st.nominatedNodeName) w.line(0, 'NominatedNodeName:', str(st.nominatedNodeName));
  if (arr(spec.initContainers).length) describeContainers(w, 0, 'Init Containers', arr(spec.initContainers), arr(st.initContainerStatuses));
  describeContainers(w, 0, 'Containers', arr(spec.containers), arr(st.containerStatuses));
  const conds = arr(st.conditions);
  if (conds.length) {
    w.write(0, 'Conditions:\n');
    w.line(1, 'Type', 'Status');
    for (const c of conds) w.line(1, `${str(c.type)} `, `${str(c.status)} `);
  }
  describeVolumes(w, 0, arr(spec.volumes));
  w.line(0, 'QoS Class:', str(st.qosClass) || qosClass(spec));
  multiline(w, 0, 'Node-Selectors', obj(spec.nodeSelector) as Record<string, string>);
  tolerations(w, 0, arr(spec.tolerations));
  writeEvents(w, await fetchEvents(ctx, pod));
  return w.render();
}
