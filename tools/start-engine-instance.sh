#!/usr/bin/env bash
# tools/start-engine-instance.sh — start (or stop) an extra, independent Docker engine named NAME.
#
# Usage: tools/start-engine-instance.sh NAME          start it (or report that it already answers)
#        tools/start-engine-instance.sh NAME --stop   stop it and wait until it and its containerd are gone
#
# What: runs a second dockerd next to the main one (tools/ensure-engine.sh), sharing nothing with it:
#   socket     unix:///run/fragments-engine-NAME.sock
#   data-root  /var/lib/fragments-engine-NAME          (images, build cache, the managed containerd's root)
#   exec-root  /run/fragments-engine-NAME              (the managed containerd's state, socket and pid file)
#   pidfile    /run/fragments-engine-NAME.pid
#   log        /var/log/fragments-engine-NAME.log
#   config     /var/lib/fragments-engine-NAME/fragments-daemon.json (written here; not /etc/docker/daemon.json),
#              naming its own key.json, so /info reports an engine ID of its own
# with the same network rules as the main engine: --bridge=none --iptables=false --ip6tables=false (this machine
# may not have bridge networks; builds use --network none). dockerd starts its own managed containerd under the
# exec-root (config, socket, pid file all there), so the two engines' containerds do not meet: no --containerd
# is needed. Prints the socket path on stdout when the engine answers.
#
# Why: tests route builds of one platform to their own engine (as a native arm64 builder would be); they need a
# second engine on another local socket. Nothing can be pulled here, so the caller copies base images into it
# (GET /images/<ref>/get -> POST /images/load; see packages/orchestrator/test/support/second-engine.ts).
#
# Idempotent both ways: starting an engine that answers only reports it; stopping a stopped engine only removes
# stale pid files. Stopping waits until dockerd, its containerd and any shim of that containerd have exited
# (zombies count as exited: this machine's init may not reap them promptly), SIGKILL after
# FRAGMENTS_ENGINE_STOP_TIMEOUT (default 30) seconds; then it unmounts what a killed dockerd left mounted (its
# self bind mount of the data-root, layers). The data-root is kept (images survive a restart).
# Needs root. Reads no stdin. Start timeout: FRAGMENTS_ENGINE_TIMEOUT (default 60 s).
set -euo pipefail
# shellcheck source=tools/lib/common.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() { die "usage: $0 NAME [--stop]   (NAME: 1-32 of a-z 0-9 - _, starting with a letter or digit)"; }

NAME="${1:-}"
ACTION=start
case "$#" in
  1) ;;
  2) [ "$2" = --stop ] || usage; ACTION=stop ;;
  *) usage ;;
esac
# The name ends up in socket paths (≤ 107 bytes) and in pgrep patterns: keep it plain.
[[ "$NAME" =~ ^[a-z0-9][a-z0-9_-]{0,31}$ ]] || usage

TIMEOUT="${FRAGMENTS_ENGINE_TIMEOUT:-60}"
STOP_TIMEOUT="${FRAGMENTS_ENGINE_STOP_TIMEOUT:-30}"
SOCK="/run/fragments-engine-$NAME.sock"
DATA_ROOT="/var/lib/fragments-engine-$NAME"
EXEC_ROOT="/run/fragments-engine-$NAME"
PIDFILE="/run/fragments-engine-$NAME.pid"
LOG_FILE="/var/log/fragments-engine-$NAME.log"
# dockerd's managed containerd writes its pid here (and its socket, config next to it).
CTR_PIDFILE="$EXEC_ROOT/containerd/containerd.pid"
CTR_SOCK="$EXEC_ROOT/containerd/containerd.sock"
# Its own daemon config: not /etc/docker/daemon.json (the main engine's), and its own key.json, from which
# dockerd 20.10 derives the engine ID that /info reports (with the shared /etc/docker/key.json both engines
# would claim the same ID).
CONFIG_FILE="$DATA_ROOT/fragments-daemon.json"
start="$(now)"

require_root

# The pid in FILE when that process is alive (not a zombie) and is called NAME; else nothing.
live_pid() {
  local file="$1" name="$2" pid
  [ -s "$file" ] || return 0
  pid="$(tr -dc 0-9 <"$file" 2>/dev/null || true)"
  if proc_alive "$pid" "$name"; then echo "$pid"; fi
}

