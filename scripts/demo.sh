#!/usr/bin/env bash
# The main job, as README.md runs it: installs what is needed, builds mallaudit (and mallaudit-server: `swift build`
# builds every product), and audits the bundled demo mall end to end — its sensors (snmpd) and APIs (an HTTP(S)
# server) started on 127.0.0.1, the audit run and stored, the reports and the signed bundle written to
# ./mallaudit-demo (or the folder given first), the systems stopped. Further arguments go to `mallaudit demo`:
#
#   bash scripts/demo.sh                                  # ./mallaudit-demo
#   bash scripts/demo.sh out --with-server                # also: the bundle submitted to a throwaway bureau service
#   bash scripts/demo.sh --with-server --keep-serving     # … which runs until Ctrl-C, to open its pages
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
output="mallaudit-demo"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  output="$1"
  shift
fi
bash scripts/install-deps.sh
swift build
exec "$(swift build --show-bin-path)/mallaudit" demo --output "$output" "$@"
