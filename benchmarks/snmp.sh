#!/usr/bin/env bash
# SNMP speed, whole processes against net-snmp's own tools (run on demand; not part of the tests):
#   1. walk of 2,433 OIDs from snmpd: `mallaudit snmp walk` vs `snmpbulkwalk` (its default -Cr10, and -Cr50 =
#      mallaudit's default repetitions); the outputs are checked identical first.
#   2. poll of 20 agents — 18 snmpd, 1 snmpsimd (the Cisco recording, Python: the slowest), 1 dead — 19 OIDs each,
#      timeout 1 s, no retries: one `mallaudit snmp get --agent …×20` vs `snmpget` for one agent after the other.
#
# usage: bash benchmarks/snmp.sh [WALK_RUNS] [POLL_RUNS]     (defaults 20 and 5)
# Builds mallaudit in release mode with the Swift runtime and Foundation linked statically (how a Linux command-line
# tool ships; in .build-static/, so the ordinary .build/ is left alone — the first build takes minutes), starts its
# own agents on 127.0.0.1 (scripts/peers/snmp.sh and scripts/snmp/snmpd-conf.sh) and stops them on exit.
# A whole-process comparison counts process start-up: with the Swift libraries linked dynamically, mallaudit
# loads ~56 shared libraries and starts about 10 ms slower.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
walk_runs="${1:-20}"
poll_runs="${2:-5}"

echo "building mallaudit (release, static Swift libraries)…" >&2
build=(swift build -c release --static-swift-stdlib --scratch-path .build-static)
"${build[@]}" --product mallaudit >&2
bin="$("${build[@]}" --show-bin-path)/mallaudit"

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

ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
ms() { python3 -c "print(f'{$1 * 1000:.1f}')"; }
field() { awk -F'\t' -v name="$1" -v col="$2" '$1 == name { print $col }' "$3"; }

# 1. walks: the outputs must be identical before anything is timed
walk_root=.1.3.6.1.4.1.32473
snmpbulkwalk -v2c -c "$community" -On "$MALLAUDIT_TEST_SNMPD" "$walk_root" >"$state/walk.snmpbulkwalk"
"$bin" snmp walk --agent "$MALLAUDIT_TEST_SNMPD" --community-env BENCH_COMMUNITY "$walk_root" >"$state/walk.mallaudit"
cmp -s "$state/walk.snmpbulkwalk" "$state/walk.mallaudit" || { echo "walk outputs differ" >&2; exit 1; }
walk_oids="$(wc -l <"$state/walk.mallaudit")"
snmpbulkwalk -v2c -c "$community" -On "$MALLAUDIT_TEST_SNMPD" .1 >"$state/full.snmpbulkwalk"
"$bin" snmp walk --agent "$MALLAUDIT_TEST_SNMPD" --community-env BENCH_COMMUNITY .1 >"$state/full.mallaudit"
# Live counters (sysUpTime, ifInOctets …) move between two walks: compare OIDs and types only.
oid_types() { sed -n 's/^\(\.[0-9.]* = [^:]*\):.*/\1/p' "$1"; }
cmp -s <(oid_types "$state/full.snmpbulkwalk") <(oid_types "$state/full.mallaudit") \
  || { echo "full walk OIDs differ" >&2; exit 1; }
full_oids="$(wc -l <"$state/full.mallaudit")"

bulk="snmpbulkwalk -v2c -c $community -On $MALLAUDIT_TEST_SNMPD"
ours="$bin snmp walk --agent $MALLAUDIT_TEST_SNMPD --community-env BENCH_COMMUNITY"
python3 benchmarks/interleave.py "$walk_runs" \
  "bulk10=$bulk $walk_root" "bulk50=$bulk -Cr50 $walk_root" \
  "ours50=$ours $walk_root" "ours10=$ours --max-repetitions 10 $walk_root" \
  "start_bulk=snmpbulkwalk -V" "start_ours=$bin --help" >"$state/walk.times"
