// Scrapes the apiserver's /metrics (Prometheus text) for the scheduler benchmark and summarises where request
// time goes between two scrapes: apiserver_request_duration_seconds by verb/resource/subresource and
// etcd_request_duration_seconds by operation/type (sum and count deltas → requests and mean latency).
'use strict';
const http = require('node:http');

function scrape(url) {
  return new Promise((resolve) => {
    const req = http.get(`${url}/metrics`, { timeout: 10_000 }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve(res.statusCode === 200 ? parse(b) : new Map()));
      res.on('error', () => resolve(new Map()));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(new Map()));
  });
}

const WANT = {
  apiserver_request_duration_seconds: ['verb', 'resource', 'subresource'],
  etcd_request_duration_seconds: ['operation', 'type'],
};

/** Map "metric|k=v,..." → { sum, count } for the two histograms. */
function parse(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)_(sum|count)\{([^}]*)\} ([0-9.eE+-]+|NaN)$/.exec(line);
    if (!m || !WANT[m[1]]) continue;
    const labels = {};
    for (const kv of m[3].matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[kv[1]] = kv[2];
    const key = `${m[1]}|${WANT[m[1]].map((l) => labels[l] ?? '').filter(Boolean).join(' ')}`;
    const e = out.get(key) ?? { sum: 0, count: 0 };
    e[m[2]] += Number(m[4]);
    out.set(key, e);
  }
  return out;
}

/** Rows { metric, what, count, meanMs, totalS } for series that moved between a and b, largest total first. */
function delta(a, b, wallS) {
  const rows = [];
  for (const [k, v] of b) {
    const p = a.get(k) ?? { sum: 0, count: 0 };
    const count = v.count - p.count;
    const sum = v.sum - p.sum;
    if (count <= 0) continue;
    const [metric, what] = k.split('|');
    rows.push({ metric: metric === 'etcd_request_duration_seconds' ? 'etcd' : 'apiserver', what, count, perSec: count / wallS, meanMs: (sum / count) * 1000, totalS: sum });
  }
  return rows.sort((x, y) => y.totalS - x.totalS);
}

module.exports = { scrape, delta };
