// Container environment: env/envFrom/valueFrom, service link variables and $(VAR) expansion (upstream's
// third_party/forked/golang/expansion semantics: $(VAR) expands when defined, $$ escapes to $, anything else is kept).
import type { Pod, Container, Service, ConfigMap, Secret } from '@kubets/api';
import { parseQuantity } from '@kubets/api';

/** Expands $(VAR) references in s using lookup; $$(VAR) yields the literal $(VAR). */
export function expand(s: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '$' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[i + 1];
    if (n === '$') {
      out += '$';
      i++;
      continue;
    }
    if (n === '(') {
      const end = s.indexOf(')', i + 2);
      if (end < 0) {
        out += s.slice(i); // unterminated: kept as is
        break;
      }
      const name = s.slice(i + 2, end);
      const v = lookup(name);
      out += v !== undefined ? v : `$(${name})`;
      i = end;
      continue;
    }
    out += c; // "$x" is not a reference
  }
  return out;
}

/** Service environment variables (FOO_SERVICE_HOST, FOO_SERVICE_PORT[_NAME], FOO_PORT, FOO_PORT_80_TCP...). */
export function serviceEnv(services: readonly Service[]): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  const sorted = [...services].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const s of sorted) {
    const ip = s.spec?.clusterIP;
    if (!ip || ip === 'None') continue;
    const prefix = (s.metadata.name ?? '').toUpperCase().replace(/-/g, '_');
    const ports = s.spec?.ports ?? [];
    const first = ports[0];
    if (!first) continue;
    out.push({ name: `${prefix}_SERVICE_HOST`, value: ip });
    out.push({ name: `${prefix}_SERVICE_PORT`, value: String(first.port) });
    for (const p of ports) if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`, value: String(p.port) });
    const proto0 = (first.protocol ?? 'TCP').toLowerCase();
    out.push({ name: `${prefix}_PORT`, value: `${proto0}://${ip}:${first.port}` });
    for (const p of ports) {
      const proto = p.protocol ?? 'TCP';
      const base = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push({ name: base, value: `${proto.toLowerCase()}://${ip}:${p.port}` });
      out.push({ name: `${base}_PROTO`, value: proto.toLowerCase() });
      out.push({ name: `${base}_PORT`, value: String(p.port) });
      out.push({ name: `${base}_ADDR`, value: ip });
    }
  }
  return out;
}

export interface EnvSources {
  configMap(ns: string, name: string): ConfigMap | undefined;
  secret(ns: string, name: string): Secret | undefined;
  /** Services visible to the pod (its namespace when enableServiceLinks, plus default/kubernetes). */
  services(ns: string): readonly Service[];
  /** The "kubernetes" service in the default namespace, when known. */
  masterService?(): Service | undefined;
  nodeName: string;
  hostIP: string;
  podIP: string;
  /** Node allocatable cpu (cores) / memory (bytes) for resourceFieldRef of unset limits. */
  nodeAllocatable: { cpu: number; memory: number; 'ephemeral-storage': number };
}

export class EnvError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

function fieldPathValue(pod: Pod, p: string, src: EnvSources): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(p);
  if (m && m[1] && m[2]) return String((pod.metadata[m[1] as 'labels'] ?? {})[m[2]] ?? '');
  switch (p) {
    case 'metadata.name': return pod.metadata.name ?? '';
    case 'metadata.namespace': return pod.metadata.namespace ?? '';
    case 'metadata.uid': return pod.metadata.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata.labels);
    case 'metadata.annotations': return formatMap(pod.metadata.annotations);
    case 'spec.nodeName': return pod.spec?.nodeName ?? src.nodeName;
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP': return src.podIP;
    case 'status.podIPs': return src.podIP;
    case 'status.hostIP': return src.hostIP;
    case 'status.hostIPs': return src.hostIP;
    default: throw new EnvError('CreateContainerConfigError', `unsupported fieldPath ${p}`);
  }
}

/** key="value" lines sorted by key, as the downward API writes maps. */
export function formatMap(m: Record<string, string> | undefined | null): string {
  return Object.keys(m ?? {}).sort().map((k) => `${k}=${JSON.stringify((m ?? {})[k])}`).join('\n');
}

