#!/usr/bin/env bash
# The syslog peer of the tests: a real rsyslogd (Debian's rsyslog package) run in the foreground as an ordinary
# process, reading syslog messages from a unix datagram socket and writing each sender's messages (by APP-NAME)
# in the formats WiFi controllers and log shippers produce:
#
#   OUT/APP/rfc3339.log        RSYSLOG_FileFormat              2026-01-01T16:10:00.000000+00:00 host app[311] …
#   OUT/APP/traditional.log    RSYSLOG_TraditionalFileFormat   Jan  1 16:10:00 host app[311] …   (no year, no zone)
#   OUT/APP/protocol.log       RSYSLOG_SyslogProtocol23Format  <134>1 2026-01-01T16:10:00.000000+00:00 host app …
#   OUT/APP/json-atimestamp.log  JSON lines, "@timestamp": RFC 3339 text
#   OUT/APP/json-timestamp.log   JSON lines, "timestamp": RFC 3339 text
#   OUT/APP/json-time.log        JSON lines, "time": seconds since 1970 as a number
#
# The socket keeps the timestamp each message carries (IgnoreTimestamp off), so a test can write the days it needs.
#
#   bash scripts/peers/rsyslog.sh start STATE_DIR   # prints `export NAME=value` lines for the tests
#   bash scripts/peers/rsyslog.sh stop STATE_DIR    # stops the rsyslogd this script started
#
# Exports MALLAUDIT_TEST_RSYSLOG_SOCKET (the socket to send to) and MALLAUDIT_TEST_RSYSLOG_OUT (OUT above).
# Everything it writes stays under STATE_DIR/rsyslog.
set -euo pipefail
command="${1:-}"
state="${2:-}"
if [ -z "$command" ] || [ -z "$state" ]; then
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
fi
dir="$state/rsyslog"

start() {
  if [ -f "$dir/rsyslogd.pid" ] && kill -0 "$(cat "$dir/rsyslogd.pid")" 2>/dev/null; then
    echo "rsyslog.sh: already running (pid $(cat "$dir/rsyslogd.pid")); stop it first" >&2
    exit 1
  fi
  local rsyslogd
  rsyslogd="$(command -v rsyslogd || echo /usr/sbin/rsyslogd)"
  if [ ! -x "$rsyslogd" ]; then
    echo "rsyslog.sh: rsyslogd not found; install Debian's rsyslog package (scripts/install-deps.sh)" >&2
    exit 1
  fi
  mkdir -p "$dir/work" "$dir/out"
  rm -f "$dir/log.sock"
  cat >"$dir/rsyslog.conf" <<EOF
global(workDirectory="$dir/work")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$dir/log.sock" IgnoreTimestamp="off" UseSpecialParser="off" ParseHostname="on"
      RateLimit.Interval="0")
template(name="fileRFC3339" type="string" string="$dir/out/%programname%/rfc3339.log")
template(name="fileTraditional" type="string" string="$dir/out/%programname%/traditional.log")
template(name="fileProtocol" type="string" string="$dir/out/%programname%/protocol.log")
template(name="fileJSONAt" type="string" string="$dir/out/%programname%/json-atimestamp.log")
template(name="fileJSONTimestamp" type="string" string="$dir/out/%programname%/json-timestamp.log")
template(name="fileJSONTime" type="string" string="$dir/out/%programname%/json-time.log")
template(name="jsonAt" type="list" option.jsonf="on") {
  property(outname="@timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="program" name="programname" format="jsonf")
  property(outname="message" name="msg" format="jsonf")
}
template(name="jsonTimestamp" type="list" option.jsonf="on") {
  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="message" name="msg" format="jsonf")
}
template(name="jsonTime" type="list" option.jsonf="on") {
  property(outname="time" name="timereported" dateFormat="unixtimestamp" format="jsonf" datatype="number")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="message" name="msg" format="jsonf")
}
if \$programname startswith "mallaudit-" then {
  action(type="omfile" dynaFile="fileRFC3339" template="RSYSLOG_FileFormat")
  action(type="omfile" dynaFile="fileTraditional" template="RSYSLOG_TraditionalFileFormat")
  action(type="omfile" dynaFile="fileProtocol" template="RSYSLOG_SyslogProtocol23Format")
  action(type="omfile" dynaFile="fileJSONAt" template="jsonAt")
  action(type="omfile" dynaFile="fileJSONTimestamp" template="jsonTimestamp")
  action(type="omfile" dynaFile="fileJSONTime" template="jsonTime")
}
EOF
  "$rsyslogd" -N1 -f "$dir/rsyslog.conf" >"$dir/check.log" 2>&1 || {
    echo "rsyslog.sh: rsyslogd refused the configuration; see $dir/check.log" >&2
    exit 1
  }
  # stdin/stdout/stderr away from the caller: `eval "$(rsyslog.sh start …)"` must not wait for rsyslogd.
  nohup "$rsyslogd" -n -f "$dir/rsyslog.conf" -i "$dir/rsyslogd.own.pid" \
    </dev/null >"$dir/rsyslogd.log" 2>&1 &
  echo $! >"$dir/rsyslogd.pid"
  for _ in $(seq 1 100); do
    [ -S "$dir/log.sock" ] && break
    if ! kill -0 "$(cat "$dir/rsyslogd.pid")" 2>/dev/null; then
      echo "rsyslog.sh: rsyslogd exited at start; see $dir/rsyslogd.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  if [ ! -S "$dir/log.sock" ]; then
    echo "rsyslog.sh: rsyslogd did not open $dir/log.sock; see $dir/rsyslogd.log" >&2
    exit 1
  fi
  echo "export MALLAUDIT_TEST_RSYSLOG_SOCKET='$dir/log.sock'"
  echo "export MALLAUDIT_TEST_RSYSLOG_OUT='$dir/out'"
}

stop() {
  [ -f "$dir/rsyslogd.pid" ] || return 0
  local pid
  pid="$(cat "$dir/rsyslogd.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
  fi
  rm -f "$dir/rsyslogd.pid"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
