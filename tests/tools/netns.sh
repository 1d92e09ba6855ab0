#!/usr/bin/env bash
# Run a command inside a fresh network namespace that only has loopback (up), so every
# packet of the tests (SIP over WebSocket, WebRTC media between Chromium instances) stays
# on 127.0.0.1: Chromium's WebRTC would otherwise pick the host's other addresses.
#
#   bash tests/tools/netns.sh <cmd...>       e.g. bash tests/tools/netns.sh npx vitest run
#
# Needs root (or a user namespace): falls back to running the command directly, with a
# warning, when `unshare -n` is not permitted. Inside, RINGSIDE_NETNS=1 is exported.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: bash tests/tools/netns.sh <command> [args...]" >&2
  exit 2
fi

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$repo_root/node_modules/.bin:$PATH"

if [[ "${RINGSIDE_NETNS:-}" == "1" ]]; then
  exec "$@"
fi

if [[ "${RINGSIDE_NO_NETNS:-}" == "1" ]]; then
  echo "netns.sh: RINGSIDE_NO_NETNS=1, running without a private network namespace" >&2
  exec "$@"
fi

enter_ns() {
  # shellcheck disable=SC2016
  local inner='ip link set lo up && export RINGSIDE_NETNS=1 && exec "$@"'
  if [[ "$(id -u)" == "0" ]]; then
    exec unshare --net -- bash -c "$inner" netns "$@"
  else
    # unprivileged: a user namespace mapped to root gives us the net namespace
    exec unshare --user --map-root-user --net -- bash -c "$inner" netns "$@"
  fi
}

if command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1; then
  if [[ "$(id -u)" == "0" ]]; then
    probe=(unshare --net -- ip link set lo up)
  else
    probe=(unshare --user --map-root-user --net -- ip link set lo up)
  fi
  if "${probe[@]}" >/dev/null 2>&1; then
    enter_ns "$@"
  fi
fi

echo "netns.sh: WARNING: cannot create a network namespace (unshare -n not permitted or" \
  "iproute2 missing); running directly on the host network" >&2
export RINGSIDE_NETNS=0
exec "$@"
