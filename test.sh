#!/usr/bin/env bash
# Runs the whole test suite against a real, throwaway PostgreSQL and ends with the line
# "tests: N passed, N failed" counted from the runner's own results.
set -uo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh || exit 1

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

dotnet test Inbox.slnx --logger "trx;LogFileName=dotnet.trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without counting a failed test (a build error, a crashed host): say so in the count.
  failed=1
fi

echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
