#!/usr/bin/env node
// Regenerates api/src/protobuf/k8s-messages.ts: for every Go struct reachable from the kinds kubets serves,
// each field's JSON name, protobuf field number, proto type and Go shape (pointer, omitempty, inline, list, map).
// Source of truth is the Go struct tags of kubernetes/api and kubernetes/apimachinery (the same tags go-to-protobuf
// reads to write generated.proto).
// Roots are every kind in api's allKinds (build api first: npx tsc -b api), their Lists, and the meta kinds.
// Usage: node proto/scripts/gen-k8s-fields.mjs <kubernetes/api git dir> <kubernetes/apimachinery git dir>
//          <kubernetes/kube-aggregator git dir>   (jsonOnlyMessages in api/src/protobuf are skipped)
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const [apiGit, machineryGit, aggregatorGit] = process.argv.slice(2);
if (!apiGit || !machineryGit || !aggregatorGit) throw new Error('usage: gen-k8s-fields.mjs API_GIT_DIR APIMACHINERY_GIT_DIR KUBE_AGGREGATOR_GIT_DIR');

const git = (dir, ...args) => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
const commitOf = (dir) => git(dir, 'rev-parse', 'HEAD').trim();

// Go package → OpenAPI definition prefix, and the import aliases its files use for each other.
const PACKAGES = [
  ...['core', 'apps', 'batch', 'coordination', 'discovery', 'networking', 'policy', 'rbac', 'scheduling', 'autoscaling', 'authentication', 'authorization', 'certificates', 'admissionregistration', 'storage'].map((g) => ({ dir: apiGit, path: `${g}/v1`, prefix: `io.k8s.api.${g}.v1`, pkg: `${g}v1` })),
  { dir: apiGit, path: 'authentication/v1beta1', prefix: 'io.k8s.api.authentication.v1beta1', pkg: 'authenticationv1beta1' },
  { dir: apiGit, path: 'autoscaling/v2', prefix: 'io.k8s.api.autoscaling.v2', pkg: 'autoscalingv2' },
  { dir: aggregatorGit, path: 'pkg/apis/apiregistration/v1', prefix: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1', pkg: 'apiregistrationv1' },
  // alpha types that v1 structs point to (pointer fields, so never set by kubets)
  { dir: apiGit, path: 'scheduling/v1alpha3', prefix: 'io.k8s.api.scheduling.v1alpha3', pkg: 'schedulingv1alpha3' },
  { dir: machineryGit, path: 'pkg/apis/meta/v1', prefix: 'io.k8s.apimachinery.pkg.apis.meta.v1', pkg: 'metav1' },
];
// Types with a hand-written protobuf form (see proto/src/k8s/special.ts).
const SPECIAL = {
  'metav1.Time': 'Time',
  'metav1.MicroTime': 'MicroTime',
  'metav1.Duration': 'Duration',
  'metav1.FieldsV1': 'FieldsV1',
  'resource.Quantity': 'Quantity',
  'intstr.IntOrString': 'IntOrString',
  'runtime.RawExtension': 'RawExtension',
};
const SCALARS = { string: 'string', bool: 'bool', int32: 'int32', int64: 'int64', float64: 'double', '[]byte': 'bytes', 'types.UID': 'string', 'metav1.Verbs': null };

const structs = new Map(); // full name → fields
const named = new Map(); // full name → Go type expression (non-struct named types)

for (const p of PACKAGES) {
  const files = git(p.dir, 'ls-tree', '--name-only', 'HEAD', `${p.path}/`).split('\n').filter((f) => f.endsWith('.go') && !f.endsWith('_test.go') && !f.includes('generated'));
  for (const f of files) {
    const src = git(p.dir, 'show', `HEAD:${f}`);
    const lines = src.split('\n');
    // this file's import aliases (`v1 "k8s.io/api/authentication/v1"`) → the package they name
    const aliases = new Map();
    for (const im of src.matchAll(/^\s*(\w+)?\s*"(k8s\.io\/[^"]+)"/gm)) {
      const importPath = im[2];
      const target = PACKAGES.find((q) => importPath.endsWith(`/${q.path}`) || (q.dir === machineryGit && importPath === `k8s.io/apimachinery/${q.path}`));
      if (target) aliases.set(im[1] ?? importPath.split('/').pop(), target);
    }
    const filePkg = { ...p, aliases };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      let m = /^type (\w+) struct \{/.exec(line);
      if (m) {
        const fields = [];
        for (i++; i < lines.length && !/^\}/.test(lines[i]); i++) {
          const l = lines[i].trim();
          if (l.startsWith('//') || !l.includes('`')) continue;
          const fm = /^(\w+)?\s*([^`]*?)\s*`(.*)`/.exec(l);
          if (!fm) continue;
          let [, name, type, tags] = fm;
          if (!type || type.startsWith('.')) { type = name + (type ?? ''); name = ''; } // embedded
          const tag = (k) => new RegExp(`\\b${k}:"([^"]*)"`).exec(tags)?.[1];
          fields.push({ name, type: type.trim(), json: tag('json'), protobuf: tag('protobuf') });
        }
        structs.set(`${p.prefix}.${m[1]}`, { fields, pkg: filePkg });
        continue;
      }
      m = /^type (\w+) (\S.*?)\s*$/.exec(line);
      if (m && !m[2].startsWith('interface') && !m[2].startsWith('=') && !m[2].startsWith('struct')) named.set(`${p.prefix}.${m[1]}`, { type: m[2], pkg: filePkg });
    }
  }
}

