#!/usr/bin/env bash
# Benchmark (not a test) of the bureau's web pages: with 1,000 malls × 12 runs in PostgreSQL, how long the
# overview and a clause page take to render, as a signed-in bureau account sees them (every mall). Target: p95 under
# 200 ms on this 2-core machine. Writes a Markdown summary (docs/pages-benchmark.md records a run).
#
#   bash benchmarks/pages.sh                 # own PostgreSQL cluster, synthetic rows loaded with SQL
#   PAGES_BENCH_DATABASE=NAME MALLAUDIT_TEST_PG_HOST=… MALLAUDIT_TEST_PG_PORT=… MALLAUDIT_TEST_PG_USER=… \
#   MALLAUDIT_TEST_PG_PASSWORD=… bash benchmarks/pages.sh
#                                            # reuse a database already loaded (e.g. by benchmarks/server.sh through
#                                            # ingest); only a bureau-admin account `pages-bench` is added to it
#
# Options (environment): MALLS (1000), RUNS (12), REQUESTS (200 per page), CONFIG (release | debug), SCRATCH_PATH
# (a build folder of its own, e.g. .build-release, so that a debug build may run beside it),
# BUNDLE_STORE (the store folder of a reused database, for the report links), OUTPUT (Markdown file, default stdout).
# Synthetic rows are the real checklist's 107 statements and their checkpoints per run (1.3 million statement
# results for 12,000 runs), WiFi retention and satisfaction as measured values, verdicts and dates varied per mall
# and month, open and overdue rectifications; the server reads them as it reads what ingest wrote.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
MALLS="${MALLS:-1000}"
RUNS="${RUNS:-12}"
REQUESTS="${REQUESTS:-200}"
CONFIG="${CONFIG:-release}"

