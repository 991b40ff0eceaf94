#!/usr/bin/env bash
# Runs the JS tests in clients/: the Node tests of wwwroot/inbox-client.js and the end-to-end tests of the page
# in Debian's Chromium (driven by playwright-core, never a downloaded browser), all against the real service.
# Installs what they need when missing (chromium from Debian's packages as root; npm packages with `npm ci`),
# builds the service once, and ends with the line "js: N passed, N failed, N skipped" that test.sh adds up.
# Screenshots land in clients/screenshots/ (kept out of git).
set -uo pipefail
cd "$(dirname "$0")/.."

fail() { echo "js-tests: $1" >&2; echo "js: 0 passed, 1 failed, 0 skipped"; exit 1; }

command -v node >/dev/null 2>&1 || fail "node (20 or newer) is missing"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || fail "node 20 or newer is needed (found $(node --version))"

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "js-tests: installing chromium from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || fail "apt-get install chromium failed"
  else
    fail "chromium is missing; run: sudo apt-get install chromium"
  fi
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"

(cd clients && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed"

dotnet build Inbox.csproj -c Release -nologo -v q >/dev/null || fail "the service does not build"
export INBOX_DLL="$PWD/bin/Release/net10.0/Inbox.dll"

tap="$(mktemp)"
trap 'rm -f "$tap"' EXIT
# Files run one at a time (each starts its own PostgreSQL and service); spec for people, TAP for the counts.
(cd clients && node --experimental-websocket --test --test-concurrency=1 --test-timeout=300000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  test/*.test.js)
status=$?

count() { grep -E "^# $1 [0-9]+$" "$tap" | tail -1 | grep -oE '[0-9]+$' || echo 0; }
passed=$(count pass)
failed=$(( $(count fail) + $(count cancelled) ))
skipped=$(( $(count skipped) + $(count todo) ))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

echo "js: $passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
