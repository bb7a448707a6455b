// Lets plain-node benchmarks require the workspaces' TypeScript sources directly (no build step):
// compiles .ts on require with @swc/core (already a dev dependency for jest) and maps @kubets/<ws>[/<path>]
// to <ws>/src[/<path>], as jest's moduleNameMapper does.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const origResolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const m = /^@kubets\/([a-z-]+)(?:\/(.*))?$/.exec(request);
  if (m) request = path.join(root, m[1], 'src', m[2] || '');
  return origResolve.call(this, request, parent, ...rest);
};
require.extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const out = swc.transformSync(src, {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(out.code, filename);
};
