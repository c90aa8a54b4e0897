# dynamo-whoami reports this machine's arch, the image's backend and a passing selftest.
set -eu
out="$(dynamo-whoami)"
echo "$out"
echo "$out" | grep -qx "arch: $(uname -m)"
echo "$out" | grep -q "^backend: ${DYNAMO_BACKEND} "
echo "$out" | grep -q "^selftest: ok "
