# NIXL moves bytes for the front end and for the backend worker.
set -eu
dynamo-run --check
dynamo-worker --selftest
