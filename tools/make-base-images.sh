#!/usr/bin/env bash
# tools/make-base-images.sh — build the LOCAL base images the engine tests use,
# from Debian packages only, and load them into the Docker engine.
#
# Why: no container registry is reachable from this project's machines, so no
# image can ever be pulled. Every FROM in a test build must name an image that
# was made here, from Debian's apt repositories (the only other source reached).
#
# Images (ARCH is amd64 or arm64; the tags are fixed, never `latest`):
#   fragments-local/busybox:1.35.0-ARCH     /bin/busybox (Debian busybox-static) + a
#                                           symlink per applet, /etc/passwd with
#                                           root, nobody and app (uid 1000), /tmp.
#                                           Cmd ["sh"]. A few MB.
#   fragments-local/runtime:bookworm-ARCH   debootstrap --variant=minbase bookworm,
#                                           slimmed (no apt lists/caches, docs, man).
#                                           Cmd ["bash"].
#   fragments-local/devel:bookworm-ARCH     the same plus gcc, libc6-dev, make.
#   fragments-local/sccache:0.4.0-pre6-ARCH /usr/bin/sccache alone (Debian's sccache, local-disk backend): the
#                                           offline stack copies it into its compile stages (COPY --from). It
#                                           needs libzstd1/libgcc-s1/libc6, which the devel image has.
# All carry PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin and
# the labels org.dynamo.fragments.base=1, org.dynamo.fragments.base.kind=KIND and
# org.dynamo.fragments.base.source=<Debian package versions used>.
# "1.35.0" is the upstream version of bookworm's busybox-static; the script
# refuses to build if the package ever differs, so a tag never lies.
#
# How an image is made: the rootfs is packed as one layer and loaded with
# `docker load` from a docker-archive the script writes itself (manifest.json +
# image config + layer.tar). Not `docker import`: with the Debian engine
# (20.10, non-experimental) `docker import --platform linux/arm64` is silently
# ignored and the image is recorded as amd64; writing the config ourselves sets
# architecture/variant exactly, with either docker client. The script checks
# `docker image inspect -f '{{.Architecture}}'` after every load.
#
# arm64 needs binfmt qemu (tools/ensure-qemu.sh, run automatically): busybox
# comes from `apt-get download busybox-static:arm64`; runtime/devel from
# `debootstrap --arch arm64 --foreign` plus the second stage run under qemu.
#
# Usage: tools/make-base-images.sh [--arch amd64|arm64|all] [--only busybox|devel|runtime|sccache[,...]]
#                                  [--force] [--refresh]
#   --arch     default: amd64. `all` = amd64 and arm64.
#   --only     default: all three kinds; repeat or comma-separate to pick several.
#   --force    rebuild images that already exist (default: skip them).
#   --refresh  also re-download the cached .debs / debootstrap tarballs.
# Env: FRAGMENTS_DEBIAN_MIRROR (default: the bookworm mirror apt uses here),
#      FRAGMENTS_BASE_CACHE (default /var/cache/fragments-base: downloaded .debs
#      and debootstrap tarballs, so later runs and rebuilds do not download again).
# Idempotent: images that exist with the right architecture are skipped. Root.
set -euo pipefail
TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tools/lib/common.sh
. "$TOOLS_DIR/lib/common.sh"

SUITE=bookworm
BUSYBOX_VERSION=1.35.0
SCCACHE_VERSION=0.4.0-pre6   # bookworm's sccache 0.4.0~~pre6 (`~~` is not allowed in a tag)
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CACHE="${FRAGMENTS_BASE_CACHE:-/var/cache/fragments-base}"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

