// The admin credentials of an API server started on a data dir (its cluster PKI under <dir>/tls), as https.Agent
// options: benchmarks measure the API as clients use it — over TLS, authenticated and authorized.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function adminTls(dataDir) {
  const tls = path.join(dataDir, 'tls');
  return { ca: fs.readFileSync(path.join(tls, 'ca.crt')), cert: fs.readFileSync(path.join(tls, 'admin.crt')), key: fs.readFileSync(path.join(tls, 'admin.key')) };
}

module.exports = { adminTls };
