#!/usr/bin/env bash
# tools/ensure-engine.sh — make sure a Docker engine answers on this machine.
#
# What: installs Debian's docker.io when no `dockerd` is present, then pings the
# engine socket (DOCKER_HOST=unix://PATH, else /var/run/docker.sock); when it does
# not answer, starts `dockerd --bridge=none --iptables=false --ip6tables=false` in
# the background (log: /var/log/fragments-dockerd.log) and waits up to 60 s
# (FRAGMENTS_ENGINE_TIMEOUT) for /_ping to answer OK.
#
# Why: the machines this project runs on (developers' and CI's) have only the
# docker client and no engine; the engine tests and tools/make-base-images.sh
# need one. The engine never gets a bridge network or iptables rules: this
# machine may not send traffic to private address ranges, and builds/tests here
# run with --network none (or host) only.
#
# Idempotent: when the engine already answers, it only reports its version.
# Needs root. Reads no stdin. Extra dockerd flags: FRAGMENTS_DOCKERD_ARGS.
set -euo pipefail
# shellcheck source=tools/lib/common.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

TIMEOUT="${FRAGMENTS_ENGINE_TIMEOUT:-60}"
LOG_FILE="${FRAGMENTS_DOCKERD_LOG:-/var/log/fragments-dockerd.log}"
start="$(now)"

sock="$(engine_socket)"
if [ -z "$sock" ]; then
  # A remote engine (tcp://, ssh://) is not ours to start: just check it.
  docker version >/dev/null 2>&1 || die "DOCKER_HOST=$DOCKER_HOST does not answer, and is not a local unix socket this script can start"
  log "remote engine at $DOCKER_HOST answers"
  exit 0
fi

if engine_ping "$sock"; then
  log "engine already answers on $sock"
else
  require_root
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  if ! command -v dockerd >/dev/null 2>&1; then
    log "no dockerd installed: installing Debian's docker.io"
    apt_install docker.io
    command -v dockerd >/dev/null 2>&1 || die "docker.io installed but no dockerd on PATH"
  fi
  # Is a dockerd (ours or someone's) still starting up? Then just wait for it.
  pidfile=/var/run/docker.pid
  if [ -s "$pidfile" ] && proc_alive "$(cat "$pidfile")" dockerd; then
    log "dockerd (pid $(cat "$pidfile")) is running but $sock does not answer yet: waiting"
  else
    # A dead (or zombie) dockerd's pid file would make the new one refuse to start.
    [ -e "$pidfile" ] && { log "removing stale $pidfile"; rm -f "$pidfile"; }
    # Same for the containerd that dockerd supervises: with a stale pid file (its
    # process dead or a zombie) dockerd waits on that containerd and gives up.
    cpid=/var/run/docker/containerd/containerd.pid
    if [ -s "$cpid" ] && ! proc_alive "$(cat "$cpid")" containerd; then
      log "removing stale $cpid"; rm -f "$cpid"
    fi
    args=(--bridge=none --iptables=false --ip6tables=false)
    [ "$sock" != /var/run/docker.sock ] && args+=(-H "unix://$sock")
    # shellcheck disable=SC2206  # word-splitting of extra args is intended
    [ -n "${FRAGMENTS_DOCKERD_ARGS:-}" ] && args+=(${FRAGMENTS_DOCKERD_ARGS})
    mkdir -p "$(dirname "$LOG_FILE")"
    printf '\n=== %s: %s starting dockerd %s\n' "$(date -u +%FT%TZ)" "$0" "${args[*]}" >>"$LOG_FILE"
    log "starting dockerd ${args[*]} (log: $LOG_FILE)"
    # setsid: own session, so the engine outlives this script and its process group.
    setsid nohup dockerd "${args[@]}" </dev/null >>"$LOG_FILE" 2>&1 &
    dpid=$!
    log "dockerd launched (pid $dpid)"
  fi
  wait_for_engine "$sock" "$TIMEOUT" "${dpid:-}" "$LOG_FILE" "the engine"
  log "engine answers on $sock"
fi

ver="$(DOCKER_HOST="unix://$sock" docker version --format '{{.Server.Version}}' 2>/dev/null || true)"
bridges="$(curl -fsS --max-time 5 --unix-socket "$sock" 'http://localhost/networks' | grep -o '"Driver":"bridge"' | wc -l || true)"
[ "$bridges" -eq 0 ] || warn "the engine has $bridges bridge network(s); this project's engine should have none (--bridge=none)"
log "engine ${ver:-?} ready on $sock ($(elapsed "$start"))"
