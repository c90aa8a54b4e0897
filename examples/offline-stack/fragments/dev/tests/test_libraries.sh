# Every binary finds its shared libraries; NIXL is loaded at run time (never linked
# into the runtime "wheel"); the runtime got libnixl but no header.
set -eu
for f in /opt/dynamo/bin/* /opt/backend/lib/*.so; do
  if ldd "$f" | grep 'not found'; then echo "$f: missing libraries"; exit 1; fi
done
if ldd /opt/dynamo/bin/dynamo-run | grep -q libnixl; then echo "dynamo-run links libnixl"; exit 1; fi
dynamo-run --version | grep -q "(nixl [0-9]"
test -e /opt/nvidia/nvda_nixl/lib/libnixl.so.0
test ! -e /opt/nvidia/nvda_nixl/include
