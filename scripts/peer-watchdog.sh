#!/usr/bin/env bash
# The lifeline of the test peers: scripts/test.sh starts this beside itself, in a session of its own, before it
# starts any peer. While test.sh lives it only waits; once test.sh is gone, however it ended (even SIGKILL, even with its whole process group), it stops every peer with the peer's own
# `stop` and removes STATE_DIR, as test.sh's EXIT trap would have. On a normal end test.sh dismisses it first
# (SIGTERM), then stops the peers itself.
#
#   bash scripts/peer-watchdog.sh PARENT_PID STATE_DIR
#
# The parent is watched through /proc/PID/stat: alive while that process exists, is not a zombie (a test.sh killed but
# not yet reaped still answers `kill -0`) and has the start time it had when this began (not a new process that
# reuses the number).
set -u
parent="${1:-}"
state="${2:-}"
if [ -z "$parent" ] || [ -z "$state" ]; then
  echo "usage: $0 PARENT_PID STATE_DIR" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
# Ctrl-C and a closed terminal reach test.sh, whose EXIT trap stops the peers; SIGTERM is how it dismisses this.
trap '' INT HUP

# Prints "STATE STARTTIME" of process $1 (fields 3 and 22 of /proc/PID/stat), nothing when there is none.
process_state() {
  local line rest
  read -r line 2>/dev/null <"/proc/$1/stat" || return 0
  rest="${line##*) }"  # the command name, in parentheses, may hold spaces
  # shellcheck disable=SC2086
  set -- $rest
  echo "$1 ${20}"
}

if [ -d /proc/self ]; then
  started="$(process_state "$parent")"
  started="${started#* }"
  parent_alive() {
    local now
    now="$(process_state "$parent")"
    [ -n "$now" ] && [ "${now%% *}" != Z ] && [ "${now#* }" = "$started" ]
  }
else
  parent_alive() { kill -0 "$parent" 2>/dev/null; }
fi

while parent_alive; do sleep 0.5; done

# test.sh is gone: nothing must interrupt the clean-up now.
trap '' TERM
echo "peer-watchdog: scripts/test.sh (pid $parent) is gone; stopping its peers in $state" >&2
for peer in scripts/peers/*.sh; do
  [ -e "$peer" ] && bash "$peer" stop "$state" >/dev/null 2>&1 || true
done
rm -rf "$state"
