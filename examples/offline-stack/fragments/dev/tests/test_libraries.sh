# Every binary finds its shared libraries; the runtime got libnixl but no header.
set -eu
for f in /opt/dynamo/bin/dynamo-run /opt/backend/bin/*; do
  if ldd "$f" | grep 'not found'; then echo "$f: missing libraries"; exit 1; fi
done
ldd /opt/dynamo/bin/dynamo-run | grep -q '/opt/nvidia/nvda_nixl/lib/libnixl.so.0'
test ! -e /opt/nvidia/nvda_nixl/include
