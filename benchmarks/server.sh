#!/usr/bin/env bash
# The bureau's service at scale (issue 18), with release builds, on this machine (run on demand; tests never time
# anything):
#   1. one real run: `mallaudit run` over a copy of the demo mall (as the server's tests make it);
#   2. MALLS × RUNS real signed bundles made from it (`mallaudit-testkit bench-bundles`: RUNS × 4 report sets
#      rendered once — verdicts varied by run and by mall —, then every bundle written with its own mall, run id,
#      manifest, in-toto statement and SM2 signature by the bundle library; reused when KEEP already holds them);
#   3. a throwaway PostgreSQL 15 cluster (scripts/peers/postgres.sh: fsync off, as in the tests) and one
#      `mallaudit-server serve` (release), the inspector's key registered;
#   4. ingest: every bundle POSTed (benchmarks/server-upload.py, CONCURRENCY keep-alive connections, in run
#      order), each verified by `BundleVerifier.verify` and normalised: bundles/s, answers, upload latency, peak
#      memory of the server (RSS) and of PostgreSQL (all its processes, PSS);
#   5. the API under load (wrk, benchmarks/server-wrk.lua, a bureau-viewer token): "the latest verdict of every
#      mall" (GET /api/v1/malls, plain and again with Accept-Encoding: gzip) and "failures per clause"
#      (GET /api/v1/statistics/clauses): requests/s, p50/p95/p99;
#   6. `mallaudit-server explain`: EXPLAIN (ANALYZE, BUFFERS) of the main queries.
# The load average is printed before each phase: the machine is shared.
#
#   bash benchmarks/server.sh                 # 1,000 malls × 12 runs
#   bash benchmarks/server.sh 100 12          # smaller
#   CONCURRENCY=4 CONNECTIONS=8 DURATION=20 THREADS=4 KEEP=/tmp/bench bash benchmarks/server.sh
#   KEEP=/tmp/bench bash benchmarks/server.sh --bundles-only   # steps 1–2 only (the bundles, in KEEP)
#
# The loader alone (steps 1–4), for working on the server's pages or API with a full database:
#   KEEP=/tmp/bench bash benchmarks/server.sh --load-only [MALLS RUNS]
# leaves PostgreSQL and mallaudit-server running and writes KEEP/env (`source` it: MALLAUDIT_BENCH_URL, the
# inspector's and the viewer's tokens, the viewer's password, the PostgreSQL connection, PGPASSWORD) and
# KEEP/server.yaml (point another mallaudit-server build at the same database with it). Stop them with
#   bash benchmarks/server.sh --stop /tmp/bench
#
# Targets (issue 18): at least 20 bundles/s ingested on a 2-core machine; p95 under 100 ms for both calls at
# 12,000 runs. Results: docs/server-performance.md. Needs wrk (scripts/install-deps.sh); loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

stop_kept() {
  local work="$1"
  [ -f "$work/server.pid" ] && kill "$(cat "$work/server.pid")" 2>/dev/null || true
  [ -d "$work/state" ] && bash scripts/peers/postgres.sh stop "$work/state" || true
  rm -f "$work/server.pid" "$work/env"
}

load_only=""
bundles_only=""
case "${1:-}" in
  --bundles-only)
    bundles_only=1
    shift
    [ -n "${KEEP:-}" ] || { echo "server.sh --bundles-only: set KEEP=DIR (where the bundles stay)" >&2; exit 2; }
    ;;
  --stop)
    [ -n "${2:-}" ] || { echo "usage: $0 --stop KEEP_DIR" >&2; exit 2; }
    stop_kept "$2"
    exit 0
    ;;
  --load-only)
    load_only=1
    shift
    [ -n "${KEEP:-}" ] || { echo "server.sh --load-only: set KEEP=DIR (where the running cluster lives)" >&2; exit 2; }
    ;;
esac
malls="${1:-1000}"
runs="${2:-12}"
concurrency="${CONCURRENCY:-4}"
connections="${CONNECTIONS:-8}"
duration="${DURATION:-20}"
[ -n "$load_only" ] || command -v wrk >/dev/null || {
  echo "server.sh: wrk is missing (bash scripts/install-deps.sh)" >&2
  exit 1
}

if [ -n "${BIN:-}" ]; then  # BIN=DIR: the binaries in DIR as they are (e.g. a debug build, for --load-only)
  bin="$BIN"
elif [ -n "${NO_BUILD:-}" ]; then  # NO_BUILD=1: the release binaries in .build/release as they are
  bin="$PWD/.build/release"