export function resourceFieldValue(pod: Pod, containerName: string | undefined, resource: string, divisor: string | number | undefined, src: EnvSources): string {
  const c = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === containerName);
  const [kind, res] = resource.split('.') as [string, string];
  const raw = (c?.resources?.[kind === 'limits' ? 'limits' : 'requests'] as Record<string, string | number> | undefined)?.[res];
  let v = raw !== undefined ? parseQuantity(raw) : kind === 'limits' ? src.nodeAllocatable[res as 'cpu'] ?? 0 : 0;
  const d = divisor !== undefined ? parseQuantity(divisor) : 1;
  v = v / (d || 1);
  return String(Math.ceil(v - 1e-9));
}

/** The container's environment in order (envFrom, then env; service vars first), with $(VAR) expanded. */
export function makeEnvironment(pod: Pod, container: Container, src: EnvSources): Array<{ key: string; value: string }> {
  const ns = pod.metadata.namespace ?? 'default';
  const result = new Map<string, string>();
  const svcVars = new Map<string, string>();
  const services = pod.spec?.enableServiceLinks === false ? [] : src.services(ns).filter((s) => !(s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes' && ns !== 'default'));
  for (const v of serviceEnv(services)) svcVars.set(v.name, v.value);
  const master = src.masterService?.();
  if (master) for (const v of serviceEnv([master])) svcVars.set(v.name, v.value);
  for (const ef of container.envFrom ?? []) {
    const prefix = ef.prefix ?? '';
    if (ef.configMapRef) {
      const cm = src.configMap(ns, ef.configMapRef.name ?? '');
      if (!cm) {
        if (ef.configMapRef.optional) continue;
        throw new EnvError('CreateContainerConfigError', `configmap "${ef.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) result.set(prefix + k, String(v));
    }
    if (ef.secretRef) {
      const s = src.secret(ns, ef.secretRef.name ?? '');
      if (!s) {
        if (ef.secretRef.optional) continue;
        throw new EnvError('CreateContainerConfigError', `secret "${ef.secretRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(s.data ?? {})) result.set(prefix + k, Buffer.from(String(v), 'base64').toString('utf8'));
    }
  }
  const lookup = (name: string): string | undefined => result.get(name) ?? svcVars.get(name);
  for (const e of container.env ?? []) {
    let value: string | undefined;
    if (e.value !== undefined && e.value !== null) value = expand(e.value, lookup);
    else if (e.valueFrom) {
      const vf = e.valueFrom;
      if (vf.fieldRef) value = fieldPathValue(pod, vf.fieldRef.fieldPath, src);
      else if (vf.resourceFieldRef) value = resourceFieldValue(pod, vf.resourceFieldRef.containerName || container.name, vf.resourceFieldRef.resource, vf.resourceFieldRef.divisor as string | undefined, src);
      else if (vf.configMapKeyRef) {
        const r = vf.configMapKeyRef;
        const cm = src.configMap(ns, r.name ?? '');
        const v = cm?.data?.[r.key];
        if (v === undefined) {
          if (r.optional) continue;
          throw new EnvError('CreateContainerConfigError', cm ? `couldn't find key ${r.key} in ConfigMap ${ns}/${r.name}` : `configmap "${r.name}" not found`);
        }
        value = String(v);
      } else if (vf.secretKeyRef) {
        const r = vf.secretKeyRef;
        const s = src.secret(ns, r.name ?? '');
        const v = s?.data?.[r.key];
        if (v === undefined) {
          if (r.optional) continue;
          throw new EnvError('CreateContainerConfigError', s ? `couldn't find key ${r.key} in Secret ${ns}/${r.name}` : `secret "${r.name}" not found`);
        }
        value = Buffer.from(String(v), 'base64').toString('utf8');
      }
    }
    result.set(e.name, value ?? '');
  }
  const out: Array<{ key: string; value: string }> = [];
  for (const [k, v] of svcVars) if (!result.has(k)) out.push({ key: k, value: v });
  for (const [k, v] of result) out.push({ key: k, value: v });
  return out;
}

/** Expands command and args against the final environment. */
export function expandCommand(container: Container, env: Array<{ key: string; value: string }>): { command: string[]; args: string[] } {
  const m = new Map(env.map((e) => [e.key, e.value]));
  const lk = (n: string): string | undefined => m.get(n);
  return { command: (container.command ?? []).map((s) => expand(s, lk)), args: (container.args ?? []).map((s) => expand(s, lk)) };
}
