// Pod volumes under <root-dir>/pods/<uid>/volumes/<plugin>/<name>: emptyDir (disk or tmpfs), hostPath (type
// checks), configMap, secret, downwardAPI and projected (incl. serviceAccountToken) via the AtomicWriter.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Pod, ConfigMap, Secret, Volume } from '@kubets/api';
import { parseQuantity } from '@kubets/api';
import { atomicWrite, type FileProjection } from './atomic-writer';
import { formatMap, resourceFieldValue, type EnvSources } from '../pod/env';
import { persistentVolumePath, type ClaimSources } from './persistent';

export class VolumeError extends Error {
  constructor(readonly reason: 'FailedMount', message: string) {
    super(message);
  }
}

export interface VolumeSources {
  configMap(ns: string, name: string): ConfigMap | undefined;
  secret(ns: string, name: string): Secret | undefined;
  /** TokenRequest for a service account; returns the token. */
  serviceAccountToken(ns: string, sa: string, audience: string | undefined, expirationSeconds: number, pod: Pod): Promise<string>;
  env: EnvSources;
  /** mount(8) runner (tests pass a fake). */
  mount?(args: string[]): void;
  /** PVC and PV reads for persistentVolumeClaim volumes. */
  claims?: ClaimSources;
}

export function podDir(rootDir: string, uid: string): string {
  return path.join(rootDir, 'pods', uid);
}

const pluginDir: Record<string, string> = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

/**
 * Volumes whose files come from the API (configMap, secret, downwardAPI, projected): always mounted read-only into
 * containers whatever the volumeMount says (upstream ReadOnlyAPIDataVolumes), so a container cannot repoint
 * "..data" or plant files the kubelet would later act on.
 */
export function isApiDataVolume(pod: Pod, name: string): boolean {
  const v = (pod.spec?.volumes ?? []).find((x) => x.name === name) as Record<string, unknown> | undefined;
  return !!v && !!(v['configMap'] || v['secret'] || v['downwardAPI'] || v['projected']);
}

/** Plugins whose payload sits on tmpfs, never on the node's disk (upstream wraps them in a Memory emptyDir). */
const onTmpfs = new Set(['secret', 'projected', 'downwardAPI']);
/** Size cap of those tmpfs mounts: a Secret is at most 1 MiB, and the writer briefly holds two generations. */
const API_VOLUME_TMPFS_SIZE = 64 << 20;

function pluginOf(v: Volume): string | undefined {
  for (const k of Object.keys(pluginDir)) if ((v as Record<string, unknown>)[k]) return k;
  return undefined;
}

function isMounted(p: string): boolean {
  try {
    return fs.readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === p);
  } catch {
    return false;
  }
}

type Items = Array<{ key: string; path: string; mode?: number | null }> | undefined | null;

function keyedFiles(data: Record<string, Buffer>, items: Items, defaultMode: number, what: string, optional: boolean): Map<string, FileProjection> {
  const out = new Map<string, FileProjection>();
  if (items && items.length) {
    for (const it of items) {
      const d = data[it.key];
      if (d === undefined) {
        if (optional) continue;
        throw new VolumeError('FailedMount', `configmap references non-existent config key: ${it.key}`.replace('configmap', what));
      }
      out.set(it.path, { data: d, mode: it.mode ?? defaultMode });
    }
  } else for (const [k, d] of Object.entries(data)) out.set(k, { data: d, mode: defaultMode });
  return out;
}

function cmData(cm: ConfigMap): Record<string, Buffer> {
  const r: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(cm.data ?? {})) r[k] = Buffer.from(String(v));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) r[k] = Buffer.from(String(v), 'base64');
  return r;
}

function secretData(s: Secret): Record<string, Buffer> {
  const r: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(s.data ?? {})) r[k] = Buffer.from(String(v), 'base64');
  for (const [k, v] of Object.entries((s as { stringData?: Record<string, string> }).stringData ?? {})) r[k] = Buffer.from(v);
  return r;
}

