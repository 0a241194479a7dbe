#!/usr/bin/env bash
# Benchmark of `mallaudit check wifi-logs` (5.1.2 log retention) against a plain awk pass that computes the same
# set of dated days, and against `cat > /dev/null` as the floor.
#
#   bash benchmarks/wifi-logs.sh                 # 2 GB over 90 days
#   BENCH_GB=0.2 bash benchmarks/wifi-logs.sh    # smaller
#
# Environment:
#   BENCH_GB    size of the generated logs in GB (default 2)
#   BENCH_DAYS  days of logs (default 90), one file per day, half with ISO stamps and half with year-less syslog
#               stamps (the year inferred from the as-of date)
#   BENCH_DIR   where the logs are generated (default /tmp/mallaudit-bench-wifi); reused when the size matches
#   BENCH_KEEP  set to 1 to keep the generated logs (default: removed at the end)
#
# Targets (issue 4): faster than awk, within 3x of cat, peak memory flat as the logs grow (the script also runs
# mallaudit on the first half of the days and prints both peak RSS values).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
export LC_ALL=C

gb="${BENCH_GB:-2}"
days="${BENCH_DAYS:-90}"
dir="${BENCH_DIR:-/tmp/mallaudit-bench-wifi}"
as_of="2026-03-31"

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for peak-memory figures" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

echo "== building mallaudit (release)" >&2
swift build -c release --product mallaudit >&2
bin="$(swift build -c release --show-bin-path)/mallaudit"

# ---------------------------------------------------------------- generate
marker="$dir/.bench-$gb-$days"
if [ ! -e "$marker" ]; then
  echo "== generating ${gb} GB of WiFi logs over ${days} days in $dir" >&2
  rm -rf "$dir"
  mkdir -p "$dir/logs"
  # One day's lines with a placeholder stamp; every day is this block with its own date.
  python3 - "$gb" "$days" "$dir" <<'PY'
import random, sys
gb, days, out = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
per_day = int(gb * 1e9 / days)
random.seed(7)
events = [
    "hostapd: wlan0: STA {mac} IEEE 802.11: authenticated",
    "hostapd: wlan0: STA {mac} IEEE 802.11: associated (aid {aid})",
    "portal[2211]: login ok user=1{p3}****{p4} mac={mac} ssid=Mall-Free-WiFi ip=10.{a}.{b}.{c}",
    "audit[3310]: url mac={mac} ip=10.{a}.{b}.{c} host=www.example{n}.cn method=GET bytes={bytes}",
    "audit[3310]: keyword-filter pass mac={mac} rule={rule}",
    "hostapd: wlan1: STA {mac} IEEE 802.11: disassociated",
]
def line(second):
    mac = ":".join(f"{random.randrange(256):02x}" for _ in range(6))
    event = random.choice(events).format(
        mac=mac, aid=random.randrange(1, 200), p3=random.randrange(30, 99), p4=random.randrange(1000, 9999),
        a=random.randrange(256), b=random.randrange(256), c=random.randrange(256), n=random.randrange(500),
        bytes=random.randrange(100, 900000), rule=random.randrange(1, 40))
    h, m, s = second // 3600, second // 60 % 60, second % 60
    return f"{h:02d}:{m:02d}:{s:02d} ap-{random.randrange(1, 9)}F-{random.randrange(1, 40):02d} {event}\n"
lines, size = [], 0
while size < per_day:
    l = line(random.randrange(86400))
    lines.append(l)
    size += len(l) + 11
lines.sort()
with open(f"{out}/iso.block", "w") as f:
    f.writelines("@@@@@@@@@@ " + l for l in lines)
with open(f"{out}/syslog.block", "w") as f:
    f.writelines("@@@@@@ " + l for l in lines)
PY
  for ((i = days - 1; i >= 0; i--)); do
    d="$(date -u -d "$as_of - $i days" +%F)"
    if ((i % 2 == 0)); then
      sed "s/^@@@@@@@@@@/$d/" "$dir/iso.block" >"$dir/logs/wifi-$d.log"
    else
      stamp="$(date -u -d "$d" '+%b %e')"
      sed "s/^@@@@@@/$stamp/" "$dir/syslog.block" >"$dir/logs/wifi-$d.log"
    fi
  done
  rm -f "$dir/iso.block" "$dir/syslog.block"
  # The newest half of the days, for the memory-growth comparison.
  mkdir -p "$dir/half"
  ls "$dir/logs" | sort | tail -n $((days / 2)) | while read -r f; do ln "$dir/logs/$f" "$dir/half/$f"; done
  touch "$marker"
