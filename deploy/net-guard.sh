#!/bin/sh
# Keeps cluster traffic on this machine: private ranges (10/8, 172.16/12, 192.168/16) are routed into an empty,
# up bridge `kts-guard` instead of following the default route out. Nameservers from /etc/resolv.conf get /32
# routes via the default gateway first so DNS keeps working. More specific routes (pod bridges) still win.
# Usage: deploy/net-guard.sh apply|remove|status   (idempotent; safe to run concurrently: serialised by flock)
set -eu
GUARD=kts-guard
RANGES="10.0.0.0/8 172.16.0.0/12 192.168.0.0/16"
LOCK=/run/kts-net-guard.lock

nameservers() { awk '/^nameserver/ {print $2}' /etc/resolv.conf | grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' || true; }

apply() {
  gw=$(ip route show default | awk '{print $3; exit}')
  dev=$(ip route show default | awk '{print $5; exit}')
  if [ -n "$gw" ] && [ -n "$dev" ]; then
    for ns in $(nameservers); do
      # Only nameservers that would otherwise be captured by the guard need the /32.
      ip route replace "$ns/32" via "$gw" dev "$dev"
    done
  fi
  ip link show "$GUARD" >/dev/null 2>&1 || ip link add "$GUARD" type bridge
  ip link set "$GUARD" up
  for r in $RANGES; do
    # Do not replace an existing more-specific-to-us route with the same prefix on another device.
    if ! ip route show exact "$r" | grep -q .; then ip route add "$r" dev "$GUARD"; fi
  done
}

remove() {
  for r in $RANGES; do ip route del "$r" dev "$GUARD" 2>/dev/null || true; done
  ip link del "$GUARD" 2>/dev/null || true
  gw=$(ip route show default | awk '{print $3; exit}')
  for ns in $(nameservers); do ip route del "$ns/32" via "$gw" 2>/dev/null || true; done
}

status() {
  ip link show "$GUARD" >/dev/null 2>&1 && echo "guard link: present" || echo "guard link: absent"
  for r in $RANGES; do printf '%s -> %s\n' "$r" "$(ip route show exact "$r" | head -n1)"; done
}

cmd=${1:-apply}
exec 9>"$LOCK"
flock 9
case "$cmd" in
  apply) apply ;;
  remove) remove ;;
  status) status ;;
  *) echo "usage: $0 apply|remove|status" >&2; exit 2 ;;
esac
