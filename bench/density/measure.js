// Pure helpers of the density benchmark: quantiles, the API server's latency histograms, /proc memory, CPU profiles.
'use strict';
const fs = require('node:fs');

/** Nearest-rank quantile of numbers (q in [0, 1]). */
function quantile(values, q) {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

function labelsOf(text) {
  const out = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]] = m[2];
  return out;
}

/**
 * p50/p99 per verb and resource[/subresource] from apiserver_request_duration_seconds, as Prometheus'
 * histogram_quantile does (linear inside the bucket). WATCH and CONNECT are long-running: left out, as in
 * clusterloader2's API responsiveness measurement.
 */
function apiLatencies(metricsText) {
  const series = new Map(); // key → Map(le → cumulative count)
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith('apiserver_request_duration_seconds_bucket{')) continue;
    const close = line.lastIndexOf('}');
    const l = labelsOf(line.slice(line.indexOf('{') + 1, close));
    if (l.verb === 'WATCH' || l.verb === 'CONNECT' || !l.le) continue;
    const key = `${l.verb} ${l.resource || '-'}${l.subresource ? `/${l.subresource}` : ''}`;
    const buckets = series.get(key) ?? new Map();
    const le = l.le === '+Inf' ? Infinity : Number(l.le);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(line.slice(close + 1).trim()));
    series.set(key, buckets);
  }
  const rows = [];
  for (const [key, buckets] of series) {
    const b = [...buckets.entries()].sort((x, y) => x[0] - y[0]);
    const count = b.length ? b[b.length - 1][1] : 0;
    if (count === 0) continue;
    const [verb, resource] = key.split(' ');
    rows.push({ verb, resource, count, p50Ms: histogramQuantile(b, 0.5, count), p99Ms: histogramQuantile(b, 0.99, count) });
  }
  return rows.sort((x, y) => y.p99Ms - x.p99Ms);
}

function histogramQuantile(buckets, q, count) {
  const rank = q * count;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, c] of buckets) {
    if (c >= rank) {
      if (le === Infinity) return Math.round(prevLe * 1000); // beyond the last bucket: its bound, as Prometheus does
      const inBucket = c - prevCount;
      const v = inBucket > 0 ? prevLe + ((le - prevLe) * (rank - prevCount)) / inBucket : le;
      return Math.round(v * 1000 * 10) / 10;
    }
    prevLe = le;
    prevCount = c;
  }
  return Math.round(prevLe * 1000);
}

/** VmHWM (peak) and VmRSS of a process, in bytes; undefined once it has exited. */
function memoryOf(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(s)?.[1] ?? 0) * 1024;
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return undefined;
  }
}

/** Top self-time frames of a V8 .cpuprofile (what `node --cpu-prof` writes). */
function topFrames(profileFile, n = 15) {
  const p = JSON.parse(fs.readFileSync(profileFile, 'utf8'));
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]);
    const dt = p.timeDeltas[i] ?? 0;
    if (!node) continue;
    total += dt;
    const cf = node.callFrame;
    const where = cf.url ? `${cf.url.replace(/^.*\/(node_modules|[a-z-]+\/dist)\//, '$1/')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([frame, us]) => ({ frame, selfMs: Math.round(us / 1000), percent: Math.round((1000 * us) / Math.max(1, total)) / 10 }));
}

module.exports = { quantile, apiLatencies, histogramQuantile, memoryOf, topFrames };