ARCHES=(amd64) KINDS=() FORCE=0 REFRESH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) [ $# -ge 2 ] || die "--arch needs a value"
      case "$2" in amd64|arm64) ARCHES=("$2") ;; all) ARCHES=(amd64 arm64) ;;
        *) die "--arch: amd64, arm64 or all, not '$2'" ;; esac; shift 2 ;;
    --arch=*) set -- --arch "${1#--arch=}" "${@:2}" ;;
    --only) [ $# -ge 2 ] || die "--only needs a value"
      IFS=, read -r -a more <<<"$2"
      for k in "${more[@]}"; do
        case "$k" in busybox|devel|runtime|sccache) KINDS+=("$k") ;; *) die "--only: busybox, devel, runtime or sccache, not '$k'" ;; esac
      done; shift 2 ;;
    --only=*) set -- --only "${1#--only=}" "${@:2}" ;;
    --force) FORCE=1; shift ;;
    --refresh) REFRESH=1; FORCE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ ${#KINDS[@]} -gt 0 ] || KINDS=(busybox sccache runtime devel)

require_root
command -v docker >/dev/null 2>&1 || die "no docker client: run tools/ensure-engine.sh first"
docker version >/dev/null 2>&1 || die "the Docker engine does not answer: run tools/ensure-engine.sh first"

mkdir -p "$CACHE/debs" "$CACHE/debootstrap"
# One builder at a time per machine (shared cache and engine).
exec 9>"$CACHE/.lock"
flock -w 1800 9 || die "another make-base-images.sh holds $CACHE/.lock"

HOST_ARCH="$(dpkg --print-architecture)"
WORK="$(mktemp -d /var/tmp/fragments-base.XXXXXX)"
cleanup() {
  # debootstrap mounts proc/sys inside the target; never rm through a mount.
  local m
  awk -v w="$WORK" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | while IFS= read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  if awk -v w="$WORK" 'index($2, w) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
    warn "mounts remain under $WORK; leaving it in place"
  else
    rm -rf --one-file-system "$WORK"
  fi
}
trap cleanup EXIT

# The bookworm mirror apt uses on this machine (deb822 .sources or one-line .list).
debian_mirror() {
  if [ -n "${FRAGMENTS_DEBIAN_MIRROR:-}" ]; then echo "$FRAGMENTS_DEBIAN_MIRROR"; return; fi
  local f uri=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri="$(awk -v s="$SUITE" '
      function flush() { if (types ~ /(^| )deb( |$)/ && suites ~ ("(^| )" s "( |$)") && comps ~ /(^| )main( |$)/ && enabled != "no" && uri == "") uri = uris; types = suites = comps = uris = ""; enabled = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^#/ { next }
      { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ /, "");
        if (key == "types") types = $0; else if (key == "uris") { split($0, u, " "); uris = u[1] }
        else if (key == "suites") suites = $0; else if (key == "components") comps = $0;
        else if (key == "enabled") enabled = tolower($0) }
      END { flush(); print uri }' "$f")"
    [ -n "$uri" ] && break
  done
  if [ -z "$uri" ]; then
    uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | sed -e 's/#.*//' -e 's/\[[^]]*\]//' \
      | awk -v s="$SUITE" '$1 == "deb" && $3 == s { for (i = 4; i <= NF; i++) if ($i == "main") { print $2; exit } }')"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

image_ref() { # KIND ARCH
  case "$1" in
    busybox) echo "fragments-local/busybox:${BUSYBOX_VERSION}-$2" ;;
    sccache) echo "fragments-local/sccache:${SCCACHE_VERSION}-$2" ;;
    devel|runtime) echo "fragments-local/$1:${SUITE}-$2" ;;
  esac
}

# image_arch REF -> "linux/amd64" etc., or nothing when the image does not exist.
image_arch() { docker image inspect -f '{{.Os}}/{{.Architecture}}' "$1" 2>/dev/null || true; }

json_str() { # minimal JSON string escaping (values here are plain ASCII)
  local s="${1//\\/\\\\}"; s="${s//\"/\\\"}"; printf '"%s"' "$s"
}

