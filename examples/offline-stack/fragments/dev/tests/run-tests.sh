#!/bin/sh
# Runs every test_*.sh next to this script; exits non-zero if any fails.
set -u
dir="$(dirname "$0")"
failed=0
for t in "$dir"/test_*.sh; do
  name="$(basename "$t" .sh)"
  if out="$(sh "$t" 2>&1)"; then
    echo "ok   $name"
  else
    echo "FAIL $name"; echo "$out" | sed 's/^/     /'
    failed=$((failed + 1))
  fi
done
[ "$failed" -eq 0 ] || { echo "$failed test(s) failed" >&2; exit 1; }
