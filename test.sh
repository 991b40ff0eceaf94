#!/usr/bin/env bash
# Runs the whole test suite against a real, throwaway PostgreSQL and ends with the line
# "tests: N passed, N failed, N skipped" counted from the runners' own results: the .NET tests, then the JS
# tests in clients/ (scripts/js-tests.sh: the client module in Node, the page in Chromium).
# Arguments go to `dotnet test`; SKIP_JS_TESTS=1 runs the .NET tests only.
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

if [ "${SKIP_JS_TESTS:-0}" != 1 ]; then
  bash scripts/js-tests.sh | tee "$results/js.log"
  js_status=${PIPESTATUS[0]}
  js=$(grep -E '^js: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$results/js.log" | tail -1)
  js_passed=$(echo "$js" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
  js_failed=$(echo "$js" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 1)
  js_skipped=$(echo "$js" | grep -oE '[0-9]+ skipped' | grep -oE '[0-9]+' || echo 0)
  passed=$((passed + js_passed)); failed=$((failed + js_failed)); skipped=$((skipped + js_skipped))
  if [ "$js_status" -ne 0 ]; then
    status=1
    [ "$js_failed" -eq 0 ] && failed=$((failed + 1))
  fi
fi

echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
