#!/usr/bin/env bash
# Installs kubets on a Debian 12 machine: system packages (deploy/install-deps.sh), npm ci, build, a
# /usr/local/bin/kts wrapper, /etc/kts/kts.env (from the example, if absent) and the systemd units (not enabled).
# Usage: deploy/install.sh [--dry-run] [--prefix /opt/kts]
#   --dry-run  print what would be done, change nothing (safe anywhere)
set -euo pipefail
DRY=0
PREFIX=/opt/kts
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY=1 ;;
    --prefix) PREFIX="$2"; shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
SRC=$(cd "$(dirname "$0")/.." && pwd)
run() { if [ "$DRY" = 1 ]; then echo "+ $*"; else "$@"; fi; }

if [ "$DRY" = 0 ] && [ "$(id -u)" != 0 ]; then echo "install.sh: run as root (or with --dry-run)" >&2; exit 1; fi
command -v node >/dev/null || { echo "install.sh: Node.js 20 is required" >&2; exit 1; }

run bash "$SRC/deploy/install-deps.sh"
if [ "$SRC" != "$PREFIX" ]; then
  run mkdir -p "$PREFIX"
  run cp -a "$SRC/." "$PREFIX/"
fi
run sh -c "cd '$PREFIX' && npm ci --no-audit --no-fund && npm run build"

WRAPPER='#!/bin/sh
exec node '"$PREFIX"'/cli/bin/kts.js "$@"'
if [ "$DRY" = 1 ]; then echo "+ write /usr/local/bin/kts:"; echo "$WRAPPER" | sed 's/^/    /'; else printf '%s\n' "$WRAPPER" > /usr/local/bin/kts; chmod 0755 /usr/local/bin/kts; fi

run mkdir -p /etc/kts
if [ ! -e /etc/kts/kts.env ]; then run install -m 0600 "$SRC/deploy/kts.env.example" /etc/kts/kts.env; fi
run install -m 0644 "$SRC/deploy/systemd/kts-server.service" /etc/systemd/system/kts-server.service
run install -m 0644 "$SRC/deploy/systemd/kts-agent.service" /etc/systemd/system/kts-agent.service
run systemctl daemon-reload
echo "installed. Edit /etc/kts/kts.env, then: systemctl enable --now kts-server (control plane) or kts-agent (nodes)"