# load_rootfs ROOTFS REF ARCH KIND CMD_JSON SOURCE: pack ROOTFS as one layer, write a
# docker-archive with an image config for linux/ARCH and `docker load` it.
load_rootfs() {
  local rootfs="$1" ref="$2" arch="$3" kind="$4" cmd="$5" source="$6"
  local out="$WORK/archive-$kind-$arch" variant="" created diff cfg cfgsha
  rm -rf "$out"; mkdir -p "$out/layer"
  [ "$arch" = arm64 ] && variant=',"variant":"v8"'
  created="$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%dT%H:%M:%SZ)"
  tar -C "$rootfs" --numeric-owner --sort=name --one-file-system -cf "$out/layer/layer.tar" .
  diff="sha256:$(sha256sum "$out/layer/layer.tar" | cut -d' ' -f1)"
  cfg="$(printf '{"architecture":"%s","os":"linux"%s,"created":"%s","author":"tools/make-base-images.sh",' "$arch" "$variant" "$created"
         printf '"config":{"Env":["PATH=%s"],"Cmd":%s,"WorkingDir":"/","Labels":{' "$DEFAULT_PATH" "$cmd"
         printf '"org.dynamo.fragments.base":"1","org.dynamo.fragments.base.kind":"%s","org.dynamo.fragments.base.source":%s}},' "$kind" "$(json_str "$source")"
         printf '"rootfs":{"type":"layers","diff_ids":["%s"]},' "$diff"
         printf '"history":[{"created":"%s","created_by":%s}]}' "$created" "$(json_str "tools/make-base-images.sh: $source")")"
  printf '%s' "$cfg" >"$out/config.json"
  cfgsha="$(sha256sum "$out/config.json" | cut -d' ' -f1)"
  mv "$out/config.json" "$out/$cfgsha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer/layer.tar"]}]' "$cfgsha" "$ref" >"$out/manifest.json"
  tar -C "$out" -cf - manifest.json "$cfgsha.json" layer/layer.tar | docker load >&2 || die "docker load of $ref failed"
  rm -rf "$out"
  local got; got="$(image_arch "$ref")"
  [ "$got" = "linux/$arch" ] || die "$ref loaded as $got, expected linux/$arch"
}

# deb_for PKG ARCH -> path of a cached .deb (downloaded on first use).
deb_for() {
  local pkg="$1" arch="$2" deb
  [ "$REFRESH" = 1 ] && rm -f "$CACHE/debs/${pkg}_"*"_$arch.deb"
  deb="$(ls -t "$CACHE/debs/${pkg}_"*"_$arch.deb" 2>/dev/null | head -n1 || true)"
  if [ -z "$deb" ]; then
    if [ "$arch" != "$HOST_ARCH" ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
      log "dpkg --add-architecture $arch"; dpkg --add-architecture "$arch"
    fi
    apt_has_candidate "$pkg:$arch" || apt_update
    apt_has_candidate "$pkg:$arch" || die "apt knows no $pkg:$arch"
    apt_download "$CACHE/debs" "$pkg:$arch"
    deb="$(ls -t "$CACHE/debs/${pkg}_"*"_$arch.deb" | head -n1)"
  fi
  echo "$deb"
}

build_busybox() { # ARCH REF
  local arch="$1" ref="$2" deb ver up root="$WORK/busybox-$1"
  deb="$(deb_for busybox-static "$arch")"
  ver="$(dpkg-deb -f "$deb" Version)"
  up="${ver#*:}"; up="${up%%-*}"
  [ "$up" = "$BUSYBOX_VERSION" ] || die "busybox-static is $ver, but this script tags it $BUSYBOX_VERSION: update BUSYBOX_VERSION (and the profiles that name the tag)"
  local x="$WORK/busybox-deb-$arch"
  rm -rf "$x" "$root"; dpkg-deb -x "$deb" "$x"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,home/app,var/tmp,dev,proc,sys}
  install -m 0755 "$x/bin/busybox" "$root/bin/busybox"
  # One symlink per applet, at the path busybox itself names (`--list-full`);
  # an arm64 busybox answers through binfmt qemu.
  local applets; applets="$("$root/bin/busybox" --list-full)" || die "cannot run the $arch busybox (qemu binfmt?)"
  local a
  while IFS= read -r a; do
    case "$a" in */*) ;; *) continue ;; esac        # skips linuxrc (not under a bin dir)
    [ "${a##*/}" = busybox ] && continue
    ln -sfn /bin/busybox "$root/$a"
  done <<<"$applets"
  cat >"$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
  cat >"$root/etc/group" <<'G'
root:x:0:
app:x:1000:
nogroup:x:65534:
G
  cat >"$root/etc/shadow" <<'S'
root:*::0:::::
app:*::0:::::
nobody:*::0:::::
S
  chmod 0640 "$root/etc/shadow"; chmod 1777 "$root/tmp" "$root/var/tmp"; chmod 0700 "$root/root"
  chown 1000:1000 "$root/home/app"
  load_rootfs "$root" "$ref" "$arch" busybox '["sh"]' "busybox-static $ver ($arch)"
}

