#!/usr/bin/env bash
# The benchmark harness of issue 10, in one command, from a fresh clone:
#   bench/run.sh            full run (~10 minutes on 2 cores): 1,000,000 messages, 1,000,000 tickets
#   bench/run.sh --quick    quick run (under 3 minutes): a tenth of the data, shorter steps
# Installs wrk and pgbench (Debian) and the npm packages of bench/ (npm ci), publishes the service in Release,
# starts a private PostgreSQL cluster, then bench/harness.mjs seeds it, runs every scenario against its baseline
# in the same run and writes bench/results/latest.md and latest.json. Logs and raw outputs: bench/results/raw/.
# Benchmarks are not tests: nothing here asserts a time, and .ci/run never calls this.
set -euo pipefail
cd "$(dirname "$0")"
bench="$(pwd)"
root="$(cd .. && pwd)"

quick=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $arg (use --quick)" >&2; exit 2 ;;
  esac
done

say() { echo "[bench $(date -u +%H:%M:%S)] $*"; }
as_root=0; [ "$(id -u)" -eq 0 ] && as_root=1

# ---- tools ----------------------------------------------------------------------------------------------------------
# pgbench ships with the PostgreSQL server package here (postgresql-15, which postgresql-contrib pulls in), not
# with postgresql-client; contrib also brings unaccent, which the service's search needs.
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
{ command -v pgbench >/dev/null 2>&1 && compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null \
  && compgen -G "/usr/share/postgresql/*/extension/unaccent.control" >/dev/null; } || missing+=(postgresql postgresql-contrib)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$as_root" -eq 1 ]; then
    say "installing from Debian's packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bench: missing ${missing[*]}; install them with apt-get (as root) and run again" >&2
    exit 1
  fi
fi
command -v dotnet >/dev/null 2>&1 || { echo "bench: the .NET 10 SDK is missing (dotnet not on PATH)" >&2; exit 1; }
pg_bin="$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -1)")"

# 10,000 sockets need as many descriptors in the load client and in each server.
ulimit -n 100000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
say "open files limit: $(ulimit -n)"

# ---- cores ----------------------------------------------------------------------------------------------------------
cores="$(nproc)"
if [ "$cores" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  server_cpu=0; load_cpu=1
  [ "$cores" -ge 4 ] && { server_cpu="0-$((cores / 2 - 1))"; load_cpu="$((cores / 2))-$((cores - 1))"; }
  say "pinning: the service, PostgreSQL and the baselines on core(s) $server_cpu; the load generators on core(s) $load_cpu"
else
  server_cpu=""; load_cpu=""
  say "pinning: off (fewer than 2 cores)"
fi

# ---- builds ---------------------------------------------------------------------------------------------------------
data="$bench/.data"
raw="$bench/results/raw"
mkdir -p "$data" "$raw"
# Two runs at once would share the cluster folder, the ports and the cores, and measure each other: the second waits.
exec 9>"$data/run.lock"
flock -n 9 || { say "another bench run is in progress; waiting for it to finish"; flock 9; }
rm -f "$raw"/*

say "npm ci (bench/package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error >/dev/null

if [ "${BENCH_GCDUMP:-0}" = "1" ]; then
  # Scenario 4 then dumps the service's heap by type with dotnet-gcdump, a local tool of the repository's manifest.
  say "dotnet tool restore (dotnet-gcdump, for BENCH_GCDUMP=1)"
  (cd "$root" && dotnet tool restore >/dev/null)
fi

say "publishing the service (Release, ReadyToRun, as the Dockerfile does)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish "$root/Inbox.csproj" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$data/publish" -v q -nologo >"$raw/publish.log" 2>&1 \
  || { cat "$raw/publish.log" >&2; exit 1; }

say "generating the Bogus text pool"
dotnet run -c Release --project "$bench/seed/TextPool/TextPool.csproj" -v q -- 20000 "$data/text-pool.txt" >"$raw/textpool.log" 2>&1 \
  || { cat "$raw/textpool.log" >&2; exit 1; }

# ---- PostgreSQL ------------------------------------------------------------------------------------------------------
# A fresh cluster every run, so every run measures the same data. As root the server runs as `postgres` (it refuses
# root), which must be able to reach the folder; if it cannot (a clone under /root), the cluster goes to /tmp.
pgdata="$data/pg"
if [ "$as_root" -eq 1 ] && ! runuser -u postgres -- test -x "$data"; then
  pgdata="/tmp/inbox-bench-pg-$(echo -n "$bench" | sha256sum | cut -c1-12)"
  say "the postgres user cannot reach $data; the cluster lives in $pgdata"
fi
as_pg() { if [ "$as_root" -eq 1 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ -f "$pgdata/postmaster.pid" ]; then as_pg "$pg_bin/pg_ctl" -D "$pgdata" stop -m fast -w >/dev/null 2>&1 || true; fi
rm -rf "$pgdata"
mkdir -p "$pgdata"
touch "$raw/postgres.log"
[ "$as_root" -eq 1 ] && chown postgres:postgres "$pgdata" "$raw/postgres.log"
chmod 700 "$pgdata"
as_pg "$pg_bin/initdb" -D "$pgdata" -U inbox --auth=trust -E UTF8 --locale=C.UTF-8 --no-instructions >"$raw/initdb.log"
pg_port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
# Durability stays at PostgreSQL's defaults (fsync, synchronous_commit on): the service and pgbench share them.
pg_settings="shared_buffers=1GB max_connections=300"
pg_options="-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c shared_buffers=1GB -c max_connections=300"
# The cluster is thrown away by the next run, so it stops without a shutdown checkpoint.
cleanup() {
  as_pg "$pg_bin/pg_ctl" -D "$pgdata" stop -m immediate -w >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Started unpinned so the bulk load can use every core; the harness pins it to the server core once loaded.
if [ "$as_root" -eq 1 ]; then
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pgdata" -o "$pg_options" -l "$raw/postgres.log" -w -t 60 start >/dev/null
else
  "$pg_bin/pg_ctl" -D "$pgdata" -o "$pg_options" -l "$raw/postgres.log" -w -t 60 start >/dev/null
fi
psql -h 127.0.0.1 -p "$pg_port" -U inbox -d postgres -X -q -c "CREATE DATABASE inbox"
say "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port ($pg_settings, default durability)"

# ---- the harness ----------------------------------------------------------------------------------------------------
BENCH_QUICK="$quick" BENCH_PG_PORT="$pg_port" BENCH_PUBLISH="$data/publish" BENCH_POOL="$data/text-pool.txt" \
BENCH_SERVER_CPU="$server_cpu" BENCH_LOAD_CPU="$load_cpu" BENCH_RAW="$raw" BENCH_PGDATA="$pgdata" \
BENCH_PG_SETTINGS="PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), $pg_settings, default durability (fsync and synchronous_commit on)" \
  node "$bench/harness.mjs" 2>&1 | tee "$raw/harness.log"
exit "${PIPESTATUS[0]}"