fi
bytes="$(cat "$dir"/logs/* | wc -c)"
echo "== $(ls "$dir/logs" | wc -l) files, $bytes bytes" >&2

# ---------------------------------------------------------------- the awk reference
# The same set of dated days: ISO dates as written, syslog dates with the year inferred from the as-of date.
cat >"$dir/days.awk" <<'AWK'
BEGIN {
  split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", names, " ")
  for (i = 1; i <= 12; i++) month[names[i]] = i
  split(asof, a, "-"); ay = a[1] + 0; amd = (a[2] + 0) * 100 + a[3]
}
$1 ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/ { if ($1 <= asof) seen[$1] = 1; next }
($1 in month) && $2 ~ /^[0-9][0-9]?$/ && $3 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ {
  md = month[$1] * 100 + $2; y = (md > amd) ? ay - 1 : ay
  seen[sprintf("%04d-%02d-%02d", y, month[$1], $2)] = 1
}
END { n = 0; for (d in seen) n++; print n }
AWK

# measure NAME command… → prints "wall_seconds cpu_seconds peak_rss_kb"; the command's stdout goes to $dir/NAME.out.
# CPU time (user + system) is printed beside wall time because on a shared machine wall time includes waiting.
measure() {
  local name="$1"
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$dir/$name.time" "$@" >"$dir/$name.out" || true
  tail -n 1 "$dir/$name.time" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}

echo "== warming the page cache" >&2
cat "$dir"/logs/* >/dev/null

read -r t_cat c_cat m_cat < <(measure cat sh -c "cat '$dir'/logs/* > /dev/null")
read -r t_awk c_awk m_awk < <(measure awk awk -v asof="$as_of" -f "$dir/days.awk" "$dir"/logs/*)
read -r t_ma c_ma m_ma < <(measure mallaudit "$bin" check wifi-logs --dir "$dir/logs" --as-of "$as_of" --format json)
read -r t_half c_half m_half < <(measure half "$bin" check wifi-logs --dir "$dir/half" --as-of "$as_of" --format json)

awk_days="$(cat "$dir/awk.out")"
ma_days="$(python3 -c '
import json, sys
report = json.load(open(sys.argv[1]))
print(next(o["value"] for o in report["observations"] if o["name"] == "daysWithRecords"))' "$dir/mallaudit.out")"
ma_value="$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["value"], r["verdict"])' \
  "$dir/mallaudit.out")"

ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}' if b else 'n/a')" "$@"; }
mbps() { python3 -c "import sys; print(f'{float(sys.argv[1]) / 1e6 / max(float(sys.argv[2]), 0.01):.0f}')" "$@"; }

echo
echo "wifi-logs benchmark: $bytes bytes in $days daily files (as of $as_of), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg)"
printf '  %-28s %7s  %7s  %9s  %12s\n' "" "wall s" "CPU s" "MB/s wall" "peak RSS KB"
row() { printf '  %-28s %7s  %7s  %9s  %12s  %s\n' "$1" "$2" "$3" "$(mbps "$bytes" "$2")" "$4" "${5:-}"; }
row "cat > /dev/null" "$t_cat" "$c_cat" "$m_cat"
row "awk ($(readlink -f "$(command -v awk)"))" "$t_awk" "$c_awk" "$m_awk" "$awk_days days"
row "mallaudit check wifi-logs" "$t_ma" "$c_ma" "$m_ma" "$ma_days days; value $ma_value"
printf '  %-28s %7s  %7s  %9s  %12s  %s\n' "mallaudit, newest half" "$t_half" "$c_half" "" "$m_half" \
  "$((days / 2)) files"
echo "  mallaudit / awk = $(ratio "$t_ma" "$t_awk") wall, $(ratio "$c_ma" "$c_awk") CPU   (target < 1)"
echo "  mallaudit / cat = $(ratio "$t_ma" "$t_cat") wall, $(ratio "$c_ma" "$c_cat") CPU   (target ≤ 3)"
echo "  peak RSS all / half = $(ratio "$m_ma" "$m_half")   (target ≈ 1: memory flat as the logs grow)"
if [ "$awk_days" != "$ma_days" ]; then
  echo "  WARNING: awk counted $awk_days days, mallaudit $ma_days" >&2
fi

if [ "${BENCH_KEEP:-0}" != "1" ]; then rm -rf "$dir"; fi
