#!/usr/bin/env bash
# Runs kts from this checkout; installs npm dependencies and builds on first use (or when sources changed).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
if [ ! -d "$root/node_modules" ]; then
  echo "kts: installing npm dependencies (first run)…" >&2
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
if [ ! -f "$root/cli/dist/main.js" ] || [ -n "$(find "$root" -path "$root/node_modules" -prune -o -path '*/src/*.ts' -newer "$root/cli/dist/main.js" -print -quit)" ]; then
  echo "kts: building (tsc -b)…" >&2
  (cd "$root" && npm run build --silent) >&2
fi
exec node "$root/cli/bin/kts.js" "$@"