build_sccache() { # ARCH REF
  local arch="$1" ref="$2" deb ver up root="$WORK/sccache-$1"
  deb="$(deb_for sccache "$arch")"
  ver="$(dpkg-deb -f "$deb" Version)"
  up="${ver#*:}"; up="${up%-*}"; up="${up//\~\~/-}"; up="${up//\~/-}"
  [ "$up" = "$SCCACHE_VERSION" ] || die "sccache is $ver, but this script tags it $SCCACHE_VERSION: update SCCACHE_VERSION (and the profiles that name the tag)"
  local x="$WORK/sccache-deb-$arch"
  rm -rf "$x" "$root"; dpkg-deb -x "$deb" "$x"
  mkdir -p "$root/usr/bin"
  install -m 0755 "$x/usr/bin/sccache" "$root/usr/bin/sccache"
  load_rootfs "$root" "$ref" "$arch" sccache '["/usr/bin/sccache","--help"]' "sccache $ver ($arch)"
}

# The debootstrap tarball for ARCH/KIND: the downloaded .debs, made once and reused.
debootstrap_tarball() { # ARCH KIND MIRROR INCLUDE
  local arch="$1" kind="$2" mirror="$3" include="$4" tb="$CACHE/debootstrap/$SUITE-$1-$2.tgz"
  [ "$REFRESH" = 1 ] && rm -f "$tb"
  if [ ! -s "$tb" ]; then
    local t0; t0="$(now)"
    log "downloading the $SUITE $arch $kind packages (debootstrap --make-tarball) from $mirror"
    local tmpt="$WORK/mt-$arch-$kind"
    debootstrap --arch "$arch" --variant=minbase ${include:+--include="$include"} \
      --make-tarball="$tb.part" "$SUITE" "$tmpt" "$mirror" >"$WORK/mt-$arch-$kind.log" 2>&1 \
      || { tail -n 30 "$WORK/mt-$arch-$kind.log" >&2; rm -f "$tb.part"; die "debootstrap --make-tarball failed"; }
    mv "$tb.part" "$tb"
    rm -rf --one-file-system "$tmpt"
    log "cached $(du -h "$tb" | cut -f1) in $tb ($(elapsed "$t0"))"
  fi
  echo "$tb"
}

build_debian() { # KIND ARCH REF
  local kind="$1" arch="$2" ref="$3" include="" mirror tb root="$WORK/$1-$2" blog="$WORK/debootstrap-$1-$2.log"
  [ "$kind" = devel ] && include="gcc,libc6-dev,make"
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap debian-archive-keyring
  mirror="$(debian_mirror)"
  tb="$(debootstrap_tarball "$arch" "$kind" "$mirror" "$include")"
  rm -rf --one-file-system "$root"
  local t0; t0="$(now)"
  if [ "$arch" = "$HOST_ARCH" ]; then
    log "debootstrap $SUITE $arch $kind (from the cached tarball)"
    debootstrap --arch "$arch" --variant=minbase ${include:+--include="$include"} \
      --unpack-tarball="$tb" "$SUITE" "$root" "$mirror" >"$blog" 2>&1 \
      || { tail -n 30 "$blog" >&2; die "debootstrap $SUITE $arch failed (log above)"; }
  else
    log "debootstrap --foreign $SUITE $arch $kind, then the second stage under qemu"
    debootstrap --arch "$arch" --variant=minbase --foreign ${include:+--include="$include"} \
      --unpack-tarball="$tb" "$SUITE" "$root" "$mirror" >"$blog" 2>&1 \
      || { tail -n 30 "$blog" >&2; die "debootstrap --foreign $SUITE $arch failed (log above)"; }
    log "first stage done ($(elapsed "$t0")); second stage under qemu"
    chroot "$root" /debootstrap/debootstrap --second-stage >>"$blog" 2>&1 \
      || { tail -n 30 "$blog" >&2; die "debootstrap --second-stage ($arch, under qemu) failed (log above)"; }
  fi
  log "rootfs ready ($(elapsed "$t0")); slimming"
  awk -v r="$root" 'index($2, r) == 1 { exit 1 }' /proc/mounts || die "mounts remain under $root after debootstrap"
  slim_rootfs "$root"
  local source
  source="debootstrap --variant=minbase${include:+ --include=$include} $SUITE $arch; $(chroot_free_versions "$root" libc6 gcc-12 make)"
  local cmd='["bash"]'
  load_rootfs "$root" "$ref" "$arch" "$kind" "$cmd" "$source"
}