function downwardFiles(pod: Pod, items: Array<Record<string, unknown>>, defaultMode: number, src: EnvSources): Map<string, FileProjection> {
  const out = new Map<string, FileProjection>();
  for (const it of items) {
    const p = String(it['path']);
    const mode = typeof it['mode'] === 'number' ? (it['mode'] as number) : defaultMode;
    const fr = it['fieldRef'] as { fieldPath: string } | undefined;
    const rr = it['resourceFieldRef'] as { containerName?: string; resource: string; divisor?: string } | undefined;
    let v = '';
    if (fr) {
      const fp = fr.fieldPath;
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fp);
      if (m && m[1] && m[2]) v = String((pod.metadata[m[1] as 'labels'] ?? {})[m[2]] ?? '');
      else if (fp === 'metadata.labels') v = formatMap(pod.metadata.labels);
      else if (fp === 'metadata.annotations') v = formatMap(pod.metadata.annotations);
      else if (fp === 'metadata.name') v = pod.metadata.name ?? '';
      else if (fp === 'metadata.namespace') v = pod.metadata.namespace ?? '';
      else if (fp === 'metadata.uid') v = pod.metadata.uid ?? '';
      else if (fp === 'spec.nodeName') v = src.nodeName;
      else if (fp === 'spec.serviceAccountName') v = pod.spec?.serviceAccountName ?? '';
      else if (fp === 'status.podIP') v = src.podIP;
      else if (fp === 'status.hostIP') v = src.hostIP;
    } else if (rr) v = resourceFieldValue(pod, rr.containerName, rr.resource, rr.divisor, src);
    out.set(p, { data: Buffer.from(v), mode });
  }
  return out;
}

/** Files of a configMap/secret/downwardAPI/projected volume; undefined when an optional source is missing. */
export async function projectionFor(pod: Pod, v: Volume, src: VolumeSources): Promise<Map<string, FileProjection>> {
  const ns = pod.metadata.namespace ?? 'default';
  const vv = v as unknown as Record<string, Record<string, unknown> | undefined>;
  if (vv['configMap']) {
    const c = vv['configMap'] as { name?: string; items?: Items; defaultMode?: number; optional?: boolean };
    const cm = src.configMap(ns, c.name ?? '');
    if (!cm) {
      if (c.optional) return new Map();
      throw new VolumeError('FailedMount', `MountVolume.SetUp failed for volume "${v.name}" : configmap "${c.name}" not found`);
    }
    return keyedFiles(cmData(cm), c.items, c.defaultMode ?? 0o644, 'configmap', !!c.optional);
  }
  if (vv['secret']) {
    const c = vv['secret'] as { secretName?: string; items?: Items; defaultMode?: number; optional?: boolean };
    const s = src.secret(ns, c.secretName ?? '');
    if (!s) {
      if (c.optional) return new Map();
      throw new VolumeError('FailedMount', `MountVolume.SetUp failed for volume "${v.name}" : secret "${c.secretName}" not found`);
    }
    return keyedFiles(secretData(s), c.items, c.defaultMode ?? 0o644, 'secret', !!c.optional);
  }
  if (vv['downwardAPI']) {
    const c = vv['downwardAPI'] as { items?: Array<Record<string, unknown>>; defaultMode?: number };
    return downwardFiles(pod, c.items ?? [], c.defaultMode ?? 0o644, src.env);
  }
  if (vv['projected']) {
    const c = vv['projected'] as { sources?: Array<Record<string, Record<string, unknown> | undefined>>; defaultMode?: number };
    const mode = c.defaultMode ?? 0o644;
    const out = new Map<string, FileProjection>();
    for (const s of c.sources ?? []) {
      let part = new Map<string, FileProjection>();
      if (s['configMap']) part = await projectionFor(pod, { name: v.name, configMap: { ...s['configMap'], defaultMode: mode } } as Volume, src);
      else if (s['secret']) {
        const sc = s['secret'] as { name?: string };
        part = await projectionFor(pod, { name: v.name, secret: { ...s['secret'], secretName: sc.name, defaultMode: mode } } as Volume, src);
      } else if (s['downwardAPI']) part = downwardFiles(pod, (s['downwardAPI']['items'] as Array<Record<string, unknown>>) ?? [], mode, src.env);
      else if (s['serviceAccountToken']) {
        const t = s['serviceAccountToken'] as { audience?: string; expirationSeconds?: number; path: string };
        const token = await src.serviceAccountToken(ns, pod.spec?.serviceAccountName || 'default', t.audience, t.expirationSeconds ?? 3607, pod);
        part.set(t.path, { data: Buffer.from(token), mode });
      }
      for (const [k, f] of part) out.set(k, f);
    }
    return out;
  }
  return new Map();
}

export interface PodVolumes {
  /** volume name → host path */
  paths: Map<string, string>;
}

function checkHostPath(p: string, type: string | undefined): void {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  const fail = (what: string): never => {
    throw new VolumeError('FailedMount', `MountVolume.SetUp failed: hostPath type check failed: ${p} is not a ${what}`);
  };
  switch (type ?? '') {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!st) fs.mkdirSync(p, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) fail('directory');
      return;
    case 'FileOrCreate':
      if (!st) {
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, '', { mode: 0o644 });
      } else if (!st.isFile()) fail('file');
      return;
    case 'Directory':
      if (!st?.isDirectory()) fail('directory');
      return;
    case 'File':
      if (!st?.isFile()) fail('file');
      return;
    case 'Socket':
      if (!st?.isSocket()) fail('socket');
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) fail('character device');
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) fail('block device');
      return;
    default:
      throw new VolumeError('FailedMount', `invalid hostPath type ${type}`);
  }
}

