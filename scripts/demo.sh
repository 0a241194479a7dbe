#!/usr/bin/env bash
# The main job, as README.md runs it: installs what is needed, builds mallaudit, and audits the bundled demo
# mall end to end — its sensors (snmpd) and APIs (an HTTP(S) server) started on 127.0.0.1, the audit run and
# stored, report.html, report.xml and report.junit.xml written to ./mallaudit-demo (or $1), the systems stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
bash scripts/install-deps.sh
swift build
"$(swift build --show-bin-path)/mallaudit" demo --output "${1:-mallaudit-demo}"
