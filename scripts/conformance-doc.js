#!/usr/bin/env node
// Regenerates docs/conformance.md from the conformance behaviour list (a TSV: n, sig, area, release, testname,
// what it checks, first guess) and docs/conformance-map.json (kubets' status for each behaviour, keyed by n).
//
//   node scripts/conformance-doc.js ../shared/conformance.tsv [--map docs/conformance-map.json] [--out docs/conformance.md]
//
// Every test reference ("path › \"test name\"") is checked: the file must be tracked in the repository and contain the
// test name. Unresolved references are listed on stderr and make the exit code 1 (the document is still written).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const mapPath = path.resolve(opt('--map', path.join(root, 'docs/conformance-map.json')));
const outPath = path.resolve(opt('--out', path.join(root, 'docs/conformance.md')));
const tsvPath = args[0];
if (!tsvPath || args.length !== 1) {
  process.stderr.write('usage: node scripts/conformance-doc.js <conformance.tsv> [--map docs/conformance-map.json] [--out docs/conformance.md]\n');
  process.exit(2);
}

const STATUSES = ['covered', 'partial', 'missing'];

function readTsv(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift().split('\t');
  const col = (name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${file}: no column "${name}" (have: ${header.join(', ')})`);
    return i;
  };
  const [n, sig, testname] = [col('n'), col('sig'), col('testname')];
  return lines.map((l) => {
    const c = l.split('\t');
    return { n: c[n], sig: c[sig], testname: c[testname] };
  });
}

/** "path › \"name\"" → { file, name }; anything else → undefined */
function parseRef(ref) {
  const m = /^(\S+) › "(.*)"$/.exec(ref);
  return m ? { file: m[1], name: m[2] } : undefined;
}

const fileCache = new Map();
function refProblem(ref) {
  const r = parseRef(ref);
  if (!r) return 'not of the form path › "test name"';
  if (!fileCache.has(r.file)) {
    const abs = path.join(root, r.file);
    fileCache.set(r.file, fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : undefined);
  }
  const text = fileCache.get(r.file);
  if (text === undefined) return `${r.file} does not exist`;
  // names may be written with ' " or ` quotes in the source, so escapes differ: compare without quote characters
  const strip = (s) => s.replace(/\\(['"`])/g, '$1').replace(/['"`]/g, '');
  if (!strip(text).includes(strip(r.name))) return `no test named "${r.name}" in ${r.file}`;
  return undefined;
}

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s) => '`' + s + '`';

function renderRef(ref) {
  const r = parseRef(ref);
  return r ? `${code(r.file)} › "${cell(r.name)}"` : cell(ref);
}

function main() {
  const rows = readTsv(path.resolve(tsvPath));
  const map = JSON.parse(fs.readFileSync(mapPath, 'utf8'));
  const entries = map.entries ?? {};
  const problems = [];
  const seen = new Set();

  const out = [];
  const perSig = new Map();
  const rendered = [];
  for (const row of rows) {
    seen.add(row.n);
    const e = entries[row.n];
    if (!e) {
      problems.push(`n=${row.n}: no entry in ${path.relative(root, mapPath)}`);
      continue;
    }
    if (!STATUSES.includes(e.status)) problems.push(`n=${row.n}: status "${e.status}" is not one of ${STATUSES.join(', ')}`);
    if (e.status !== 'covered' && !e.reason) problems.push(`n=${row.n}: ${e.status} needs a reason`);
    if (e.status === 'covered' && !(e.tests ?? []).length) problems.push(`n=${row.n}: covered needs at least one test`);
    for (const t of e.tests ?? []) {
      const p = refProblem(t);
      if (p) problems.push(`n=${row.n}: ${p}`);
    }
    const counts = perSig.get(row.sig) ?? { covered: 0, partial: 0, missing: 0 };
    counts[e.status] = (counts[e.status] ?? 0) + 1;
    perSig.set(row.sig, counts);

    const tests = (e.tests ?? []).map(renderRef).join('<br>');
    let detail;
    if (e.status === 'covered') detail = tests + (e.note ? `<br>_${cell(e.note)}_` : '');
    else detail = `**${cell(e.reason)}**` + (tests ? `<br>closest: ${tests}` : '');
    rendered.push(`| ${row.n} | ${row.sig.replace(/^sig-/, '')} | ${cell(row.testname)} | ${e.status} | ${detail} |`);
  }
  for (const n of Object.keys(entries)) if (!seen.has(n)) problems.push(`n=${n}: in the map but not in the TSV`);

  const total = { covered: 0, partial: 0, missing: 0 };
  for (const c of perSig.values()) for (const s of STATUSES) total[s] += c[s];
  const all = total.covered + total.partial + total.missing;

  out.push('# Kubernetes conformance checklist');
  out.push('');
  out.push(
    `What kubets covers of Kubernetes' ${rows.length} conformance behaviours (the \`[Conformance]\` tests in test/e2e of kubernetes/kubernetes, one row each, in the order of the list). ` +
      'A row is **covered** only when a kubets test checks the substance of the behaviour (its body was read, not just its name); ' +
      '**partial** when kubets has the feature, or a related test, but no test checks what the upstream test checks; ' +
      '**missing** when kubets lacks the feature or nothing tests it. The reason says what is lacking.',
  );
  out.push('');
  out.push('Tests are cited as `path` › "test name" (e2e tests under `e2e/` run against real etcd, runc and kubectl; the others are unit tests beside the code; the note says when coverage is unit-only).');
  out.push('');
  out.push('## Updating');
  out.push('');
  out.push('Do not edit this file by hand. Change the behaviour\'s entry in `docs/conformance-map.json` (keyed by the row number `n`: `status`, `tests`, `reason`, `note`), then regenerate from the repository root and commit both files:');
  out.push('');
  out.push('```');
  out.push('node scripts/conformance-doc.js ../shared/conformance.tsv');
  out.push('```');
  out.push('');
  out.push('The script checks that every cited test file exists and contains the cited test name, and fails (exit 1) otherwise. CI does not run it.');
  out.push('');
  out.push('## Summary');
  out.push('');
  out.push('| sig | behaviours | covered | partial | missing |');
  out.push('|---|---:|---:|---:|---:|');
  for (const [sig, c] of [...perSig.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(`| ${sig} | ${c.covered + c.partial + c.missing} | ${c.covered} | ${c.partial} | ${c.missing} |`);
  }
  out.push(`| **all** | **${all}** | **${total.covered}** | **${total.partial}** | **${total.missing}** |`);
  out.push('');
  out.push('## Behaviours');
  out.push('');
  out.push('| n | sig | upstream test | status | kubets tests, or what is missing |');
  out.push('|---:|---|---|---|---|');
  out.push(...rendered);
  out.push('');

  fs.writeFileSync(outPath, out.join('\n'));
  process.stdout.write(`wrote ${path.relative(process.cwd(), outPath)}: ${total.covered} covered, ${total.partial} partial, ${total.missing} missing of ${all}\n`);
  if (problems.length) {
    process.stderr.write(`${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

main();
