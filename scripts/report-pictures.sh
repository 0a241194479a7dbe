#!/usr/bin/env bash
# Pictures of the first pages of the demo's Chinese PDF report for docs/reports.md (docs/images/report-page-N.png):
# runs `mallaudit demo` in a temporary folder (on free loopback ports) and renders pages
# 1–3 with poppler's pdftoppm at 90 dpi. Usage: bash scripts/report-pictures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
swift build --product mallaudit
bin="$(swift build --show-bin-path)/mallaudit"
out="$(mktemp -d /tmp/mallaudit-pictures.XXXXXX)"
trap 'rm -rf "$out"' EXIT
"$bin" demo --output "$out" >/dev/null
pdfinfo "$out/report.pdf" | grep -E '^(Pages|Page size):'
mkdir -p docs/images
rm -f docs/images/report-page-*.png
pdftoppm -r 90 -f 1 -l 3 -png "$out/report.pdf" "$out/page"
for n in 1 2 3; do cp "$out/page-$n.png" "docs/images/report-page-$n.png" 2>/dev/null \
  || cp "$out/page-0$n.png" "docs/images/report-page-$n.png"; done
ls -l docs/images/report-page-*.png
