#!/usr/bin/env bash
# Shows that a change kept the demo's reports the same: builds BASE_REF (default: main) in a temporary git
# worktree, runs `mallaudit demo` with it and with this checkout's build, normalises what differs from one run to
# the next (times, run ids, Unix times and ages read from the sensors, the tool version, certificate fingerprints,
# the checkout's path) and prints the diff of the three reports. Exit 0 when the diff is empty, 1 when not.
#
#   bash scripts/compare-demo.sh [BASE_REF]
#
# On demand (it builds a second tree: a few minutes); never in the tests. Demos take free ports and keep their
# state in a temporary folder of their own (a BASE_REF from before that used fixed ports: one comparison at a time).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export PATH="/opt/swift/usr/bin:$PATH"
base_ref="${1:-main}"
work="$(mktemp -d /tmp/mallaudit-compare.XXXXXX)"
cleanup() {
  git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

git -C "$root" worktree add --detach "$work/base" "$base_ref" >/dev/null 2>&1
echo "building $base_ref ($(git -C "$work/base" rev-parse --short HEAD)) …" >&2
(cd "$work/base" && swift build -c debug >"$work/base-build.log" 2>&1) || { tail -20 "$work/base-build.log"; exit 1; }
echo "building this checkout …" >&2
swift build >"$work/now-build.log" 2>&1 || { tail -20 "$work/now-build.log"; exit 1; }

echo "running the demo of $base_ref …" >&2
(cd "$work/base" && "$(swift build --show-bin-path)/mallaudit" demo --output "$work/base-out" >/dev/null)
echo "running the demo of this checkout …" >&2
"$(swift build --show-bin-path)/mallaudit" demo --output "$work/now-out" >/dev/null || true

normalise() {  # FILE CHECKOUT
  python3 - "$1" "$2" <<'PY'
import re, sys
path, checkout = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
text = text.replace(checkout, "CHECKOUT")
text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)", "TIME", text)
text = re.sub(r"\b1[6-9]\d{8}\b", "UNIXTIME", text)                 # sensor readings' Unix times
text = re.sub(r"\b\d+ s old\b", "N s old", text)                     # their ages at probe time
text = re.sub(r'(<run id=")\d+', r"\g<1>RUN", text)
text = re.sub(r'(tool version=")[^"]*', r"\g<1>VERSION", text)
text = re.sub(r"mallaudit \d+\.\d+\.\d+", "mallaudit VERSION", text)
text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)                  # the ports the demo's systems got
text = re.sub(r'(siteProfile digest=")[0-9a-f]{64}', r"\g<1>DIGEST", text)    # the profile written with them
text = re.sub(r"(?i)((?:site profile|场所配置)[^0-9a-f]{0,80})[0-9a-f]{64}", r"\1DIGEST", text)
text = re.sub(r"(?i)(fingerprint[^0-9a-f]{0,40})([0-9a-f]{2}[:]?){16,}", r"\1FINGERPRINT", text)
sys.stdout.write(text)
PY
}
status=0
for report in report.xml report.html report.junit.xml; do
  normalise "$work/base-out/$report" "$work/base" >"$work/base.$report"
  normalise "$work/now-out/$report" "$root" >"$work/now.$report"
  if ! diff -u --label "$base_ref/$report" --label "this checkout/$report" "$work/base.$report" "$work/now.$report"; then
    status=1
  fi
done
if [ "$status" = 0 ]; then echo "the demo's three reports are the same (after normalising)" >&2; fi
exit "$status"
