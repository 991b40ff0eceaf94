#!/usr/bin/env bash
# Runs Inbox. Without DATABASE_URL it starts a private PostgreSQL under .data/pg and stops it on exit.
# Extra arguments go to the service (e.g. ./run.sh --urls http://0.0.0.0:8080, or ./run.sh seed).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
exec dotnet run --project Inbox.csproj -c Release -- "$@"
