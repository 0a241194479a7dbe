#!/usr/bin/env bash
# SNMP speed, whole processes against net-snmp's own tools (run on demand; not part of the tests):
#   1. walk of 2,433 OIDs from snmpd: `mallaudit snmp walk` vs `snmpbulkwalk` (its default -Cr10, and -Cr50 =
#      mallaudit's default repetitions); the outputs are checked identical first.
#   2. poll of 20 agents — 18 snmpd, 1 snmpsimd (the Cisco recording, Python: the slowest), 1 dead — 19 OIDs each,
#      timeout 1 s, no retries: one `mallaudit snmp get --agent …×20` vs `snmpget` for one agent after the other.
#
# usage: bash benchmarks/snmp.sh [WALK_RUNS] [POLL_RUNS]     (defaults 20 and 5)
# Builds mallaudit in release mode, starts its own agents on 127.0.0.1 (scripts/peers/snmp.sh and
# scripts/snmp/snmpd-conf.sh) and stops them on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
walk_runs="${1:-20}"
poll_runs="${2:-5}"

echo "building mallaudit (release)…" >&2
swift build -c release --product mallaudit >&2
bin="$(swift build -c release --show-bin-path)/mallaudit"

state="$(mktemp -d /tmp/mallaudit-snmp-bench.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  bash scripts/peers/snmp.sh stop "$state" || true
  [ -f "$state/simdir" ] && rm -rf "$(cat "$state/simdir")"
  rm -rf "$state"
}
trap cleanup EXIT

eval "$(bash scripts/peers/snmp.sh start "$state")"
export MIBS= SNMPCONFPATH=/nonexistent SNMP_PERSISTENT_DIR="$state/netsnmp"
export BENCH_COMMUNITY="$MALLAUDIT_TEST_SNMP_COMMUNITY"
community="$MALLAUDIT_TEST_SNMP_COMMUNITY"

# 17 more snmpd instances (plus the peer's own = 18), serving the same sensors.
mapfile -t ports < <(python3 scripts/snmp/freeports.py 18)
agents=("$MALLAUDIT_TEST_SNMPD")
for i in $(seq 0 16); do
  port="${ports[$i]}"
  mkdir -p "$state/snmpd-$i"
  bash scripts/snmp/snmpd-conf.sh --listen "udp:127.0.0.1:$port" --community "$community" \
    --values scripts/snmp/sensors.txt >"$state/snmpd-$i/snmpd.conf"
  SNMP_PERSISTENT_DIR="$state/snmpd-$i" snmpd -f -Lo -C -c "$state/snmpd-$i/snmpd.conf" \
    >"$state/snmpd-$i/log" 2>&1 </dev/null &
  pids+=($!)
  agents+=("udp:127.0.0.1:$port")
