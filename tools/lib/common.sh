# shellcheck shell=bash
# tools/lib/common.sh — helpers shared by the shell tools in tools/ (sourced, not run).
#
# Why: every tool needs the same few things — log lines with a common prefix, a
# root check, "apt-get update at most once per run", installs that never start
# services behind our back, and the Docker socket location. Keeping them here
# keeps the tools short and their behaviour identical.
#
# Conventions: callers use `set -euo pipefail`; nothing here reads stdin.

FRAGMENTS_TOOL="$(basename "${BASH_SOURCE[1]:-$0}" .sh)"

log()  { printf '[%s] %s\n' "$FRAGMENTS_TOOL" "$*" >&2; }
warn() { printf '[%s] WARNING: %s\n' "$FRAGMENTS_TOOL" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$FRAGMENTS_TOOL" "$*" >&2; exit 1; }

require_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (it installs packages / manages the engine)"
}

# Seconds since the epoch, with a fractional part when the platform offers it.
now() { date +%s.%N 2>/dev/null || date +%s; }
# elapsed START -> "12.3s"
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# apt-get update now (e.g. after dpkg --add-architecture).
apt_update() {
  log "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get -q update >&2 || die "apt-get update failed"
  export FRAGMENTS_APT_UPDATED=1
}
# apt-get update, at most once per process tree (FRAGMENTS_APT_UPDATED is exported).
apt_update_once() {
  [ "${FRAGMENTS_APT_UPDATED:-0}" = 1 ] || apt_update
}

# apt-get download PKG... into DIR, as root (no _apt sandbox warning).
apt_download() {
  local dir="$1"; shift
  log "apt-get download $* -> $dir"
  (cd "$dir" && apt-get -q -o APT::Sandbox::User=root download "$@" >&2) || die "apt-get download $* failed"
}

# True when apt knows a candidate version for PKG (e.g. busybox-static:arm64).
apt_has_candidate() {
  local cand
  cand="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2; exit }')"
  [ -n "$cand" ] && [ "$cand" != "(none)" ]
}

# Install Debian packages without recommends, and without letting maintainer
# scripts start services (docker.io's postinst would otherwise start dockerd with
# its defaults, which creates the docker0 bridge on a private address range).
apt_install() {
  local guard=/usr/sbin/policy-rc.d own_guard=0
  if [ ! -e "$guard" ]; then
    printf '#!/bin/sh\n# written by tools/lib/common.sh during an install: start no services\nexit 101\n' >"$guard"
    chmod 755 "$guard"
    own_guard=1
  fi
  apt_update_once
  log "apt-get install $*"
  if ! DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get -q install -y --no-install-recommends "$@" >&2; then
    [ "$own_guard" = 1 ] && rm -f "$guard"
    die "apt-get install $* failed"
  fi
  [ "$own_guard" = 1 ] && rm -f "$guard"
  return 0
}

# The engine's unix socket path, from DOCKER_HOST (unix://...) or the default.
engine_socket() {
  local host="${DOCKER_HOST:-}"
  case "$host" in
    "") echo /var/run/docker.sock ;;
    unix://*) echo "${host#unix://}" ;;
    *) echo "" ;;  # tcp:// or ssh:// — not a local socket we can manage
  esac
}

# True when the engine answers /_ping on SOCKET.
engine_ping() {
  local sock="$1"
  [ -S "$sock" ] || return 1
  [ "$(curl -fsS --max-time 3 --unix-socket "$sock" http://localhost/_ping 2>/dev/null || true)" = OK ]
}

# True when PID is a live (not zombie) process; NAME, if given, must be its command name.
proc_alive() {
  local pid="$1" name="${2:-}" stat state comm
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  state="${stat##*) }"; state="${state%% *}"
  [ "$state" != Z ] && [ "$state" != X ] || return 1
  if [ -n "$name" ]; then
    comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
    [ "$comm" = "$name" ] || return 1
  fi
}

# Waits until the engine on socket $1 answers /_ping. Fails after $2 seconds, or as soon as the dockerd with pid $3
# (may be empty) has exited, showing the end of its log $4. $5 names the engine in messages.
wait_for_engine() {
  local sock="$1" timeout="$2" pid="$3" logfile="$4" what="$5"
  local deadline=$(( $(date +%s) + timeout ))
  until engine_ping "$sock"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      warn "last lines of $logfile:"; tail -n 30 "$logfile" >&2 || true
      die "$what did not answer on $sock within ${timeout}s"
    fi
    if [ -n "$pid" ] && ! proc_alive "$pid"; then
      warn "last lines of $logfile:"; tail -n 30 "$logfile" >&2 || true
      die "$what exited before answering"
    fi
    sleep 0.2
  done
}
