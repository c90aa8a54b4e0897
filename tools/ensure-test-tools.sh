#!/usr/bin/env bash
# tools/ensure-test-tools.sh — Debian packages the tests run besides the engine: a real registry and htpasswd.
#
# Why: registry behaviour is tested against a real registry, Debian's docker-registry (distribution 2.8), which the
# tests start themselves on 127.0.0.1 with a temporary storage folder (with and without htpasswd auth); nothing
# here starts it (its package's service start is suppressed). git runs the CI-flow tests. Safe to run twice.
set -euo pipefail
# shellcheck source=tools/lib/common.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
require_root

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
command -v git >/dev/null 2>&1 || missing+=(git)
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}"
else
  log "docker-registry, htpasswd and git are installed"
fi
