#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.js in turn (or the ones named on the command line).
// Benchmarks print figures and ratios against a baseline measured in the same run; they never fail on speed.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const only = process.argv.slice(2);
// density/ holds one benchmark in several files (its default sizes: --nodes 20,100)
const files = [...fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')), 'density/density.bench.js'].filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
if (!fs.existsSync(path.join(__dirname, '..', 'cli', 'dist', 'main.js'))) {
  console.error('build first: npm run build');
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, f)], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.log(`(${f} exited with ${r.status})`); }
}
process.exit(failed ? 1 : 0);
