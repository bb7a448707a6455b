// describe deployment (and the pod template block shared with other workloads).
import type { Ctx } from '../common/context';
import { resourcePath } from '../common/discovery';
import { fetchEvents, writeEvents } from './events';
import { describeContainers, describeVolumes, tolerations } from './containers';
import { DescribeWriter, annotations, arr, labels, multiline, obj, rfc1123z, selectorText, str } from './writer';

type J = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : 0);

export function podTemplate(w: DescribeWriter, level: number, tmpl: J): void {
  const meta = obj(tmpl.metadata);
  const spec = obj(tmpl.spec);
  w.write(level, 'Pod Template:\n');
  labels(w, level + 1, meta.labels);
  if (Object.keys(obj(meta.annotations)).length) annotations(w, level + 1, meta.annotations);
  if (spec.serviceAccountName) w.line(level + 1, 'Service Account:', str(spec.serviceAccountName));
  if (arr(spec.initContainers).length) describeContainers(w, level + 1, 'Init Containers', arr(spec.initContainers), undefined);
  describeContainers(w, level + 1, 'Containers', arr(spec.containers), undefined);
  describeVolumes(w, level + 1, arr(spec.volumes));
  multiline(w, level + 1, 'Node-Selectors', obj(spec.nodeSelector) as Record<string, string>);
  tolerations(w, level + 1, arr(spec.tolerations));
}

function rsSummary(rs: J): string {
  const m = obj(rs.metadata);
  return `${str(m.name)} (${num(obj(rs.status).replicas)}/${num(obj(rs.spec).replicas)} replicas created)`;
}

export async function describeDeployment(ctx: Ctx, d: J): Promise<string> {
  const w = new DescribeWriter();
  const meta = obj(d.metadata);
  const spec = obj(d.spec);
  const st = obj(d.status);
  w.line(0, 'Name:', str(meta.name));
  w.line(0, 'Namespace:', str(meta.namespace));
  w.line(0, 'CreationTimestamp:', rfc1123z(meta.creationTimestamp));
  labels(w, 0, meta.labels);
  annotations(w, 0, meta.annotations);
  w.line(0, 'Selector:', selectorText(spec.selector));
  w.line(0, 'Replicas:', `${num(spec.replicas)} desired | ${num(st.updatedReplicas)} updated | ${num(st.replicas)} total | ${num(st.availableReplicas)} available | ${num(st.unavailableReplicas)} unavailable`);
  const strategy = obj(spec.strategy);
  w.line(0, 'StrategyType:', str(strategy.type, 'RollingUpdate'));
  w.line(0, 'MinReadySeconds:', str(spec.minReadySeconds, '0'));
  if (str(strategy.type, 'RollingUpdate') === 'RollingUpdate') {
    const ru = obj(strategy.rollingUpdate);
    w.line(0, 'RollingUpdateStrategy:', `${str(ru.maxUnavailable, '25%')} max unavailable, ${str(ru.maxSurge, '25%')} max surge`);
  }
  podTemplate(w, 0, obj(spec.template));
  const conds = arr(st.conditions);
  if (conds.length) {
    w.write(0, 'Conditions:\n');
    w.line(1, 'Type', 'Status', 'Reason');
    w.line(1, '----', '------', '------');
    for (const c of conds) w.line(1, str(c.type), str(c.status), str(c.reason));
  }
  let rses: J[] = [];
  try {
    const list = await ctx.t.request<J>({ path: resourcePath({ group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true }, str(meta.namespace)) });
    rses = arr(list.items).filter((rs) => arr(obj(rs.metadata).ownerReferences).some((r) => r.controller === true && r.uid === meta.uid));
  } catch {
    rses = [];
  }
  const tmplJson = JSON.stringify(obj(spec.template).spec ?? {});
  const isNew = (rs: J) => JSON.stringify(obj(obj(rs.spec).template).spec ?? {}) === tmplJson;
  const newRs = rses.find(isNew);
  const old = rses.filter((rs) => rs !== newRs && num(obj(rs.spec).replicas) > 0);
  w.line(0, 'OldReplicaSets:', old.length ? old.map(rsSummary).join(', ') : '<none>');
  w.line(0, 'NewReplicaSet:', newRs ? rsSummary(newRs) : '<none>');
  writeEvents(w, await fetchEvents(ctx, d));
  return w.render();
}
