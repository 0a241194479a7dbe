#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser (docs/reliability.md), on demand — never in CI.
#
#   bash scripts/fuzz.sh [SECONDS] [HARNESS ...]
#
# Builds the libFuzzer harnesses of fuzz/ (their own package, outside the main package graph) with
# `-sanitize=fuzzer,address`, seeds each harness's corpus from fuzz/seeds/HARNESS and the repo's fixtures, and runs
# each harness SECONDS (default 600), FUZZ_JOBS at a time (default 2). Per harness: fuzz/.runs/HARNESS.log (with
# libFuzzer's final stats), the grown corpus in fuzz/.corpus/HARNESS, and any crash, timeout or out-of-memory input
# in fuzz/.runs/artifacts/. Exits 1 when a harness found one: commit the input under Tests/ as a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
root="$PWD"
seconds="${1:-600}"
shift || true
all=(checklist site probes findings csv wifi json xpath snmp store)
harnesses=("$@")
[ "${#harnesses[@]}" -gt 0 ] || harnesses=("${all[@]}")
jobs="${FUZZ_JOBS:-2}"
# A hang is an input that takes longer than this; a blow-up one that needs more memory.
per_input_timeout="${FUZZ_TIMEOUT:-20}"
rss_limit_mb="${FUZZ_RSS_LIMIT_MB:-2048}"

swift build --package-path fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -g >&2
binary="$(swift build --package-path fuzz -c release -Xswiftc -sanitize=fuzzer,address --show-bin-path)/mallaudit-fuzz"

runs="fuzz/.runs"
mkdir -p "$runs/artifacts"

# The seed corpus: the committed seeds of each harness plus the repo's own fixtures of that kind.
seed() {
  local harness="$1" corpus="fuzz/.corpus/$1"
  mkdir -p "$corpus"
  if [ -d "fuzz/seeds/$harness" ]; then cp -f fuzz/seeds/"$harness"/* "$corpus"/ 2>/dev/null || true; fi
  case "$harness" in
    checklist)
      cp -f checklists/*.xml "$corpus"/
      find Tests/AuditChecklistTests/Fixtures -name '*.xml' -exec cp -f {} "$corpus"/ \; ;;
    site) cp -f examples/demo-mall/site.yaml "$corpus"/demo-site.yaml ;;
    probes) for f in probes/*.yaml; do cp -f "$f" "$corpus/probes-$(basename "$f")"; done ;;
    findings) cp -f examples/demo-mall/findings.yaml "$corpus"/demo-findings.yaml ;;
    csv) for f in examples/demo-mall/exports/*.csv; do cp -f "$f" "$corpus/demo-$(basename "$f")"; done ;;
    wifi)
      # The first byte of a wifi input picks the clocks (see the harness); 0 is the default settings.
      for f in examples/demo-mall/exports/wifi-logs/portal-20261118.log examples/demo-mall/exports/wifi-logs/portal-20261110.log.gz; do
        { printf '\0'; head -c 65536 "$f"; } > "$corpus/demo-$(basename "$f")"
      done ;;
    json)
      for f in examples/demo-mall/http/*.json scripts/peers/http-fixtures/*.json; do
        { echo '$.data[*].id'; cat "$f"; } > "$corpus/$(basename "$f")"
      done ;;
    xpath)
      for f in examples/demo-mall/http/*.html scripts/peers/http-fixtures/*.html scripts/peers/http-fixtures/*.xml; do
        { echo "//form[@id='realname']/@action"; cat "$f"; } > "$corpus/$(basename "$f")"
      done ;;
    snmp|store) ;;
  esac
}

run() {
  local harness="$1"
  seed "$harness"
  MALLAUDIT_FUZZ_HARNESS="$harness" MALLAUDIT_FUZZ_ROOT="$root" "$binary" "fuzz/.corpus/$harness" \
    -max_total_time="$seconds" -timeout="$per_input_timeout" -rss_limit_mb="$rss_limit_mb" -max_len=65536 \
    -artifact_prefix="$runs/artifacts/$harness-" -print_final_stats=1 -close_fd_mask=1 \
    >"$runs/$harness.log" 2>&1
  echo "$?" > "$runs/$harness.status"
}

echo "fuzzing ${harnesses[*]} for ${seconds}s each, $jobs at a time; logs in $runs/" >&2
running=0
for harness in "${harnesses[@]}"; do
  rm -f "$runs/$harness.status"
  ( run "$harness" || true ) &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

found=0
printf '%-10s %8s %12s %8s %8s %s\n' harness status executions cov ft corpus
for harness in "${harnesses[@]}"; do
  log="$runs/$harness.log"
  status="$(cat "$runs/$harness.status" 2>/dev/null || echo '?')"
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
  last="$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1 || true)"
  cov="$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || echo '?')"
  ft="$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || echo '?')"
  corpus="$(echo "$last" | grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' | cut -d' ' -f2 || echo '?')"
  printf '%-10s %8s %12s %8s %8s %s\n' "$harness" "$status" "$execs" "$cov" "$ft" "$corpus"
  [ "$status" = 0 ] || found=1
done
if [ "$found" = 1 ]; then
  echo "a harness stopped on a finding: see $runs/*.log and $runs/artifacts/" >&2
  exit 1
fi
