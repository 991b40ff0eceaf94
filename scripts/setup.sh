#!/usr/bin/env bash
# Installs what the service and its tests need on a fresh Debian machine of this project's kind:
# PostgreSQL server binaries with contrib (unaccent, pg_trgm). The .NET SDK is part of the machine.
# Safe to run again: it only installs what is missing.
set -euo pipefail

have_postgres() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

have_contrib() {
  compgen -G "/usr/share/postgresql/*/extension/unaccent.control" >/dev/null
}

if ! have_postgres || ! have_contrib; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "setup: installing PostgreSQL server and contrib from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  else
    echo "setup: PostgreSQL server binaries are missing; run: sudo apt-get install postgresql postgresql-contrib (or set DATABASE_URL)" >&2
    exit 1
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is missing (dotnet not on PATH)" >&2
  exit 1
fi
