#!/usr/bin/env bash
# Runs every test verbosely into .test.log, prints the package results, the
# failures in full, and a closing count; fails on any failed or skipped test
# (a skipped PostgreSQL or browser test is a missing requirement).
set -uo pipefail
go test -count=1 -v -timeout 30m ./... > .test.log 2>&1
status=$?
grep -E '^(ok|FAIL|panic:)' .test.log
if [ "$status" -ne 0 ]; then
  echo "--- failures:"
  grep -E -B1 -A25 -- '^\s*--- FAIL|^panic:|\[build failed\]|^# ' .test.log | head -n 400
fi
if grep -q -- '--- SKIP' .test.log; then
  echo "FAIL: tests skipped:"
  grep -- '--- SKIP' .test.log
  status=1
fi
echo "$(grep -c -- '--- PASS' .test.log) passed, $(grep -c -- '--- FAIL' .test.log) failed"
exit "$status"
