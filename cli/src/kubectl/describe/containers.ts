// Containers sections of describe (pods and pod templates).
import { type DescribeWriter, arr, obj, rfc1123z, str } from './writer';

type J = Record<string, unknown>;

function ports(c: J, key: 'containerPort' | 'hostPort'): string {
  const ps = arr(c.ports);
  if (ps.length === 0) return '<none>';
  return ps.map((p) => `${String(p[key] ?? 0)}/${str(p.protocol, 'TCP')}`).join(', ');
}

function state(w: DescribeWriter, level: number, title: string, st: J): void {
  if (st.running) {
    w.line(level, `${title}:`, 'Running');
    w.line(level + 1, 'Started:', rfc1123z(obj(st.running).startedAt));
  } else if (st.waiting) {
    w.line(level, `${title}:`, 'Waiting');
    if (obj(st.waiting).reason) w.line(level + 1, 'Reason:', str(obj(st.waiting).reason));
  } else if (st.terminated) {
    const t = obj(st.terminated);
    w.line(level, `${title}:`, 'Terminated');
    if (t.reason) w.line(level + 1, 'Reason:', str(t.reason));
    if (t.message) w.line(level + 1, 'Message:', str(t.message));
    w.line(level + 1, 'Exit Code:', str(t.exitCode, '0'));
    if (t.signal) w.line(level + 1, 'Signal:', str(t.signal));
    w.line(level + 1, 'Started:', rfc1123z(t.startedAt));
    w.line(level + 1, 'Finished:', rfc1123z(t.finishedAt));
  } else w.line(level, `${title}:`, 'Waiting');
}

function envValue(e: J): string {
  if (e.value !== undefined) return str(e.value);
  const vf = obj(e.valueFrom);
  if (vf.fieldRef) return `(${str(obj(vf.fieldRef).apiVersion, 'v1')}:${str(obj(vf.fieldRef).fieldPath)})`;
  if (vf.resourceFieldRef) return `${str(obj(vf.resourceFieldRef).resource)}`;
  if (vf.configMapKeyRef) {
    const r = obj(vf.configMapKeyRef);
    return `<set to the key '${str(r.key)}' of config map '${str(r.name)}'>\tOptional: ${str(r.optional, 'false')}`;
  }
  if (vf.secretKeyRef) {
    const r = obj(vf.secretKeyRef);
    return `<set to the key '${str(r.key)}' in secret '${str(r.name)}'>\tOptional: ${str(r.optional, 'false')}`;
  }
  return '';
}

function resources(w: DescribeWriter, level: number, title: string, m: J): void {
  const keys = Object.keys(m).sort();
  if (!keys.length) return;
  w.line(level, `${title}:`);
  for (const k of keys) w.line(level + 1, `${k}:`, str(m[k]));
}

/** One container. `statuses` is undefined for templates (no State/Ready). */
export function describeContainer(w: DescribeWriter, level: number, c: J, status: J | undefined, template: boolean): void {
  // kubectl indents a pod template's container names by one extra space (but not their fields).
  w.write(level, `${template ? ' ' : ''}${str(c.name)}:\n`);
  const l = level + 1;
  if (status) w.line(l, 'Container ID:', str(status.containerID));
  w.line(l, 'Image:', str(c.image));
  if (status) w.line(l, 'Image ID:', str(status.imageID));
  const ps = arr(c.ports);
  w.line(l, ps.length > 1 ? 'Ports:' : 'Port:', ports(c, 'containerPort'));
  w.line(l, ps.length > 1 ? 'Host Ports:' : 'Host Port:', ports(c, 'hostPort'));
  for (const [title, list] of [['Command', c.command], ['Args', c.args]] as const) {
    if (Array.isArray(list) && list.length) {
      w.line(l, `${title}:`);
      for (const a of list) w.write(l + 1, `${String(a)}\n`);
    }
  }
  if (status) {
    state(w, l, 'State', obj(status.state));
    const last = obj(status.lastState);
    if (Object.keys(last).length) state(w, l, 'Last State', last);
    w.line(l, 'Ready:', status.ready === true ? 'True' : 'False');
    w.line(l, 'Restart Count:', str(status.restartCount, '0'));
  }
  const r = obj(c.resources);
  resources(w, l, 'Limits', obj(r.limits));
  resources(w, l, 'Requests', obj(r.requests));
  for (const [title, probe] of [['Liveness', c.livenessProbe], ['Readiness', c.readinessProbe], ['Startup', c.startupProbe]] as const) {
    const p = obj(probe);
    if (!Object.keys(p).length) continue;
    const how = p.httpGet ? `http-get ${str(obj(p.httpGet).scheme, 'HTTP').toLowerCase()}://${str(obj(p.httpGet).host)}:${str(obj(p.httpGet).port)}${str(obj(p.httpGet).path)}` : p.tcpSocket ? `tcp-socket :${str(obj(p.tcpSocket).port)}` : p.exec ? `exec [${((obj(p.exec).command ?? []) as string[]).join(' ')}]` : 'unknown';
    w.line(l, `${title}:`, `${how} delay=${str(p.initialDelaySeconds, '0')}s timeout=${str(p.timeoutSeconds, '1')}s period=${str(p.periodSeconds, '10')}s #success=${str(p.successThreshold, '1')} #failure=${str(p.failureThreshold, '3')}`);
  }
  const env = arr(c.env);
  const envFrom = arr(c.envFrom);
  if (env.length === 0 && envFrom.length === 0) w.line(l, 'Environment:', '<none>');
  else {
    if (envFrom.length) {
      w.line(l, 'Environment Variables from:');
      for (const f of envFrom) {
        const ref = obj(f.configMapRef ?? f.secretRef);
        w.line(l + 1, str(ref.name), `${f.configMapRef ? 'ConfigMap' : 'Secret'}  Optional: ${str(ref.optional, 'false')}`);
      }
    }
    if (env.length) {
      w.line(l, 'Environment:');
      for (const e of env) w.line(l + 1, `${str(e.name)}:`, envValue(e));
    }
  }
  const mounts = arr(c.volumeMounts);
  if (mounts.length === 0) w.line(l, 'Mounts:', '<none>');
  else {
    w.line(l, 'Mounts:');
    for (const m of mounts.sort((a, b) => str(a.mountPath).localeCompare(str(b.mountPath)))) {
      const flags = [m.readOnly ? 'ro' : 'rw', ...(m.subPath ? [`path="${str(m.subPath)}"`] : [])].join(',');
      w.write(l + 1, `${str(m.mountPath)} from ${str(m.name)} (${flags})\n`);
    }
  }
}