# Versions of a few packages from the rootfs's dpkg status (no chroot needed).
chroot_free_versions() {
  local root="$1"; shift
  awk -v want=" $* " '
    /^Package: / { p = $2 } /^Version: / { if (index(want, " " p " ")) out = out (out ? ", " : "") p " " $2 }
    END { print out }' "$root/var/lib/dpkg/status"
}

# Slim like Debian's own -slim images: no docs, man pages or locales now, and
# dpkg/apt told to keep it so; no apt lists, caches or logs; an empty /dev.
slim_rootfs() {
  local r="${1:?}"
  if [ ! -d "$r/var/lib/dpkg" ] || [ "$(cd "$r" && pwd -P)" = / ]; then
    die "slim_rootfs: '$r' is not a bootstrapped rootfs"
  fi
  mkdir -p "$r/etc/dpkg/dpkg.cfg.d" "$r/etc/apt/apt.conf.d"
  cat >"$r/etc/dpkg/dpkg.cfg.d/fragments-slim" <<'D'
# tools/make-base-images.sh: keep the image slim (as Debian's -slim images do)
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
D
  cat >"$r/etc/apt/apt.conf.d/fragments-clean" <<'A'
// tools/make-base-images.sh: no package caches or translations in the image
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
APT::Install-Recommends "false";
A
  find "$r/usr/share/doc" -mindepth 1 ! -name copyright ! -type d -delete 2>/dev/null || true
  find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/groff/* \
         "$r"/usr/share/lintian/* "$r"/usr/share/locale/* \
         "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb \
         "$r"/var/cache/apt/archives/partial/* "$r"/var/cache/debconf/*-old "$r"/var/lib/dpkg/*-old \
         "$r"/var/cache/ldconfig/aux-cache "${r:?}"/dev/* "$r"/tmp/* "$r"/var/tmp/* "$r"/debootstrap
  mkdir -p "$r/var/lib/apt/lists/partial"
  find "$r/var/log" -type f -exec truncate -s 0 {} +
  : >"$r/etc/resolv.conf"; : >"$r/etc/hostname"
  [ -e "$r/etc/machine-id" ] && : >"$r/etc/machine-id"
  return 0
}

mirror_note="$(debian_mirror)"
log "arch: ${ARCHES[*]}; images: ${KINDS[*]}; mirror: $mirror_note; cache: $CACHE"
total0="$(now)"
summary=()
for arch in "${ARCHES[@]}"; do
  if [ "$arch" != "$HOST_ARCH" ]; then
    bash "$TOOLS_DIR/ensure-qemu.sh"
  fi
  for kind in "${KINDS[@]}"; do
    ref="$(image_ref "$kind" "$arch")"
    have="$(image_arch "$ref")"
    if [ "$FORCE" = 0 ] && [ "$have" = "linux/$arch" ]; then
      log "$ref exists (linux/$arch): skipped (--force rebuilds it)"
      summary+=("$ref: present")
      continue
    fi
    [ -n "$have" ] && [ "$have" != "linux/$arch" ] && log "$ref exists as $have, not linux/$arch: rebuilding"
    old_id="$(docker image inspect -f '{{.Id}}' "$ref" 2>/dev/null || true)"
    t0="$(now)"
    log "building $ref"
    case "$kind" in
      busybox) build_busybox "$arch" "$ref" ;;
      sccache) build_sccache "$arch" "$ref" ;;
      devel|runtime) build_debian "$kind" "$arch" "$ref" ;;
    esac
    # A rebuild leaves the previous image untagged: drop it unless something uses it.
    if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$ref")" ] \
       && [ "$(docker image inspect -f '{{len .RepoTags}}' "$old_id" 2>/dev/null || echo 1)" = 0 ]; then
      if docker rmi "$old_id" >/dev/null 2>&1; then log "removed the previous, now untagged image ${old_id:7:12}"; fi
    fi
    size="$(docker image inspect -f '{{.Size}}' "$ref" | awk '{ printf "%.1f MB", $1 / 1e6 }')"
    log "built $ref ($size, linux/$arch) in $(elapsed "$t0")"
    summary+=("$ref: built in $(elapsed "$t0"), $size")
  done
done
log "done in $(elapsed "$total0"):"
for s in "${summary[@]}"; do log "  $s"; done
