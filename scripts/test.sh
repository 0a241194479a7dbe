#!/usr/bin/env bash
# The whole test suite, as README.md and .ci/run run it: installs what the tests need,
# builds, starts the real peers (snmpd, snmpsim, an HTTP server, a PostgreSQL cluster on 127.0.0.1, rsyslogd
# on a unix socket), runs `swift test`, and stops every peer it started, whatever happens (even a SIGKILL of this
# script: scripts/peer-watchdog.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
bash scripts/install-deps.sh

# The module graph (docs/architecture.md) and the checklist's checkpoints (docs/checkpoints.md) hold.
python3 scripts/check-architecture.py
python3 scripts/check-checkpoints.py >/dev/null

swift build --build-tests
export MALLAUDIT_BIN="$(swift build --show-bin-path)/mallaudit"
# The test helpers (store stress, store seeding, report benchmark): built beside it, never installed.
export MALLAUDIT_TESTKIT_BIN="$(swift build --show-bin-path)/mallaudit-testkit"
# swift-argument-parser's manual generator, for the install test (built now: `swift test` holds the build folder).
swift build --product generate-manual
export MALLAUDIT_GENERATE_MANUAL="$(swift build --show-bin-path)/generate-manual"

# Independent verifiers for the signing interop tests (gmssl, securesystemslib), pinned, in a virtual environment.
venv=".build/test-venv"
wanted="$(sha256sum scripts/test-requirements.txt | cut -d' ' -f1)"
if [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$wanted" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/test-requirements.txt
  echo "$wanted" > "$venv/.requirements"
fi
export MALLAUDIT_TEST_PYTHON="$PWD/$venv/bin/python"

state="$(mktemp -d /tmp/mallaudit-peers.XXXXXX)"
export MALLAUDIT_PEERS_DIR="$state"
stop_peers() {
  # Dismiss the watchdog first, so that it and this never stop the same peer at once.
  if [ -n "${watchdog:-}" ]; then kill "$watchdog" 2>/dev/null || true; fi
  for peer in scripts/peers/*.sh; do
    [ -e "$peer" ] && bash "$peer" stop "$state" || true
  done
  rm -rf "$state"
}
trap stop_peers EXIT
# The peers' lifeline: a watchdog in a session of its own stops them and removes $state should this script be killed
# without running its EXIT trap (SIGKILL, of this script alone or of its whole process group).
setsid bash scripts/peer-watchdog.sh "$$" "$state" </dev/null >/dev/null &
watchdog=$!
# Each peer script prints `export NAME=value` lines telling the tests where it listens.
for peer in scripts/peers/*.sh; do
  [ -e "$peer" ] || continue
  eval "$(bash "$peer" start "$state")"
done

swift test "$@"
