#!/usr/bin/env bash
# tools/ci-affected.sh — the CI job: build and push what a change affects, then promote tags atomically.
#
# Usage: FRAGMENTS_REGISTRY=HOST[:PORT][/prefix] tools/ci-affected.sh BASE_REF [HEAD_REF] [TAG...]
#   1. `nx affected -t image --configuration=ci`: every affected fragment is built and pushed by content-hash tag.
#      nx may call more projects affected than really changed (pins.yaml is an input of every fragment); the hash
#      decides: a node whose hash tag the registry already holds is neither built nor pulled.
#   2. Only when step 1 succeeded: `fragments build --push --tag TAG…` over every fragment. Everything is in the
#      registry by then, so nothing builds; the human tags (branch, version, `latest`…) move together, by manifest
#      copy. A failed run never moves a tag.
# Credentials come from ~/.docker/config.json (DOCKER_CONFIG honoured), per registry host.
set -euo pipefail
# Run it from the workspace root (where nx.json is).

base="${1:?usage: tools/ci-affected.sh BASE_REF [HEAD_REF] [TAG...]}"
head="${2:-HEAD}"
shift $(( $# >= 2 ? 2 : 1 ))
: "${FRAGMENTS_REGISTRY:?set FRAGMENTS_REGISTRY to HOST[:PORT][/prefix]}"
export NX_DAEMON="${NX_DAEMON:-false}" FRAGMENTS_REGISTRY

npx nx affected -t image --base="$base" --head="$head" --configuration=ci --outputStyle=stream

if [ $# -gt 0 ]; then
  tags=()
  for t in "$@"; do tags+=(--tag "$t"); done
  profile=()
  [ -f profiles/ci.yaml ] && profile=(--profile ci)
  npx fragments build --push --progress plain "${profile[@]}" "${tags[@]}"
fi
