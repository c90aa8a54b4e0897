#!/usr/bin/env bash
# tools/ensure-qemu.sh — make arm64 (aarch64) binaries run on this amd64 machine.
#
# What: installs Debian's qemu-user-static when missing, mounts binfmt_misc at
# /proc/sys/fs/binfmt_misc when it is not mounted, and registers qemu-aarch64
# from /usr/lib/binfmt.d/qemu-aarch64.conf with the F ("fix binary") flag, so
# the kernel opens the interpreter once at registration and arm64 programs run
# inside containers and chroots that do not contain qemu. An existing
# registration without F is removed and rewritten with F.
# Then it proves it: downloads busybox-static:arm64 (dpkg --add-architecture
# arm64), extracts it with dpkg-deb -x and runs it; `uname -m` must say aarch64.
#
# Why: tools/make-base-images.sh builds arm64 base images (debootstrap's second
# stage runs arm64 binaries) and the engine tests run arm64 containers.
#
# Idempotent: a second run changes nothing and takes well under a second when the
# busybox .deb is cached (/var/cache/fragments-base/debs). Needs root, no stdin.
set -euo pipefail
# shellcheck source=tools/lib/common.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

require_root
start="$(now)"
BINFMT=/proc/sys/fs/binfmt_misc
CONF=/usr/lib/binfmt.d/qemu-aarch64.conf
CACHE="${FRAGMENTS_BASE_CACHE:-/var/cache/fragments-base}"

# 1. qemu-user-static (ships the static emulator and the binfmt.d conf).
if ! command -v qemu-aarch64-static >/dev/null 2>&1 || [ ! -f "$CONF" ]; then
  apt_install qemu-user-static
fi
[ -f "$CONF" ] || die "$CONF missing after installing qemu-user-static"

# 2. binfmt_misc mounted.
if [ ! -e "$BINFMT/register" ]; then
  log "mounting binfmt_misc at $BINFMT"
  mount -t binfmt_misc binfmt_misc "$BINFMT" || die "cannot mount binfmt_misc (is this a container without CAP_SYS_ADMIN?)"
fi
[ -e "$BINFMT/register" ] || die "$BINFMT/register missing after mounting"

# 3. qemu-aarch64 registered, with flag F.
line="$(grep -v '^[[:space:]]*#' "$CONF" | grep -m1 '^:qemu-aarch64:' || true)"
[ -n "$line" ] || die "no :qemu-aarch64: line in $CONF"
flags="${line##*:}"
case "$flags" in *F*) ;; *) flags="${flags}F" ; line="${line%:*}:$flags" ;; esac
interp="$(printf '%s' "$line" | awk -F: '{ print $(NF-1) }')"
[ -x "$interp" ] || die "interpreter $interp (from $CONF) is not executable"

entry="$BINFMT/qemu-aarch64"
if [ -e "$entry" ]; then
  cur_flags="$(sed -n 's/^flags: *//p' "$entry")"
  cur_interp="$(sed -n 's/^interpreter //p' "$entry")"
  if ! grep -qx enabled "$entry"; then
    log "qemu-aarch64 is registered but disabled: enabling"
    echo 1 >"$entry"
  fi
  case "$cur_flags" in
    *F*) log "qemu-aarch64 already registered (interpreter $cur_interp, flags $cur_flags)" ;;
    *)
      log "qemu-aarch64 registered without flag F (flags '$cur_flags'): re-registering"
      echo -1 >"$entry"
      ;;
  esac
fi
if [ ! -e "$entry" ]; then
  log "registering qemu-aarch64 (interpreter $interp, flags $flags)"
  # printf %s: the kernel, not the shell, must decode the \xNN escapes.
  printf '%s\n' "$line" >"$BINFMT/register" || die "writing to $BINFMT/register failed"
  grep -q '^flags: .*F' "$entry" || die "qemu-aarch64 registered but without flag F"
fi

# 4. Prove it: run an arm64 busybox.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  log "dpkg --add-architecture arm64"
  dpkg --add-architecture arm64
fi
mkdir -p "$CACHE/debs"
deb="$(ls -t "$CACHE"/debs/busybox-static_*_arm64.deb 2>/dev/null | head -n1 || true)"
if [ -z "$deb" ]; then
  apt_has_candidate busybox-static:arm64 || apt_update   # lists predate the arm64 architecture
  apt_has_candidate busybox-static:arm64 || die "apt has no busybox-static:arm64 (arm64 lists missing?)"
  apt_download "$CACHE/debs" busybox-static:arm64
  deb="$(ls -t "$CACHE"/debs/busybox-static_*_arm64.deb | head -n1)"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
file_arch="$(od -An -tx1 -j18 -N2 "$tmp/bin/busybox" | tr -d ' \n')"
[ "$file_arch" = b700 ] || die "$(basename "$deb") is not an aarch64 ELF (e_machine=$file_arch)"
got="$("$tmp/bin/busybox" uname -m 2>&1)" || die "the arm64 busybox did not run: $got"
[ "$got" = aarch64 ] || die "the arm64 busybox ran but uname -m said '$got', expected aarch64"
log "arm64 busybox runs under qemu (uname -m: $got) — ready ($(elapsed "$start"))"
