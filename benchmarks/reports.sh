#!/usr/bin/env bash
# How fast reports are generated for a run of N results (default 10,000), with a release build. Run on
# demand; tests never time anything.
#
#   bash benchmarks/reports.sh            # 10,000 results
#   bash benchmarks/reports.sh 50000      # more
#   KEEP=/tmp/bench bash benchmarks/reports.sh   # also keep the reports for a look
#
# Two parts:
#  1. The writers alone, in one process over a synthetic run held in memory (`mallaudit-testkit bench-report`,
#     the test helper, never installed):
#     best of 5 wall-clock and CPU time of each writer, bytes, and the process's peak memory.
#  2. What a user runs: the same synthetic run stored in a fresh audit database, then
#     `mallaudit report --format xml|html|junit` as separate processes (open the store, read the run,
#     write the report file): best of 3 wall-clock times and each process's peak memory. The named
#     baseline is `xmllint --noout --schema reports/report.xsd report.xml`, libxml2's own tool just
#     validating the XML report that `mallaudit report` wrote (ratio = mallaudit / xmllint).
#
# Goal (issue 6): well under a second for 10,000 results, with memory that grows linearly with the
# report (one report is held in memory; nothing is kept across runs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
results="${1:-10000}"
swift build -c release --product mallaudit >/dev/null
swift build -c release --product mallaudit-testkit >/dev/null
bin="$(swift build -c release --show-bin-path)/mallaudit"
testkit="$(swift build -c release --show-bin-path)/mallaudit-testkit"

echo "== writers alone, $results results in memory (best of 5)"
args=(bench-report --results "$results" --repeat 5)
[ -n "${KEEP:-}" ] && args+=(--output "$KEEP")
"$testkit" "${args[@]}"

dir="$(mktemp -d /tmp/mallaudit-bench-reports.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
echo
echo "== mallaudit report from a stored run of $results results (best of 3)"
"$testkit" bench-report --results "$results" --store "$dir/audit.sqlite" >/dev/null
python3 - "$bin" "$dir" "${KEEP:-}" <<'PY'
import os, shutil, subprocess, sys, time

binary, directory, keep = sys.argv[1], sys.argv[2], sys.argv[3]
database = os.path.join(directory, "audit.sqlite")

def measure(command):
    """Best wall-clock seconds of three runs of `command`, and its largest peak resident memory in MiB."""
    best, peak = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        best = min(best, time.perf_counter() - start)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(command)}")
        peak = max(peak, usage.ru_maxrss)  # KiB on Linux
    return best, peak / 1024

rows = []
for fmt in ("xml", "html", "junit"):
    output = os.path.join(directory, f"report.{fmt}")
    seconds, mib = measure([binary, "report", "--db", database, "--format", fmt, "--output", output])
    rows.append((f"mallaudit report --format {fmt}", seconds, os.path.getsize(output), mib))
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(output, os.path.join(keep, f"stored-report.{fmt}"))
baseline, baseline_mib = measure(["xmllint", "--noout", "--schema", "reports/report.xsd", os.path.join(directory, "report.xml")])
print(f"baseline: xmllint --noout --schema (validation only): {baseline * 1000:.0f} ms, peak {baseline_mib:.0f} MiB")
for name, seconds, size, mib in rows:
    print(f"{name}: {seconds * 1000:.0f} ms, {size} bytes, {seconds / baseline:.2f}x xmllint, peak {mib:.0f} MiB")
PY
