#!/usr/bin/env bash
# The main job, as README.md runs it: installs what is needed, builds mallaudit and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
bash scripts/install-deps.sh
swift build
"$(swift build --show-bin-path)/mallaudit" --help