const defaultMount = (args: string[]): void => void execFileSync('mount', args, { stdio: 'ignore' });

/** Sets up (or refreshes) every volume of the pod; idempotent. */
export async function setUpVolumes(rootDir: string, pod: Pod, src: VolumeSources): Promise<PodVolumes> {
  const uid = pod.metadata.uid ?? '';
  const base = path.join(podDir(rootDir, uid), 'volumes');
  // kubelet-private: containers reach volumes through their bind mounts, never through these parents
  fs.mkdirSync(base, { recursive: true, mode: 0o750 });
  const paths = new Map<string, string>();
  for (const v of pod.spec?.volumes ?? []) {
    const vv = v as unknown as Record<string, Record<string, unknown> | undefined>;
    if (vv['hostPath']) {
      const hp = vv['hostPath'] as { path: string; type?: string };
      checkHostPath(hp.path, hp.type);
      paths.set(v.name, hp.path);
      continue;
    }
    if (v.persistentVolumeClaim) {
      paths.set(v.name, await persistentVolumePath(rootDir, pod, v, src.claims));
      continue;
    }
    const plugin = pluginOf(v);
    if (!plugin) {
      paths.set(v.name, path.join(base, 'kubernetes.io~unsupported', v.name));
      fs.mkdirSync(paths.get(v.name)!, { recursive: true });
      continue;
    }
    const dir = path.join(base, pluginDir[plugin]!, v.name);
    paths.set(v.name, dir);
    if (plugin === 'emptyDir') {
      const ed = vv['emptyDir'] as { medium?: string; sizeLimit?: string | number };
      fs.mkdirSync(dir, { recursive: true, mode: 0o777 });
      fs.chmodSync(dir, 0o777);
      if (ed.medium === 'Memory' && !isMounted(dir)) {
        const opts = ed.sizeLimit !== undefined ? `size=${Math.floor(parseQuantity(ed.sizeLimit))}` : '';
        (src.mount ?? defaultMount)(['-t', 'tmpfs', ...(opts ? ['-o', opts] : []), 'tmpfs', dir]);
      }
      continue;
    }
    const files = await projectionFor(pod, v, src);
    if (onTmpfs.has(plugin)) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
      // 0755 root: non-root containers must traverse it; the parents (0750, root dir 0700) keep other host users out
      if (!isMounted(dir)) (src.mount ?? defaultMount)(['-t', 'tmpfs', '-o', `mode=0755,size=${API_VOLUME_TMPFS_SIZE}`, 'tmpfs', dir]);
    }
    atomicWrite(dir, files);
  }
  return { paths };
}

/** Mount points under dir (/proc/mounts escapes spaces etc. as octal). */
function mountsUnder(dir: string): string[] {
  try {
    return fs
      .readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => (l.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
      .filter((m) => m.startsWith(dir + '/'));
  } catch {
    return [];
  }
}

/** Unmounts tmpfs volumes and removes the pod directory and its log directory (<root>/logs/<ns>_<name>_<uid>). */
export function tearDownVolumes(rootDir: string, uid: string): void {
  try {
    for (const d of fs.readdirSync(path.join(rootDir, 'logs'))) if (d.endsWith(`_${uid}`)) fs.rmSync(path.join(rootDir, 'logs', d), { recursive: true, force: true });
  } catch {
    /* no logs dir */
  }
  const dir = podDir(rootDir, uid);
  const mounts = mountsUnder(dir);
  for (const m of mounts.sort().reverse()) {
    try {
      execFileSync('umount', [m], { stdio: 'ignore' });
    } catch {
      try {
        execFileSync('umount', ['-l', m], { stdio: 'ignore' });
      } catch {
        /* checked below */
      }
    }
  }
  // Never remove recursively through a mount that is still there: a subPath or tmpfs bind would take its
  // source (possibly a hostPath) with it.
  const left = mountsUnder(dir);
  if (left.length) throw new Error(`cannot remove pod dir ${dir}: still mounted: ${left.join(', ')}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Volumes whose contents come from API objects and must be refreshed when those change. */
export function hasProjectedContent(pod: Pod): boolean {
  return (pod.spec?.volumes ?? []).some((v) => {
    const vv = v as Record<string, unknown>;
    return !!(vv['configMap'] || vv['secret'] || vv['projected'] || vv['downwardAPI']);
  });
}