function qualify(expr, pkg) {
  // "metav1.ObjectMeta" → full name; "PodSpec" → pkg prefix; "corev1.X"/"v1.X" → that package.
  const dot = expr.indexOf('.');
  if (dot < 0) return `${pkg.prefix}.${expr}`;
  const alias = expr.slice(0, dot);
  const rest = expr.slice(dot + 1);
  if (alias === 'metav1') return `io.k8s.apimachinery.pkg.apis.meta.v1.${rest}`;
  const imported = pkg.aliases?.get(alias);
  if (imported) return `${imported.prefix}.${rest}`;
  const target = PACKAGES.find((p) => p.pkg === alias || (alias === 'v1' && p.pkg === 'corev1') || (alias === 'apiv1' && p.pkg === 'corev1'));
  if (!target) return undefined;
  return `${target.prefix}.${rest}`;
}

/** Go type expression → { type, rep, map, ptr } */
function resolve(expr, pkg, seen = 0) {
  let t = expr.trim();
  const shape = { ptr: false, rep: false, map: false };
  if (t.startsWith('*')) { shape.ptr = true; t = t.slice(1); }
  if (t === '[]byte') return { ...shape, type: 'bytes' };
  if (t.startsWith('[]')) { shape.rep = true; t = t.slice(2); if (t.startsWith('*')) t = t.slice(1); }
  const mm = /^map\[([^\]]+)\](.+)$/.exec(t);
  if (mm) {
    // a map whose values are a named slice (authentication's ExtraValue []string) is map<string, Wrapper{1: items}>
    const value = resolve(mm[2], pkg, seen + 1);
    if (value.rep && value.type === 'string') return { ...shape, map: true, type: 'StringList' };
    shape.map = true;
    t = mm[2];
  }
  if (SPECIAL[t]) return { ...shape, type: SPECIAL[t] };
  if (t in SCALARS) return { ...shape, type: SCALARS[t] };
  if (t === 'metav1.Verbs') return { ...shape, rep: true, type: 'string' };
  const full = qualify(t, pkg);
  const special = full?.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.') && SPECIAL[`metav1.${full.split('.').pop()}`];
  if (special) return { ...shape, type: special };
  if (full && structs.has(full)) return { ...shape, type: full };
  const alias = full && named.get(full);
  if (alias && seen < 5) {
    const inner = resolve(alias.type, alias.pkg, seen + 1);
    return { ptr: shape.ptr || inner.ptr, rep: shape.rep || inner.rep, map: shape.map || inner.map, type: inner.type };
  }
  throw new Error(`cannot resolve Go type ${expr} in ${pkg.prefix}`);
}

const out = new Map();
const { allKinds: served, jsonOnlyMessages } = createRequire(import.meta.url)('../../api/dist');
const allKinds = served.filter((k) => !jsonOnlyMessages.has(k.schema.$id));
const roots = [
  ...allKinds.flatMap((k) => [k.schema.$id, `${k.schema.$id}List`]).filter((n) => structs.has(n)),
  'io.k8s.api.policy.v1.Eviction',
  'io.k8s.api.autoscaling.v1.Scale',
  'io.k8s.api.authentication.v1.TokenRequest',
  ...['Status', 'WatchEvent', 'DeleteOptions', 'ListMeta', 'List'].map((k) => `io.k8s.apimachinery.pkg.apis.meta.v1.${k}`),
];
for (const k of allKinds) if (!structs.has(k.schema.$id)) throw new Error(`kind ${k.kind}: no Go struct ${k.schema.$id}`);
const queue = [...roots];
while (queue.length) {
  const name = queue.shift();
  if (out.has(name)) continue;
  const s = structs.get(name);
  if (!s) throw new Error(`no struct ${name}`);
  const fields = [];
  for (const f of s.fields) {
    if (!f.protobuf || f.protobuf === '-' || f.json === '-') continue;
    const [, num, , ...opts] = f.protobuf.split(',');
    const protoName = opts.find((o) => o.startsWith('name='))?.slice(5);
    const jsonParts = (f.json ?? '').split(',');
    const inline = jsonParts[0] === '';
    const r = resolve(f.type, s.pkg);
    const goBase = f.type.replace(/^\*/, '').split('.').pop();
    const key = inline ? protoName ?? goBase[0].toLowerCase() + goBase.slice(1) : jsonParts[0] || protoName;
    const flags = [];
    if (r.rep) flags.push('rep');
    if (r.map) flags.push('map');
    if (r.ptr) flags.push('ptr');
    if (jsonParts.includes('omitempty')) flags.push('omit');
    if (inline) flags.push('inline');
    fields.push({ key, num: Number(num), type: r.type, flags });
    if (r.type.includes('.') && !out.has(r.type)) queue.push(r.type);
  }
  out.set(name, fields);
}

const short = (t) => t;
let ts = `// GENERATED by proto/scripts/gen-k8s-fields.mjs from the Go struct tags of kubernetes/api@${commitOf(apiGit).slice(0, 12)},
// kubernetes/apimachinery@${commitOf(machineryGit).slice(0, 12)} and kubernetes/kube-aggregator@${commitOf(aggregatorGit).slice(0, 12)}.
// Do not edit: rerun the script.
// Per message (keyed by its OpenAPI name, as the kind schemas' $id): JSON name → [field number, type, flags].
import type { MessageTable } from './types';

export const k8sMessages: MessageTable = {\n`;
for (const name of [...out.keys()].sort()) {
  ts += `  '${name}': {\n`;
  for (const f of out.get(name)) {
    const k = /^[A-Za-z_$][\w$]*$/.test(f.key) ? f.key : `'${f.key}'`;
    ts += `    ${k}: [${f.num}, '${short(f.type)}'${f.flags.length ? `, '${f.flags.join(' ')}'` : ''}],\n`;
  }
  ts += '  },\n';
}
ts += '};\n';
const target = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../api/src/protobuf/k8s-messages.ts');
writeFileSync(target, ts);
console.log(`${out.size} messages → ${target}`);
