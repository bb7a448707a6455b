// Child process for controllers.bench.js: runs the controller manager from TypeScript sources with the given
// flags until SIGTERM, so the parent can measure its CPU and memory alone.
'use strict';
require('./lib/register-ts');
const { runControllerManager, parseControllerManagerFlags } = require('@kubets/controller-manager');
const ac = new AbortController();
process.on('SIGTERM', () => ac.abort());
runControllerManager(parseControllerManagerFlags(process.argv.slice(2)), ac.signal).then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
process.send?.('started');
