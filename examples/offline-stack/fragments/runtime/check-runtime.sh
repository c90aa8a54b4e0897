#!/bin/sh
# Build-time guard of the runtime image (run from a bind mount, never copied in):
# no compiler may be present, and every installed binary must find its libraries.
set -eu
status=0
for tool in gcc cc c++ g++ clang ld as make; do
  if path="$(command -v "$tool")"; then
    echo "runtime image must not carry a compiler: $path" >&2
    status=1
  fi
done
for cc1 in /usr/lib/gcc/*/*/cc1; do
  if [ -e "$cc1" ]; then echo "runtime image must not carry a compiler: $cc1" >&2; status=1; fi
done
for bin in /opt/dynamo/bin/* /opt/backend/lib/*.so; do
  missing="$(ldd "$bin" 2>&1 | grep 'not found' || true)"
  if [ -n "$missing" ]; then echo "$bin misses shared libraries: $missing" >&2; status=1; fi
done
[ "$status" -eq 0 ] && echo "runtime check: no compiler, all libraries found"
exit "$status"
