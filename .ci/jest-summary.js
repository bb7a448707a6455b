#!/usr/bin/env node
// Runs jest and ends with the one line CI reads: "N passed, N failed".
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const out = path.join(os.tmpdir(), `kts-jest-${process.pid}.json`);
const args = ['jest', '--json', `--outputFile=${out}`, ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit' });
let passed = 0, failed = 0;
try {
  const res = JSON.parse(fs.readFileSync(out, 'utf8'));
  passed = res.numPassedTests;
  failed = res.numFailedTests + (res.numRuntimeErrorTestSuites || 0);
  fs.unlinkSync(out);
} catch { failed += 1; }
console.log(`${passed} passed, ${failed} failed`);
process.exit(r.status === 0 && failed === 0 ? 0 : 1);
