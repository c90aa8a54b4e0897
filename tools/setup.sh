#!/usr/bin/env bash
# tools/setup.sh — everything a fresh Debian machine needs before `npm test` (README's install step; .ci/run runs it).
#
# Root. Only the npm registry and Debian's apt repositories are reachable, so no image can be pulled: the engine is
# Debian's docker.io and the base images are made here from Debian packages.
#   1. tools/ensure-engine.sh     a Docker engine (docker.io; no bridge network, builds use --network none)
#   2. tools/ensure-qemu.sh       binfmt qemu-aarch64 with flag F (arm64 RUN steps under emulation)
#   3. tools/make-base-images.sh  the local base images the engine tests and the offline stack build FROM:
#                                 busybox, devel (gcc) and runtime, for amd64 and arm64 (the example stack is
#                                 tested on both). The arm64 rootfs is debootstrapped under QEMU: ~9 min the first
#                                 time, cached after; FRAGMENTS_BASE_ARCH=amd64 skips arm64 (its tests then fail).
#   4. tools/ensure-test-tools.sh Debian's docker-registry and htpasswd (registry tests start their own), git
#   5. npm ci                     dependencies; its `prepare` step compiles the TypeScript (tsc -b)
# Each phase is timed; the first failing phase stops the run with its exit code. Safe to run again: every phase
# skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive

phases=()
run_start=$(date +%s)
report() {
  local rc=$?
  echo
  echo "=== setup phase timings"
  local p; for p in "${phases[@]}"; do echo "  $p"; done
  echo "  total: $(( $(date +%s) - run_start ))s (exit $rc)"
}
trap report EXIT

phase() { # NAME CMD...
  local name="$1"; shift
  echo
  echo "=== setup: $name"
  local t0 rc=0; t0=$(date +%s)
  "$@" || rc=$?
  local dt=$(( $(date +%s) - t0 ))
  if [ "$rc" -ne 0 ]; then
    phases+=("$name: FAILED (exit $rc) after ${dt}s")
    echo "=== setup: $name failed (exit $rc) after ${dt}s" >&2
    exit "$rc"
  fi
  phases+=("$name: ${dt}s")
}

phase "engine"      bash tools/ensure-engine.sh
phase "qemu"        bash tools/ensure-qemu.sh
phase "base images" bash tools/make-base-images.sh --arch "${FRAGMENTS_BASE_ARCH:-all}"
phase "test tools"  bash tools/ensure-test-tools.sh
phase "npm ci"      npm ci --no-audit --no-fund
