#!/usr/bin/env bash
# System packages kubets uses on a node (Debian 12). Idempotent; needs root.
set -euo pipefail
# python3-kubernetes: the official Python client, for the e2e tests that drive kubets with it (PyPI is out of reach)
pkgs=(etcd-server runc conmon containernetworking-plugins iptables iproute2 busybox-static docker-registry skopeo containerd umoci python3-kubernetes)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