export function describeContainers(w: DescribeWriter, level: number, title: string, containers: J[], statuses: J[] | undefined): void {
  w.write(level, `${title}:\n`);
  // Pods: names one level below the title. Templates (no statuses): names at the title's level plus one space.
  for (const c of containers) describeContainer(w, statuses ? level + 1 : level, c, statuses?.find((s) => s.name === c.name), !statuses);
}

export function describeVolumes(w: DescribeWriter, level: number, vols: J[]): void {
  if (vols.length === 0) {
    w.line(level, 'Volumes:', '<none>');
    return;
  }
  w.write(level, 'Volumes:\n');
  const l = level + 2;
  for (const v of vols) {
    w.write(level + 1, `${str(v.name)}:\n`);
    if (v.emptyDir) {
      const e = obj(v.emptyDir);
      w.line(l, 'Type:', "EmptyDir (a temporary directory that shares a pod's lifetime)");
      w.line(l, 'Medium:', str(e.medium));
      w.line(l, 'SizeLimit:', str(e.sizeLimit, '<unset>'));
    } else if (v.configMap) {
      const c = obj(v.configMap);
      w.line(l, 'Type:', 'ConfigMap (a volume populated by a ConfigMap)');
      w.line(l, 'Name:', str(c.name));
      w.line(l, 'Optional:', str(c.optional, 'false'));
    } else if (v.secret) {
      const c = obj(v.secret);
      w.line(l, 'Type:', 'Secret (a volume populated by a Secret)');
      w.line(l, 'SecretName:', str(c.secretName));
      w.line(l, 'Optional:', str(c.optional, 'false'));
    } else if (v.hostPath) {
      const h = obj(v.hostPath);
      w.line(l, 'Type:', `HostPath (bare host directory volume)`);
      w.line(l, 'Path:', str(h.path));
      w.line(l, 'HostPathType:', str(h.type));
    } else if (v.persistentVolumeClaim) {
      const c = obj(v.persistentVolumeClaim);
      w.line(l, 'Type:', 'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)');
      w.line(l, 'ClaimName:', str(c.claimName));
      w.line(l, 'ReadOnly:', str(c.readOnly, 'false'));
    } else if (v.projected) {
      w.line(l, 'Type:', 'Projected (a volume that contains injected data from multiple sources)');
      for (const s of arr(obj(v.projected).sources)) {
        if (s.serviceAccountToken) w.line(l, 'TokenExpirationSeconds:', str(obj(s.serviceAccountToken).expirationSeconds, '3607'));
        if (s.configMap) {
          w.line(l, 'ConfigMapName:', str(obj(s.configMap).name));
          w.line(l, 'ConfigMapOptional:', str(obj(s.configMap).optional, '<nil>'));
        }
        if (s.downwardAPI) w.line(l, 'DownwardAPI:', 'true');
      }
    } else w.line(l, 'Type:', '<unknown>');
  }
}

export function tolerations(w: DescribeWriter, level: number, tols: J[]): void {
  if (tols.length === 0) {
    w.line(level, 'Tolerations:', '<none>');
    return;
  }
  tols.forEach((t, i) => {
    let s = str(t.key);
    if (t.value) s += `=${str(t.value)}`;
    if (t.effect) s += `:${str(t.effect)}`;
    if (t.operator === 'Exists' && !t.value) s += t.key ? ' op=Exists' : 'op=Exists';
    if (typeof t.tolerationSeconds === 'number') s += ` for ${t.tolerationSeconds}s`;
    if (i === 0) w.line(level, 'Tolerations:', s);
    else w.line(level, '', s);
  });
}