# Pids of live containerd shims serving this instance's containerd (their command line names its socket).
shim_pids() {
  local dir pid comm
  for dir in /proc/[0-9]*; do
    pid="${dir#/proc/}"
    comm="$(cat "$dir/comm" 2>/dev/null || true)"
    case "$comm" in containerd-shim*) ;; *) continue ;; esac
    if tr '\0' ' ' <"$dir/cmdline" 2>/dev/null | grep -qF -- "$CTR_SOCK"; then
      proc_alive "$pid" && echo "$pid"
    fi
  done
  return 0
}

# Sends SIGNAL to each live pid; returns 0 when none is left alive after WAIT seconds.
signal_and_wait() {
  local sig="$1" wait="$2"; shift 2
  local pid deadline left
  for pid in "$@"; do kill "-$sig" "$pid" 2>/dev/null || true; done
  deadline=$(( $(date +%s) + wait ))
  while :; do
    left=0
    for pid in "$@"; do proc_alive "$pid" && left=1; done
    [ "$left" = 0 ] && return 0
    [ "$(date +%s)" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}

# After a SIGKILLed dockerd: what it would have unmounted on shutdown. It bind-mounts its data-root onto itself
# (marker: exec-root/unmount-on-shutdown) and mounts container layers and network namespaces below the roots.
# Only called once no process of this instance is left.
unmount_leftovers() {
  local mounts mp
  mapfile -t mounts < <(awk -v d="$DATA_ROOT/" -v e="$EXEC_ROOT/" \
    'index($5, d) == 1 || index($5, e) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  for mp in "${mounts[@]}"; do
    log "unmounting leftover $mp"; umount "$mp" 2>/dev/null || umount -l "$mp" || warn "cannot unmount $mp"
  done
  if [ -e "$EXEC_ROOT/unmount-on-shutdown" ]; then
    if mountpoint -q "$DATA_ROOT"; then
      log "unmounting the leftover bind mount of $DATA_ROOT"; umount "$DATA_ROOT" || warn "cannot unmount $DATA_ROOT"
    fi
    rm -f "$EXEC_ROOT/unmount-on-shutdown"
  fi
}

remove_stale_pidfiles() {
  if [ -e "$PIDFILE" ] && [ -z "$(live_pid "$PIDFILE" dockerd)" ]; then
    log "removing stale $PIDFILE"; rm -f "$PIDFILE"
  fi
  # A stale containerd pid file (process dead or a zombie) makes dockerd wait on that containerd and give up.
  if [ -e "$CTR_PIDFILE" ] && [ -z "$(live_pid "$CTR_PIDFILE" containerd)" ]; then
    log "removing stale $CTR_PIDFILE"; rm -f "$CTR_PIDFILE"
  fi
}

stop_engine() {
  local dpid cpid shims
  dpid="$(live_pid "$PIDFILE" dockerd)"
  cpid="$(live_pid "$CTR_PIDFILE" containerd)"
  if [ -n "$dpid" ]; then
    log "stopping dockerd $NAME (pid $dpid)"
    # dockerd stops its managed containerd itself on SIGTERM (and unmounts its layers).
    if ! signal_and_wait TERM "$STOP_TIMEOUT" "$dpid"; then
      warn "dockerd $NAME (pid $dpid) still runs after ${STOP_TIMEOUT}s: SIGKILL"
      signal_and_wait KILL 10 "$dpid" || die "dockerd $NAME (pid $dpid) survives SIGKILL"
    fi
  fi
  # Its containerd normally exits with it; after a SIGKILLed or crashed dockerd it is left behind.
  if [ -n "$cpid" ] && proc_alive "$cpid" containerd; then
    log "stopping the containerd of $NAME (pid $cpid)"
    signal_and_wait TERM 10 "$cpid" || signal_and_wait KILL 10 "$cpid" || die "containerd $NAME (pid $cpid) survives SIGKILL"
  fi
  # Containers a killed dockerd left running: those of `docker run` (runc root of the moby namespace) and of
  # RUN steps (BuildKit's runc executor). A graceful stop leaves none.
  local root id
  for root in "$EXEC_ROOT/runtime-runc/moby" "$DATA_ROOT/buildkit/executor"; do
    if [ ! -d "$root" ] || ! command -v runc >/dev/null 2>&1; then continue; fi
    for id in $(runc --root "$root" list -q 2>/dev/null || true); do
      log "removing leftover container $id (runc root $root)"
      runc --root "$root" delete --force "$id" >&2 || warn "runc delete --force $id failed"
    done
  done
  # Shims of containers that were still running (builds use runc directly, but `docker run` uses shims).
  mapfile -t shims < <(shim_pids)
  if [ "${#shims[@]}" -gt 0 ]; then
    log "stopping ${#shims[@]} containerd shim(s) of $NAME: ${shims[*]}"
    signal_and_wait TERM 5 "${shims[@]}" || signal_and_wait KILL 5 "${shims[@]}" || die "shims of $NAME survive SIGKILL"
  fi
  unmount_leftovers
  remove_stale_pidfiles
  [ -S "$SOCK" ] && { log "removing stale socket $SOCK"; rm -f "$SOCK"; }
  if [ -z "$dpid" ] && [ -z "$cpid" ] && [ "${#shims[@]}" -eq 0 ]; then
    log "engine $NAME is not running"
  else
    log "engine $NAME stopped ($(elapsed "$start"))"
  fi
}

start_engine() {
  local dpid="" args
  if engine_ping "$SOCK"; then
    log "engine $NAME already answers on $SOCK"
    echo "$SOCK"
    return 0
  fi
  command -v dockerd >/dev/null 2>&1 || die "no dockerd installed: run tools/ensure-engine.sh first"
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  local running
  running="$(live_pid "$PIDFILE" dockerd)"
  if [ -n "$running" ]; then
    log "dockerd $NAME (pid $running) is running but $SOCK does not answer yet: waiting"
  else
    remove_stale_pidfiles
    # A containerd left behind by a killed dockerd holds the exec-root's socket: dockerd would reuse its pid
    # file only if it is alive, so stop it rather than run two.
    local orphan
    orphan="$(live_pid "$CTR_PIDFILE" containerd)"
    if [ -n "$orphan" ]; then
      log "stopping orphaned containerd of $NAME (pid $orphan)"
      signal_and_wait TERM 10 "$orphan" || signal_and_wait KILL 10 "$orphan" || die "containerd $NAME (pid $orphan) survives SIGKILL"
      rm -f "$CTR_PIDFILE"
    fi
    # dockerd would otherwise refuse: "address already in use" for a socket file left by a killed engine.
    [ -S "$SOCK" ] && { log "removing stale socket $SOCK"; rm -f "$SOCK"; }
    args=(
      -H "unix://$SOCK"
      --data-root "$DATA_ROOT"
      --exec-root "$EXEC_ROOT"
      --pidfile "$PIDFILE"
      --config-file "$CONFIG_FILE"
      --bridge=none --iptables=false --ip6tables=false
    )
    mkdir -p "$(dirname "$LOG_FILE")" "$DATA_ROOT" "$EXEC_ROOT"
    chmod 710 "$DATA_ROOT"
    printf '{ "deprecated-key-path": "%s/key.json" }\n' "$DATA_ROOT" >"$CONFIG_FILE"
    printf '\n=== %s: %s starting dockerd %s\n' "$(date -u +%FT%TZ)" "$0" "${args[*]}" >>"$LOG_FILE"
    log "starting dockerd ${args[*]} (log: $LOG_FILE)"
    # setsid: own session, so the engine outlives this script and its caller's process group.
    setsid nohup dockerd "${args[@]}" </dev/null >>"$LOG_FILE" 2>&1 &
    dpid=$!
    log "dockerd $NAME launched (pid $dpid)"
  fi
  wait_for_engine "$SOCK" "$TIMEOUT" "$dpid" "$LOG_FILE" "engine $NAME (stop it with: $0 $NAME --stop)"
  local bridges
  bridges="$(curl -fsS --max-time 5 --unix-socket "$SOCK" 'http://localhost/networks' | grep -o '"Driver":"bridge"' | wc -l || true)"
  [ "$bridges" -eq 0 ] || warn "engine $NAME has $bridges bridge network(s); it should have none (--bridge=none)"
  log "engine $NAME answers on $SOCK ($(elapsed "$start"))"
  echo "$SOCK"
}

case "$ACTION" in
  start) start_engine ;;
  stop) stop_engine ;;
esac