else
  echo "building (release)…" >&2
  for product in mallaudit mallaudit-server mallaudit-testkit; do
    swift build -c release --product "$product" >&2
  done
  bin="$(swift build -c release --show-bin-path)"
fi

work="${KEEP:-$(mktemp -d /tmp/mallaudit-server-bench.XXXXXX)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
[ -f "$work/server.pid" ] && { echo "server.sh: $work has a running server; bash $0 --stop $work first" >&2; exit 1; }
state="$work/state"
mkdir -p "$state"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  bash scripts/peers/postgres.sh stop "$state" || true
  rm -f "$work/server.pid"
  if [ -z "${KEEP:-}" ]; then rm -rf "$work"; fi
}
trap cleanup EXIT
load() { echo "   (load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores)"; }

bundles="$work/bundles-${malls}x${runs}"
if [ -d "$bundles" ] && [ "$(find "$bundles" -name '*.zip' | wc -l)" -eq $((malls * runs)) ] \
  && [ -f "$work/inspector.key" ]; then
  echo "== 1–2. reusing the $((malls * runs)) bundles in $bundles"
else
  echo "== 1. the source run"
  rm -rf "$work/mall" "$bundles"
  cp -r examples/demo-mall "$work/mall"
  rm -rf "$work/mall/.demo-state"
  sed -i "s#probes: \[../../probes\]#probes: [$PWD/probes]#" "$work/mall/site.yaml"
  scope="5.1.2-3,8.2.1-3,8.1.2-2,6.6,6.9.1,5.2.5-1,5.2.5-6,5.2.5-7,5.2.5-2,7.4.1,6.7.1,8.2.2,6.8,5.1.1,7.3.3,7.4.7"
  # the demo's systems are not running: its SNMP secret only has to be set (as the tests set it)
  DEMO_SNMP_COMMUNITY=no-demo-peer "$bin/mallaudit" run --site "$work/mall/site.yaml" --db "$work/mall/mallaudit.sqlite" --as-of 2026-11-20 --only "$scope" >/dev/null || [ $? -eq 2 ]
  rm -f "$work/inspector.key" "$work/inspector.pub"
  "$bin/mallaudit" keys generate --algorithm sm2 --name 王工 --org 徐州市商务局 --output "$work/inspector.key" \
    --unencrypted >/dev/null

  echo "== 2. $malls malls × $runs runs of signed bundles"
  load
  "$bin/mallaudit-testkit" bench-bundles --db "$work/mall/mallaudit.sqlite" --site "$work/mall/site.yaml" \
    --checklist checklists/mall-digital-service.xml --key "$work/inspector.key" --malls "$malls" --runs "$runs" \
    --threads "${THREADS:-4}" --output "$bundles" 2>&1 | sed 's/^/   /' 
fi
first="$(basename "$(find "$bundles" -name '*.zip' -print -quit)")"
echo "   $(du -sh "$bundles" | cut -f1) on disk, $first: $(stat -c %s "$bundles/$first") bytes"
[ -z "$bundles_only" ] || exit 0

echo "== 3. PostgreSQL and mallaudit-server"
rm -rf "$work/store" "$work/keys" "$work/port"
eval "$(bash scripts/peers/postgres.sh start "$state")"
export PGPASSWORD="$MALLAUDIT_TEST_PG_PASSWORD"
psql_bench() {
  "$MALLAUDIT_TEST_PG_BIN/psql" -X -q -A -t -h "$MALLAUDIT_TEST_PG_HOST" -p "$MALLAUDIT_TEST_PG_PORT" \
    -U "$MALLAUDIT_TEST_PG_USER" -d "${2:-bench}" -c "$1"
}
psql_bench "CREATE DATABASE bench" postgres
cat >"$work/server.yaml" <<YAML
listen: {host: 127.0.0.1, port: 0}
database:
  host: $MALLAUDIT_TEST_PG_HOST
  port: $MALLAUDIT_TEST_PG_PORT
  user: $MALLAUDIT_TEST_PG_USER
  name: bench
  password_env: MALLAUDIT_TEST_PG_PASSWORD
  tls: disable
  pool_size: 8
