#!/usr/bin/env bash
# How fast the audit store commits results: each result is its own transaction (WAL, synchronous=FULL), so
# this is bounded by the disk's fsync rate. Run on demand, never from the test suite:
#   bash benchmarks/store-record.sh [COUNT]        (default 1000 results)
# Uses $MALLAUDIT_BIN and $MALLAUDIT_TESTKIT_BIN (the test helper that records the results), else builds the
# debug binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
count="${1:-1000}"
bin="${MALLAUDIT_BIN:-}"
if [ -z "$bin" ]; then
  swift build --product mallaudit >/dev/null
  bin="$(swift build --show-bin-path)/mallaudit"
fi
testkit="${MALLAUDIT_TESTKIT_BIN:-}"
if [ -z "$testkit" ]; then
  swift build --product mallaudit-testkit >/dev/null
  testkit="$(swift build --show-bin-path)/mallaudit-testkit"
fi
dir="$(mktemp -d /tmp/mallaudit-bench.XXXXXX)"
trap 'rm -rf "$dir"' EXIT

start=$(date +%s.%N)
"$testkit" store-stress --db "$dir/bench.sqlite" --count "$count" >/dev/null
end=$(date +%s.%N)
python3 - "$start" "$end" "$count" <<'PY'
import sys
start, end, count = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
elapsed = end - start
print(f"record: {count} results, one transaction each, in {elapsed:.2f} s = {count / elapsed:.0f} results/s")
PY
"$testkit" store-stress --db "$dir/bench.sqlite" --count "$count" >/dev/null
for what in "runs --format json" "diff 1 2 --format json"; do
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  "$bin" $what --db "$dir/bench.sqlite" >/dev/null
  end=$(date +%s.%N)
  python3 -c "import sys; print(f'{sys.argv[1]}: {float(sys.argv[3]) - float(sys.argv[2]):.3f} s')" "$what" "$start" "$end"
done
