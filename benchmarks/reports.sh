#!/usr/bin/env bash
# Times the XML (write + schema validation), HTML and JUnit report writers over a synthetic run
# of N results (default 10000) with a release build, and prints each writer's time and size and the
# process's peak resident memory. Run on demand; tests never time anything.
#
#   bash benchmarks/reports.sh            # 10,000 results
#   bash benchmarks/reports.sh 50000      # more
#   KEEP=/tmp/bench bash benchmarks/reports.sh   # also keep the three reports for a look
#
# Goal (issue 6): well under a second for 10,000 results, with memory that grows linearly with the
# report (the writers hold one report in memory; nothing is kept across runs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
results="${1:-10000}"
swift build -c release --product mallaudit >/dev/null
bin="$(swift build -c release --show-bin-path)/mallaudit"
args=(_bench-report --results "$results")
[ -n "${KEEP:-}" ] && args+=(--output "$KEEP")
# Three runs: the first pays for page faults and the schema/template load; look at the best.
for i in 1 2 3; do
  echo "== run $i"
  "$bin" "${args[@]}"
done
