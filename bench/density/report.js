// The density benchmark's markdown: one column per size, the 1,000-node target beside each figure, and per-pod
// memory growth between the smallest and the largest size (what the targets are about at scale).
'use strict';

const fmt = (v, unit = '') => (v === null || v === undefined ? '—' : `${v}${unit}`);

function report(results, o) {
  const head = results.map((r) => `${r.nodes} nodes (${r.pods} pods)`);
  const lines = [
    `### Density: ${o.podsPerNode} pods/node, controller-manager --kube-api-qps ${o.kubeApiQps}, pod start delay ${o.podStartDelay}`,
    '',
    `| measurement | ${head.join(' | ')} | target at 1,000 × 30 |`,
    `|---|${head.map(() => '---:').join('|')}|---|`,
  ];
  const row = (name, f, target = '') => lines.push(`| ${name} | ${results.map(f).join(' | ')} | ${target} |`);
  row('saturation (pods/s)', (r) => fmt(r.saturationPodsPerS) + (r.saturationNote ? ` (${r.saturationNote})` : ''), '≥ 300');
  row('saturation (s)', (r) => fmt(r.saturationS));
  row('pod startup p50 / p90 / p99 (ms)', (r) => (r.podStartup ? `${r.podStartup.p50Ms} / ${r.podStartup.p90Ms} / ${r.podStartup.p99Ms}` : '—'), 'p99 ≤ 5,000 (SLO)');
  row('LIST all pods (ms)', (r) => (r.listAllPods ? `${r.listAllPods.ms} (${r.listAllPods.items} pods)` : '—'));
  row('namespace delete (s)', (r) => fmt(r.namespaceDeleteS) + (r.namespaceDeleteNote ? ` (${r.namespaceDeleteNote})` : ''), '≤ 120');
  const targets = { apiserver: '≤ 20 KB/pod', 'controller-manager': '≤ 10 KB/pod', scheduler: '≤ 10 KB/pod' };
  for (const c of ['apiserver', 'controller-manager', 'scheduler', 'hollow-nodes', 'etcd']) {
    row(`${c} peak RSS MiB (KB/pod)`, (r) => `${fmt(r.peakRssMiB?.[c])} (${fmt(r.rssPerPodKB?.[c])})`, targets[c] ?? '');
  }
  row('lease transitions (cm / scheduler)', (r) => `${r.leases?.['kube-controller-manager']?.transitions ?? '—'} / ${r.leases?.['kube-scheduler']?.transitions ?? '—'}`, '0 / 0');
  row('components that exited', (r) => (r.exited?.length ? r.exited.join(', ') : 'none'), 'none');
  if (results.length > 1) {
    const a = results[0];
    const b = results[results.length - 1];
    const growth = (c) => Math.round(((b.peakRssMiB[c] - a.peakRssMiB[c]) * 1024) / (b.pods - a.pods));
    lines.push('', `Memory growth per added pod, ${a.nodes} → ${b.nodes} nodes (peak RSS difference / pod difference):`);
    lines.push(['apiserver', 'controller-manager', 'scheduler', 'hollow-nodes', 'etcd'].map((c) => `${c} ${growth(c)} KB`).join(', ') + '.');
  }
  // API latencies: the slowest p99s of the largest size, with the same rows at the other sizes
  const last = results[results.length - 1];
  const keys = (last.api ?? []).filter((x) => x.count >= 5).slice(0, 12).map((x) => `${x.verb} ${x.resource}`);
  lines.push('', `API p99 (ms) per verb and resource, slowest at ${last.nodes} nodes (count in parentheses; WATCH/CONNECT excluded):`, '');
  lines.push(`| verb resource | ${head.join(' | ')} |`, `|---|${head.map(() => '---:').join('|')}|`);
  for (const k of keys) {
    lines.push(`| ${k} | ${results.map((r) => { const x = (r.api ?? []).find((y) => `${y.verb} ${y.resource}` === k); return x ? `${x.p99Ms} (${x.count})` : '—'; }).join(' | ')} |`);
  }
  for (const r of results) {
    if (!r.cpuProfile) continue;
    lines.push('', `CPU profile of ${r.cpuProfile.component} at ${r.nodes} nodes (top self time; ${r.cpuProfile.file}):`, '');
    for (const f of r.cpuProfile.top) lines.push(`- ${f.percent}% ${f.selfMs} ms ${f.frame}`);
  }
  return lines.join('\n');
}

module.exports = { report };
