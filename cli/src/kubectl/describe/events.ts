// The Events section: events whose involvedObject is the described object, oldest first.
import type { Ctx } from '../common/context';
import { type DescribeWriter, arr, obj, since, str } from './writer';

type J = Record<string, unknown>;

export async function fetchEvents(ctx: Ctx, o: J): Promise<J[]> {
  const meta = obj(o.metadata);
  const ns = str(meta.namespace);
  const sel = [`involvedObject.name=${str(meta.name)}`, ...(ns ? [`involvedObject.namespace=${ns}`] : []), ...(meta.uid ? [`involvedObject.uid=${str(meta.uid)}`] : [])].join(',');
  try {
    const list = await ctx.t.request<J>({ path: ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}/events` : '/api/v1/events', query: { fieldSelector: sel } });
    const items = arr(list.items);
    const when = (e: J) => Date.parse(str(e.lastTimestamp || e.eventTime || obj(e.metadata).creationTimestamp)) || 0;
    return items.sort((a, b) => when(a) - when(b));
  } catch {
    return [];
  }
}

export function writeEvents(w: DescribeWriter, events: J[], now = new Date()): void {
  if (events.length === 0) {
    w.line(0, 'Events:', '<none>');
    return;
  }
  w.write(0, 'Events:\n');
  w.line(1, 'Type', 'Reason', 'Age', 'From', 'Message');
  w.line(1, '----', '------', '----', '----', '-------');
  for (const e of events) {
    const first = str(e.firstTimestamp || e.eventTime || obj(e.metadata).creationTimestamp);
    const last = str(e.lastTimestamp || e.eventTime || first);
    const count = typeof e.count === 'number' ? e.count : Number(obj(e.series).count ?? 1);
    const age = count > 1 ? `${since(last, now)} (x${count} over ${since(first, now)})` : since(last, now);
    const src = obj(e.source);
    const from = str(src.component) ? (str(src.host) ? `${str(src.component)}, ${str(src.host)}` : str(src.component)) : str(e.reportingComponent);
    w.line(1, str(e.type), str(e.reason), age, from, str(e.message).trim());
  }
}
