#!/usr/bin/env bash
# The demo's wall time against its own work: `mallaudit demo` starts the demo mall's systems (snmpd for six agents,
# the HTTP(S) server), checks each answers, audits, writes three reports and stops the systems. Its wall time
# should be within a few seconds of the CPU time it and its children use plus the audit's own waits (the dead 3F
# gateway's SNMP timeout): no fixed sleeps, no 5 s wait per peer on stopping (issue 13). Run on demand; tests
# never time anything.
#
#   bash benchmarks/demo.sh            # 3 demos, one after the other, with the debug build
#   bash benchmarks/demo.sh 5          # more
#   MALLAUDIT_BIN=.build/release/mallaudit bash benchmarks/demo.sh   # another binary
#
# Prints one line per demo (wall seconds, CPU seconds of the demo and every process it started, reaped) and the
# best; appends the best to benchmarks/results/demo.tsv (date, host, binary, demos, best wall, its CPU) so the
# record stays with the code. Demos take free ports and their own temporary state, so this may run beside tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
runs="${1:-3}"
bin="${MALLAUDIT_BIN:-}"
if [ -z "$bin" ]; then
  swift build --product mallaudit >/dev/null 2>&1 || swift build --product mallaudit
  bin="$(swift build --show-bin-path)/mallaudit"
fi
dir="$(mktemp -d /tmp/mallaudit-bench-demo.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
mkdir -p benchmarks/results
python3 - "$bin" "$dir" "$runs" <<'PY'
import os, platform, resource, subprocess, sys, time

binary, directory, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = []
for index in range(runs):
    output = os.path.join(directory, f"demo-{index}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([binary, "demo", "--output", output, "--quiet"], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"demo {index + 1} exited {done.returncode}: {done.stderr.strip()}")
    rows.append((wall, cpu))
    print(f"demo {index + 1}: wall {wall:6.2f} s   cpu {cpu:6.2f} s")
best = min(rows)
print(f"best: wall {best[0]:.2f} s, cpu {best[1]:.2f} s (cpu of the demo and the processes it started and reaped)")
with open("benchmarks/results/demo.tsv", "a", encoding="utf-8") as record:
    if record.tell() == 0:
        record.write("date\thost\tbinary\tdemos\tbest_wall_s\tcpu_s\n")
    record.write(
        f"{time.strftime('%Y-%m-%dT%H:%M:%S%z')}\t{platform.node()}\t{os.path.relpath(binary)}\t{runs}\t"
        f"{best[0]:.2f}\t{best[1]:.2f}\n")
PY