python3 benchmarks/interleave.py "$(( (walk_runs + 3) / 4 ))" \
  "fullbulk=$bulk .1" "fullours=$ours .1" >"$state/full.times"

# 2. poll
poll_oids=(.1.3.6.1.2.1.1.1.0 .1.3.6.1.2.1.1.2.0 .1.3.6.1.2.1.1.3.0 .1.3.6.1.2.1.1.4.0 .1.3.6.1.2.1.1.5.0
  .1.3.6.1.2.1.1.6.0 .1.3.6.1.2.1.1.7.0)
for s in 1 2 3 4 5 6; do poll_oids+=(".1.3.6.1.4.1.32473.1.1.$s.1.0" ".1.3.6.1.4.1.32473.1.1.$s.2.0"); done
sequential=""
for agent in "${agents[@]}"; do
  sequential+="snmpget -v2c -c $community -On -t 1 -r 0 $agent ${poll_oids[*]}; "
done
together="$bin snmp get --community-env BENCH_COMMUNITY --timeout 1 --retries 0"
for agent in "${agents[@]}"; do together+=" --agent $agent"; done
together+=" ${poll_oids[*]}"
python3 benchmarks/interleave.py "$poll_runs" "sequential=$sequential" "together=$together" >"$state/poll.times"
$together >"$state/poll.out" 2>"$state/poll.err" || true
answered="$(grep -c '^# ' "$state/poll.out" || true)"
failed="$(grep -c 'error' "$state/poll.err" || true)"

w() { field "$1" 2 "$state/walk.times"; }
f() { field "$1" 2 "$state/full.times"; }
p() { field "$1" 2 "$state/poll.times"; }
cat <<REPORT
SNMP benchmark: whole processes, medians of interleaved runs, mallaudit release build with static Swift
libraries, every agent on 127.0.0.1 (outputs checked identical to snmpbulkwalk -On before timing)

walk of $walk_oids OIDs from snmpd ($walk_runs runs):
  snmpbulkwalk (its default -Cr10)             $(ms "$(w bulk10)") ms
  snmpbulkwalk -Cr50                           $(ms "$(w bulk50)") ms
  mallaudit snmp walk (its default 50 rows)    $(ms "$(w ours50)") ms
  mallaudit snmp walk --max-repetitions 10     $(ms "$(w ours10)") ms
  ratio mallaudit / snmpbulkwalk, each with its default: $(ratio "$(w ours50)" "$(w bulk10)")   (target <= 1)
  ratio with the same rows per GETBULK: 50: $(ratio "$(w ours50)" "$(w bulk50)"), 10: $(ratio "$(w ours10)" "$(w bulk10)")
  of which process start-up alone (mallaudit --help vs snmpbulkwalk -V): $(ms "$(w start_ours)") ms vs $(ms "$(w start_bulk)") ms

walk of the whole snmpd tree, $full_oids OIDs, same OIDs and types as snmpbulkwalk ($(( (walk_runs + 3) / 4 )) runs):
  snmpbulkwalk $(ms "$(f fullbulk)") ms, mallaudit $(ms "$(f fullours)") ms, ratio $(ratio "$(f fullours)" "$(f fullbulk)")

poll of ${#agents[@]} agents (18 snmpd, 1 snmpsimd, 1 dead), ${#poll_oids[@]} OIDs each, timeout 1 s, no retries ($poll_runs runs):
  snmpget, one agent after the other           $(ms "$(p sequential)") ms
  one mallaudit snmp get --agent ×${#agents[@]}             $(ms "$(p together)") ms
  ratio mallaudit / sequential snmpget: $(ratio "$(p together)" "$(p sequential)")
  beyond the one 1 s timeout: mallaudit $(python3 -c "print(f'{($(p together) - 1) * 1000:.0f}')") ms, \
snmpget $(python3 -c "print(f'{($(p sequential) - 1) * 1000:.0f}')") ms
  last mallaudit run: $answered agents listed, $failed agent error(s) (the dead one expected)
REPORT