scratch=(${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"})
swift build -c "$CONFIG" "${scratch[@]}" --product mallaudit-server >&2
server_bin="$(swift build -c "$CONFIG" "${scratch[@]}" --show-bin-path)/mallaudit-server"

work="$(mktemp -d /tmp/mallaudit-pages-bench.XXXXXX)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -z "${PAGES_BENCH_DATABASE:-}" ] && bash scripts/peers/postgres.sh stop "$work" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${PAGES_BENCH_DATABASE:-}" ]; then
  eval "$(bash scripts/peers/postgres.sh start "$work")"
  database="pages_bench"
  load=1
else
  database="$PAGES_BENCH_DATABASE"
  load=0
fi
export PGPASSWORD="$MALLAUDIT_TEST_PG_PASSWORD"
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$MALLAUDIT_TEST_PG_HOST" -p "$MALLAUDIT_TEST_PG_PORT" -U "$MALLAUDIT_TEST_PG_USER" "$@"; }

cat > "$work/server.yaml" <<EOF
listen: {host: 127.0.0.1, port: 0}
database: {host: $MALLAUDIT_TEST_PG_HOST, port: $MALLAUDIT_TEST_PG_PORT, user: $MALLAUDIT_TEST_PG_USER, name: $database,
  password_env: MALLAUDIT_TEST_PG_PASSWORD, tls: disable, pool_size: 8}
bundles: {store: ${BUNDLE_STORE:-$work/store}, trusted_keys: $work/keys}
security: {bcrypt_cost: 4}
sessions: {secure_cookie: false}
limits: {requests_per_second: 0}
EOF
mkdir -p "$work/keys"

if [ "$load" = 1 ]; then
  psql_ -d postgres -c "CREATE DATABASE $database"
  "$server_bin" migrate --config "$work/server.yaml" >&2
  # The checklist's statements (clause, statement, modality, checkpoints) as rows to multiply.
  python3 - checklists/mall-digital-service.xml > "$work/statements.csv" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = root.tag.split('}')[0] + '}' if '}' in root.tag else ''
for clause in root.iter(ns + 'clause'):
    for statement in clause.findall(ns + 'statement'):
        checkpoints = [c.get('id') for c in statement.iter(ns + 'checkpoint')]
        print(f"{clause.get('id')},{statement.get('id')},{statement.get('modality')},{'|'.join(checkpoints)}")
PY
  started=$(date +%s)
  psql_ -d "$database" <<SQL
CREATE TEMP TABLE s (clause text, statement text, modality text, checkpoints text);
\copy s FROM '$work/statements.csv' WITH (FORMAT csv)
ALTER TABLE s ADD COLUMN n serial;
INSERT INTO accounts (name, display_name, role) VALUES ('bench-inspector', '王工', 'inspector'),
  ('bench-evaluator', '某评估公司', 'evaluator');
INSERT INTO malls (credit_code, name, district)
SELECT '9132030' || lpad(g::text, 7, '0') || 'BEN' || (g % 10), '基准商场' || g,
  (ARRAY['云龙区','鼓楼区','泉山区','铜山区','贾汪区','新沂市','邳州市','睢宁县','沛县','丰县'])[1 + g % 10]
FROM generate_series(1, $MALLS) g;
-- One run a month per mall; a mall's verdict depends on the mall and the month (some improve, some slip).
INSERT INTO runs (statement_digest, mall_id, run_ref, declared_mall_name, declared_district, judgement_date,
  tool_version, conformance, pass_count, fail_count, error_count, not_applicable_count, not_assessed_count,
  shall_failures, should_adoption, filed_by, filer_role, self_audit, received_at)
SELECT md5(m.id || '-' || k), m.id, 'R' || k, m.name, m.district, date '2026-01-05' + (k - 1) * 30 + (m.id % 20)::int,
  '0.1.0', CASE WHEN (m.id + k) % 5 = 0 THEN 'incomplete' WHEN (m.id * 7 + k) % 3 = 0 THEN 'nonConformant'
    ELSE 'conformant' END, 100, 4, 1, 2, 0, CASE WHEN (m.id * 7 + k) % 3 = 0 THEN 1 + (m.id % 4) ELSE 0 END,
  60 + (m.id % 40), (SELECT id FROM accounts WHERE name = CASE WHEN m.id % 3 = 0 THEN 'bench-evaluator'
    ELSE 'bench-inspector' END), CASE WHEN m.id % 3 = 0 THEN 'evaluator' ELSE 'inspector' END, false,
  timestamptz '2026-01-06 10:00+08' + ((k - 1) * 30 + (m.id % 20)) * interval '1 day'
FROM malls m, generate_series(1, $RUNS) k;
INSERT INTO statement_results (run_id, statement_id, clause_id, modality, verdict, reason, measured_value, threshold,
  unit, sample, margin)
SELECT r.id, s.statement, s.clause, s.modality,
  CASE WHEN r.conformance = 'nonConformant' AND s.modality IN ('shall', 'shallNot') AND (r.mall_id + s.n) % 23 = 0
         THEN 'fail'
       WHEN r.conformance = 'incomplete' AND s.n % 31 = r.mall_id % 31 THEN 'notAssessed'
       WHEN s.statement = '5.1.2-3' AND r.conformance = 'nonConformant' THEN 'fail'
       WHEN (s.n + r.mall_id) % 17 = 0 THEN 'notApplicable' ELSE 'pass' END,
  'synthetic',
  CASE WHEN s.statement = '5.1.2-3' THEN CASE WHEN r.conformance = 'nonConformant' THEN 90 + r.mall_id % 89
         ELSE 180 + r.mall_id % 200 END
       WHEN s.statement = '8.2.1-3' THEN 75 + (r.mall_id * 13 + r.id) % 25 END,
  CASE WHEN s.statement = '5.1.2-3' THEN '≥ 180' WHEN s.statement = '8.2.1-3' THEN '≥ 85' END,
  CASE WHEN s.statement = '5.1.2-3' THEN 'days' WHEN s.statement = '8.2.1-3' THEN '%' END,
  CASE WHEN s.statement IN ('5.1.2-3', '8.2.1-3') THEN 200 END, NULL
FROM runs r CROSS JOIN s;
INSERT INTO checkpoint_results (statement_result_id, checkpoint_id, verdict, reason)
SELECT x.id, c.id, x.verdict, 'synthetic'
FROM statement_results x JOIN s ON s.statement = x.statement_id
CROSS JOIN LATERAL unnest(string_to_array(nullif(s.checkpoints, ''), '|')) AS c(id);
-- Open rectifications on failed shall statements of a tenth of the malls, half of them overdue.
INSERT INTO rectifications (mall_id, statement_id, opened_run_id, due_date, due_set_by)
SELECT DISTINCT ON (r.mall_id) r.mall_id, x.statement_id, r.id,
  CASE WHEN r.mall_id % 20 = 0 THEN date '2026-11-01' ELSE date '2027-03-01' END,
  (SELECT id FROM accounts WHERE name = 'bench-inspector')
FROM runs r JOIN statement_results x ON x.run_id = r.id AND x.verdict = 'fail' AND x.modality = 'shall'
WHERE r.mall_id % 10 = 0 ORDER BY r.mall_id, r.judgement_date DESC;
ANALYZE;
SQL
  echo "loaded $MALLS malls × $RUNS runs in $(( $(date +%s) - started )) s" >&2
fi
MALLAUDIT_TEST_PG_PASSWORD="$MALLAUDIT_TEST_PG_PASSWORD" BENCH_PASSWORD="pages benchmark password" \
  "$server_bin" user add --name pages-bench --role bureau-admin --password-env BENCH_PASSWORD \
  --config "$work/server.yaml" >&2 || true
counts=$(psql_ -d "$database" -At -c "SELECT (SELECT count(*) FROM malls) || ' malls, ' || (SELECT count(*) FROM runs)
  || ' runs, ' || (SELECT count(*) FROM statement_results) || ' statement results'")

"$server_bin" serve --config "$work/server.yaml" --port-file "$work/port" --log-level warning 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.1; done
base="http://127.0.0.1:$(cat "$work/port")"
cookie=$(curl -s -i -H 'Content-Type: application/json' -d '{"name":"pages-bench","password":"pages benchmark password"}' \
  "$base/api/v1/session" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(mallaudit_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "cannot sign in" >&2; cat "$work/server.log" >&2; exit 1; }
mall=$(psql_ -d "$database" -At -c "SELECT credit_code FROM malls ORDER BY id LIMIT 1 OFFSET 9")

# Each page: 10 warm-up requests, then REQUESTS timed one after another (curl's total time, server to last byte).
measure() {
  local name="$1" path="$2" status
  status=$(curl -s -o "$work/page.html" -w '%{http_code}' -H "Cookie: $cookie" "$base$path")
  [ "$status" = 200 ] || { echo "$path answered $status" >&2; head -c 500 "$work/page.html" >&2; exit 1; }
  local bytes; bytes=$(wc -c < "$work/page.html")
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  for _ in $(seq 1 10); do curl -s -o /dev/null -H "Cookie: $cookie" "$base$path"; done
  # The server's own CPU time (user + system, clock ticks of /proc/PID/stat) over the timed requests: what a page
  # costs the server whatever else the shared machine runs (PostgreSQL's share is not in it).
  local ticks_before; ticks_before=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Cookie: $cookie" "$base$path"
  done > "$work/times"
  local ticks_after; ticks_after=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
  local cpu_ms; cpu_ms=$(( (ticks_after - ticks_before) * 1000 / $(getconf CLK_TCK) ))
  python3 -c "
import sys
times = sorted(float(line) * 1000 for line in sys.stdin if line.strip())
def q(p): return times[min(len(times) - 1, int(round(p / 100 * len(times) + 0.5)) - 1)]
print(f'| $name | \`$path\` | $load | {len(times)} | {q(50):.1f} | {q(95):.1f} | {q(99):.1f} | {max(times):.1f} | {$cpu_ms / len(times):.1f} | {$bytes / 1024:.0f} |')
" < "$work/times"
}
{
  echo "## Pages benchmark ($(date -u +%Y-%m-%d), $CONFIG build, $(nproc) cores)"
  echo
  echo "$counts; one bureau-admin session (sees every mall); requests one after another."
  echo "The machine is shared: the load average (1 min) is printed before each page."
  echo
  echo "| page | path | load before | requests | p50 ms | p95 ms | p99 ms | max ms | server CPU ms/request | KiB |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  measure overview "/overview"
  measure "overview, filtered" "/overview?district=%E9%BC%93%E6%A5%BC%E5%8C%BA&verdict=nonConformant&sort=shallFailures&order=desc"
  measure "clause (WiFi retention)" "/clauses/5.1.2"
  measure "clause list" "/clauses"
  measure "a mall" "/malls/$mall"
} | tee "${OUTPUT:-/dev/null}"