bundles: {store: $work/store, trusted_keys: $work/keys}
limits: {requests_per_second: 0, request_seconds: 120}
security: {bcrypt_cost: 10}
YAML
admin() { "$bin/mallaudit-server" "$@" --config "$work/server.yaml" --log-level warning; }
export BENCH_PASSWORD="benchmark password 1"
admin migrate >/dev/null
admin user add --name inspector --role inspector --password-env BENCH_PASSWORD >/dev/null
admin user add --name viewer --role bureau-viewer --password-env BENCH_PASSWORD >/dev/null
export INSPECTOR_TOKEN VIEWER_TOKEN
INSPECTOR_TOKEN="$(admin user token --name inspector)"
VIEWER_TOKEN="$(admin user token --name viewer)"
admin key add --account inspector --public-key "$work/inspector.pub" >/dev/null
"$bin/mallaudit-server" serve --config "$work/server.yaml" --port-file "$work/port" --log-level warning \
  </dev/null >"$work/server.out" 2>"$work/server.log" &
server_pid=$!
echo "$server_pid" >"$work/server.pid"
for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(cat "$work/port")"
postmaster="$(head -1 "$(cat "$state/postgres/cluster")/data/postmaster.pid")"

echo "== 4. ingest with verification ($concurrency concurrent uploads)"
load
python3 benchmarks/server-upload.py --server "http://127.0.0.1:$port" --token-env INSPECTOR_TOKEN \
  --concurrency "$concurrency" --server-pid "$server_pid" --pg-pid "$postmaster" "$bundles"
load
echo "   database: $(psql_bench "SELECT count(*) FROM malls") malls, $(psql_bench "SELECT count(*) FROM runs") runs," \
  "$(psql_bench "SELECT count(*) FROM statement_results") statement results," \
  "$(psql_bench "SELECT count(*) FROM checkpoint_results") checkpoint results;" \
  "$(psql_bench "SELECT pg_size_pretty(pg_database_size('bench'))"); bundle store $(du -sh "$work/store" | cut -f1)"
PGOPTIONS="-c client_min_messages=error" psql_bench "VACUUM ANALYZE" >/dev/null

if [ -n "$load_only" ]; then
  {
    echo "export MALLAUDIT_BENCH_URL=http://127.0.0.1:$port"
    echo "export INSPECTOR_TOKEN=$INSPECTOR_TOKEN VIEWER_TOKEN=$VIEWER_TOKEN"
    echo "export BENCH_PASSWORD='$BENCH_PASSWORD'  # password of the accounts inspector and viewer"
    for name in HOST PORT USER PASSWORD BIN; do
      var="MALLAUDIT_TEST_PG_$name"
      echo "export $var='${!var}'"
    done
    echo "export PGPASSWORD='$PGPASSWORD' PGHOST=$MALLAUDIT_TEST_PG_HOST PGPORT=$MALLAUDIT_TEST_PG_PORT" \
      "PGUSER=$MALLAUDIT_TEST_PG_USER PGDATABASE=bench"
  } >"$work/env"
  chmod 600 "$work/env"
  trap - EXIT
  echo "== loaded: mallaudit-server (pid $server_pid) on http://127.0.0.1:$port, PostgreSQL database bench;"
  echo "   source $work/env for the tokens and the connection; $work/server.yaml serves the same database;"
  echo "   stop both with: bash benchmarks/server.sh --stop $work"
  exit 0
fi

# The malls list twice: plain (what a client that does not ask for compression gets) and with
# `Accept-Encoding: gzip` (what browsers and most HTTP clients ask for).
for call in "/api/v1/malls" "/api/v1/malls gzip" "/api/v1/statistics/clauses"; do
  path="${call%% *}"
  encoding=()
  label="$path"
  if [ "$call" != "$path" ]; then encoding=(-H "Accept-Encoding: gzip"); label="$path (Accept-Encoding: gzip)"; fi
  echo "== 5. GET $label under load (wrk: 2 threads, $connections connections, ${duration} s)"
  curl -sf -o "$work/answer.json" "${encoding[@]}" -H "Authorization: Bearer $VIEWER_TOKEN" "http://127.0.0.1:$port$path"
  echo "   one answer: $(stat -c %s "$work/answer.json") bytes as sent"
  load
  wrk -t2 -c"$connections" -d"${duration}s" -s benchmarks/server-wrk.lua "${encoding[@]}" \
    -H "Authorization: Bearer $VIEWER_TOKEN" "http://127.0.0.1:$port$path" | sed -n '/^requests:/,$p'
  echo "   mallaudit-server peak RSS so far: $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' /proc/$server_pid/status)"
done

echo "== 6. EXPLAIN ANALYZE of the main queries"
admin explain
