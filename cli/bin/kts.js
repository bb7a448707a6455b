#!/usr/bin/env node
// The kts binary: every component is a subcommand (k3s-style). Built code lives in cli/dist.
const path = require('path');
const fs = require('fs');
const main = path.join(__dirname, '..', 'dist', 'main.js');
if (!fs.existsSync(main)) {
  console.error('kts is not built yet: run `npm ci && npm run build` in ' + path.resolve(__dirname, '..', '..'));
  process.exit(1);
}
// When a command has finished, the process should end on its own; if a stray handle keeps it alive, end it anyway
// (a server component that shut down must not linger).
const exitSoon = () => setTimeout(() => process.exit(process.exitCode || 0), 5000).unref();
require(main).main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; exitSoon(); },
  (err) => { console.error(`error: ${err && err.message ? err.message : err}`); process.exitCode = 1; exitSoon(); },
);