done
# One snmpsimd serving the Cisco recording under the same community (community = data file name).
simdir="$(mktemp -d /tmp/mallaudit-snmpsim-bench.XXXXXX)"
echo "$simdir" >"$state/simdir"
chmod 755 "$simdir"
mkdir -p "$simdir/data" "$simdir/cache"
gunzip -c /usr/share/doc/snmpsim/examples/data/cisco_16_switch.snmprec.gz >"$simdir/data/$community.snmprec"
chmod 644 "$simdir/data"/*
chmod 777 "$simdir/cache"
user_flags=()
if [ "$(id -u)" = 0 ]; then user_flags=(--process-user=nobody --process-group=nogroup); fi
snmpsimd --data-dir="$simdir/data" --cache-dir="$simdir/cache" --agent-udpv4-endpoint="127.0.0.1:${ports[17]}" \
  --logging-method=null "${user_flags[@]}" >"$state/snmpsimd-bench.log" 2>&1 </dev/null &
pids+=($!)
agents+=("udp:127.0.0.1:${ports[17]}" "$MALLAUDIT_TEST_SNMP_DEAD")
for agent in "${agents[@]:0:19}"; do
  for _ in $(seq 1 300); do
    snmpget -v2c -c "$community" -t 0.2 -r 0 "$agent" .1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 && break
    sleep 0.2
  done
done

now() { echo "$EPOCHREALTIME"; }
elapsed() { python3 -c "print(f'{$2 - $1:.3f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

# 1. walk
root=.1.3.6.1.4.1.32473
snmpbulkwalk -v2c -c "$community" -On "$MALLAUDIT_TEST_SNMPD" "$root" >"$state/walk.snmpbulkwalk"
"$bin" snmp walk --agent "$MALLAUDIT_TEST_SNMPD" --community-env BENCH_COMMUNITY --max-repetitions 10 "$root" \
  >"$state/walk.mallaudit"
cmp -s "$state/walk.snmpbulkwalk" "$state/walk.mallaudit" || { echo "walk outputs differ" >&2; exit 1; }
oids="$(wc -l <"$state/walk.mallaudit")"

t0="$(now)"
for _ in $(seq "$walk_runs"); do snmpbulkwalk -v2c -c "$community" -On "$MALLAUDIT_TEST_SNMPD" "$root" >/dev/null; done
t1="$(now)"
for _ in $(seq "$walk_runs"); do
  snmpbulkwalk -v2c -c "$community" -On -Cr50 "$MALLAUDIT_TEST_SNMPD" "$root" >/dev/null
done
t2="$(now)"
for _ in $(seq "$walk_runs"); do
  "$bin" snmp walk --agent "$MALLAUDIT_TEST_SNMPD" --community-env BENCH_COMMUNITY "$root" >/dev/null
done
t3="$(now)"
for _ in $(seq "$walk_runs"); do
  "$bin" snmp walk --agent "$MALLAUDIT_TEST_SNMPD" --community-env BENCH_COMMUNITY --max-repetitions 10 "$root" \
    >/dev/null
done
t4="$(now)"
bulk10="$(elapsed "$t0" "$t1")"
bulk50="$(elapsed "$t1" "$t2")"
ours50="$(elapsed "$t2" "$t3")"
ours10="$(elapsed "$t3" "$t4")"

# 2. poll
poll_oids=(.1.3.6.1.2.1.1.1.0 .1.3.6.1.2.1.1.2.0 .1.3.6.1.2.1.1.3.0 .1.3.6.1.2.1.1.4.0 .1.3.6.1.2.1.1.5.0
  .1.3.6.1.2.1.1.6.0 .1.3.6.1.2.1.1.7.0)
for s in 1 2 3 4 5 6; do poll_oids+=(".1.3.6.1.4.1.32473.1.1.$s.1.0" ".1.3.6.1.4.1.32473.1.1.$s.2.0"); done
agent_flags=()
for agent in "${agents[@]}"; do agent_flags+=(--agent "$agent"); done

t0="$(now)"
for _ in $(seq "$poll_runs"); do
  for agent in "${agents[@]}"; do
    snmpget -v2c -c "$community" -On -t 1 -r 0 "$agent" "${poll_oids[@]}" >/dev/null 2>&1 || true
  done
done
t1="$(now)"
for _ in $(seq "$poll_runs"); do
  "$bin" snmp get "${agent_flags[@]}" --community-env BENCH_COMMUNITY --timeout 1 --retries 0 "${poll_oids[@]}" \
    >"$state/poll.out" 2>"$state/poll.err" || true
done
t2="$(now)"
sequential="$(elapsed "$t0" "$t1")"
together="$(elapsed "$t1" "$t2")"
answered="$(grep -c '^# ' "$state/poll.out" || true)"
failed="$(grep -c 'error' "$state/poll.err" || true)"

cat <<REPORT
SNMP benchmark (whole processes, release build, all agents on 127.0.0.1)

walk of $oids OIDs from snmpd, $walk_runs runs each (outputs identical to snmpbulkwalk -On):
  snmpbulkwalk (default -Cr10)           $bulk10 s   ($(python3 -c "print(f'{$bulk10 / $walk_runs * 1000:.1f}')") ms/run)
  snmpbulkwalk -Cr50                     $bulk50 s   ($(python3 -c "print(f'{$bulk50 / $walk_runs * 1000:.1f}')") ms/run)
  mallaudit snmp walk (default 50 rows)  $ours50 s   ($(python3 -c "print(f'{$ours50 / $walk_runs * 1000:.1f}')") ms/run)
  mallaudit snmp walk --max-repetitions 10  $ours10 s   ($(python3 -c "print(f'{$ours10 / $walk_runs * 1000:.1f}')") ms/run)
  ratio mallaudit / snmpbulkwalk, each with its default:   $(ratio "$ours50" "$bulk10")   (target <= 1)
  ratio mallaudit / snmpbulkwalk, both 50 rows per GETBULK: $(ratio "$ours50" "$bulk50")
  ratio mallaudit / snmpbulkwalk, both 10 rows per GETBULK: $(ratio "$ours10" "$bulk10")

poll of ${#agents[@]} agents (18 snmpd, 1 snmpsimd, 1 dead), ${#poll_oids[@]} OIDs each, timeout 1 s, no retries, $poll_runs runs:
  snmpget, one agent after the other     $sequential s   ($(python3 -c "print(f'{$sequential / $poll_runs:.3f}')") s/run)
  mallaudit snmp get --agent ×${#agents[@]}        $together s   ($(python3 -c "print(f'{$together / $poll_runs:.3f}')") s/run)
  ratio mallaudit / sequential snmpget: $(ratio "$together" "$sequential")
  last mallaudit run: $answered agents listed, $failed agent error(s) (the dead one expected)
REPORT
