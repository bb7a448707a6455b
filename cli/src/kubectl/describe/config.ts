// describe configmap, secret and namespace (kubectl's dedicated layouts).
import type { Ctx } from '../common/context';
import { fetchEvents, writeEvents } from './events';
import { DescribeWriter, annotations, arr, labels, obj, str } from './writer';

type J = Record<string, unknown>;

export async function describeConfigMap(ctx: Ctx, cm: J): Promise<string> {
  const w = new DescribeWriter();
  const meta = obj(cm.metadata);
  w.line(0, 'Name:', str(meta.name));
  w.line(0, 'Namespace:', str(meta.namespace));
  labels(w, 0, meta.labels);
  annotations(w, 0, meta.annotations);
  w.write(0, '\nData\n====\n');
  const data = obj(cm.data);
  for (const k of Object.keys(data).sort()) w.write(0, `${k}:\n----\n${str(data[k])}\n\n`);
  w.write(0, '\nBinaryData\n====\n');
  const bin = obj(cm.binaryData);
  for (const k of Object.keys(bin).sort()) w.write(0, `${k}: ${Buffer.from(str(bin[k]), 'base64').length} bytes\n`);
  w.write(0, '\n');
  writeEvents(w, await fetchEvents(ctx, cm));
  return w.render();
}

export async function describeSecret(_ctx: Ctx, s: J): Promise<string> {
  const w = new DescribeWriter();
  const meta = obj(s.metadata);
  w.line(0, 'Name:', str(meta.name));
  w.line(0, 'Namespace:', str(meta.namespace));
  labels(w, 0, meta.labels);
  annotations(w, 0, meta.annotations);
  w.write(0, '\n');
  w.line(0, 'Type:', str(s.type, 'Opaque'));
  w.write(0, '\nData\n====\n');
  const data = obj(s.data);
  for (const k of Object.keys(data).sort()) {
    const bytes = Buffer.from(str(data[k]), 'base64');
    if (k === 'token' && s.type === 'kubernetes.io/service-account-token') w.line(0, `${k}:`, bytes.toString('utf8'));
    else w.line(0, `${k}:`, `${bytes.length} bytes`);
  }
  return w.render();
}

export async function describeNamespace(ctx: Ctx, ns: J): Promise<string> {
  const w = new DescribeWriter();
  const meta = obj(ns.metadata);
  const name = str(meta.name);
  w.line(0, 'Name:', name);
  labels(w, 0, meta.labels);
  annotations(w, 0, meta.annotations);
  w.line(0, 'Status:', str(obj(ns.status).phase, 'Active'));
  const list = async (plural: string) => {
    try {
      return arr((await ctx.t.request<J>({ path: `/api/v1/namespaces/${encodeURIComponent(name)}/${plural}` })).items);
    } catch {
      return [];
    }
  };
  const quotas = await list('resourcequotas');
  if (quotas.length === 0) w.write(0, '\nNo resource quota.\n');
  else {
    for (const q of quotas) {
      w.write(0, '\nResource Quotas\n');
      w.line(1, 'Name:', str(obj(q.metadata).name));
      w.line(1, 'Resource', 'Used', 'Hard');
      w.line(1, '--------', '---', '---');
      const hard = obj(obj(q.status).hard);
      const used = obj(obj(q.status).used);
      for (const k of Object.keys(hard).sort()) w.line(1, k, str(used[k], '0'), str(hard[k]));
    }
  }
  const limits = await list('limitranges');
  if (limits.length === 0) w.write(0, '\nNo LimitRange resource.\n');
  else {
    for (const l of limits) {
      w.write(0, '\nResource Limits\n');
      w.line(1, 'Type', 'Resource', 'Min', 'Max', 'Default Request', 'Default Limit', 'Max Limit/Request Ratio');
      w.line(1, '----', '--------', '---', '---', '---------------', '-------------', '-----------------------');
      for (const item of arr(obj(l.spec).limits)) {
        const keys = new Set([...Object.keys(obj(item.min)), ...Object.keys(obj(item.max)), ...Object.keys(obj(item.defaultRequest)), ...Object.keys(obj(item.default)), ...Object.keys(obj(item.maxLimitRequestRatio))]);
        for (const k of [...keys].sort()) {
          const v = (m: unknown) => str(obj(m)[k], '-');
          w.line(1, str(item.type), k, v(item.min), v(item.max), v(item.defaultRequest), v(item.default), v(item.maxLimitRequestRatio));
        }
      }
    }
  }
  return w.render();
}
