#!/usr/bin/env bash
# SNMP test peers, all on 127.0.0.1 (scripts/test.sh runs `start` before `swift test` and `stop` after):
#   1. Debian's snmpd serving the demo sensors (scripts/snmp/sensors.txt) plus 2,400 filler rows under
#      .1.3.6.1.4.1.32473.9, community mallaudit-test, v3 users mallaudit-authpriv (SHA+AES) and
#      mallaudit-authnopriv (SHA);
#   2. Debian's snmpsimd serving the recording of a real Cisco switch (community cisco_16_switch), the
#      value-type fixture scripts/snmp/mallaudit-types.snmprec (community mallaudit-types), for the standard-MIB
#      probes a mall's core switch (the Cisco recording with a mall's ifAlias tags, scripts/snmp/mall-switch.py:
#      communities mall-switch-ok / mall-switch-bad), a machine-room monitor serving ENTITY-SENSOR-MIB
#      (scripts/snmp/machine-room.py: machine-room-ok / machine-room-bad) and Debian's recording of a Linksys
#      device that serves the system group only (community linksys-system: an agent lacking the MIBs);
#   3. a dead agent: a bound UDP port that reads and drops every request.
#
# usage: snmp.sh start STATE_DIR   prints `export NAME=value` lines (and nothing else on stdout)
#        snmp.sh stop STATE_DIR    stops what `start` started
#
# The passphrases below are test fixtures for these throw-away agents only.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cmd="${1:-}"
state="${2:-}"
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }
dir="$state/snmp"

COMMUNITY=mallaudit-test
AUTHPRIV_USER=mallaudit-authpriv
AUTHNOPRIV_USER=mallaudit-authnopriv
AUTH_PASSPHRASE=mallaudit-auth-pass
PRIV_PASSPHRASE=mallaudit-priv-pass
SIM_COMMUNITY=cisco_16_switch
TYPES_COMMUNITY=mallaudit-types

log() { echo "snmp peers: $*" >&2; }

# Waits until `snmpget` gets an answer from ADDR with COMMUNITY (up to ~60 s).
wait_for() {
  local addr="$1" community="$2" pidfile="$3" what="$4"
  for _ in $(seq 1 300); do
    if MIBS= snmpget -v2c -c "$community" -t 0.2 -r 0 -On "$addr" .1.3.6.1.2.1.1.1.0 >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "$what exited before answering; its log:"
      tail -20 "$dir/$what.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
  log "$what did not answer at $addr within 60 s"
  return 1
}

stop() {
  [ -d "$dir" ] || return 0
  for pidfile in "$dir"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  if [ -f "$dir/simdir" ]; then rm -rf "$(cat "$dir/simdir")"; fi
  rm -rf "$dir"
}

start() {
  if compgen -G "$dir/*.pid" >/dev/null; then
    log "peers already started in $dir (run: $0 stop $state)"
    return 2
  fi
  mkdir -p "$dir"
  rm -f "$dir/dead.port"
  read -r snmpd_port sim_port <<<"$(python3 "$here/snmp/freeports.py" 2 | tr '\n' ' ')"

  # 1. snmpd
  mkdir -p "$dir/snmpd-persist"
  SNMPD_CONF_AUTH_PASSPHRASE="$AUTH_PASSPHRASE" SNMPD_CONF_PRIV_PASSPHRASE="$PRIV_PASSPHRASE" \
    bash "$here/snmp/snmpd-conf.sh" --listen "udp:127.0.0.1:$snmpd_port" --community "$COMMUNITY" \
    --v3-authpriv "$AUTHPRIV_USER" --v3-authnopriv "$AUTHNOPRIV_USER" \
    --values "$here/snmp/sensors.txt" --filler 2400 >"$dir/snmpd.conf"
  MIBS= SNMP_PERSISTENT_DIR="$dir/snmpd-persist" setsid snmpd -f -Lo -C -c "$dir/snmpd.conf" \
    >"$dir/snmpd.log" 2>&1 </dev/null &
  echo $! >"$dir/snmpd.pid"

  # 2. snmpsimd: it drops root privileges, so its data and cache live in a directory "nobody" can read.
  simdir="$(mktemp -d /tmp/mallaudit-snmpsim.XXXXXX)"
  echo "$simdir" >"$dir/simdir"
  chmod 755 "$simdir"
  mkdir -p "$simdir/data" "$simdir/cache"
  gunzip -c /usr/share/doc/snmpsim/examples/data/cisco_16_switch.snmprec.gz >"$simdir/data/$SIM_COMMUNITY.snmprec"
  cp "$here/snmp/mallaudit-types.snmprec" "$simdir/data/$TYPES_COMMUNITY.snmprec"
  for variant in ok bad demo; do
    python3 "$here/snmp/mall-switch.py" "$variant" /usr/share/doc/snmpsim/examples/data/cisco_16_switch.snmprec.gz \
      >"$simdir/data/mall-switch-$variant.snmprec"
    [ "$variant" = demo ] || python3 "$here/snmp/machine-room.py" "$variant" >"$simdir/data/machine-room-$variant.snmprec"
  done
  cp /usr/share/doc/snmpsim/examples/data/recorded/linksys-system.snmprec "$simdir/data/linksys-system.snmprec"
  chmod 755 "$simdir/data"
  chmod 644 "$simdir/data"/*
  chmod 777 "$simdir/cache"
  user_flags=()
  if [ "$(id -u)" = 0 ]; then user_flags=(--process-user=nobody --process-group=nogroup); fi
  setsid snmpsimd --data-dir="$simdir/data" --cache-dir="$simdir/cache" \
    --agent-udpv4-endpoint="127.0.0.1:$sim_port" --logging-method=null "${user_flags[@]}" \
    >"$dir/snmpsimd.log" 2>&1 </dev/null &
  echo $! >"$dir/snmpsimd.pid"

  # 3. the dead agent
  setsid python3 "$here/snmp/deadagent.py" "$dir/dead.port" >"$dir/deadagent.log" 2>&1 </dev/null &
  echo $! >"$dir/deadagent.pid"

  wait_for "udp:127.0.0.1:$snmpd_port" "$COMMUNITY" "$dir/snmpd.pid" snmpd
  wait_for "udp:127.0.0.1:$sim_port" "$SIM_COMMUNITY" "$dir/snmpsimd.pid" snmpsimd
  for _ in $(seq 1 100); do [ -s "$dir/dead.port" ] && break; sleep 0.1; done
  [ -s "$dir/dead.port" ] || { log "the dead agent did not start"; return 1; }

  cat <<EXPORTS
export MALLAUDIT_TEST_SNMPD=udp:127.0.0.1:$snmpd_port
export MALLAUDIT_TEST_SNMP_COMMUNITY=$COMMUNITY
export MALLAUDIT_TEST_SNMP_V3_AUTHPRIV_USER=$AUTHPRIV_USER
export MALLAUDIT_TEST_SNMP_V3_AUTHNOPRIV_USER=$AUTHNOPRIV_USER
export MALLAUDIT_TEST_SNMP_V3_AUTH_PASS=$AUTH_PASSPHRASE
export MALLAUDIT_TEST_SNMP_V3_PRIV_PASS=$PRIV_PASSPHRASE
export MALLAUDIT_TEST_SNMPSIM=udp:127.0.0.1:$sim_port
export MALLAUDIT_TEST_SNMPSIM_COMMUNITY=$SIM_COMMUNITY
export MALLAUDIT_TEST_SNMPSIM_TYPES_COMMUNITY=$TYPES_COMMUNITY
export MALLAUDIT_TEST_SNMPSIM_MIB_COMMUNITIES=mall-switch-ok,mall-switch-bad,mall-switch-demo,machine-room-ok,machine-room-bad,linksys-system
export MALLAUDIT_TEST_SNMP_DEAD=udp:127.0.0.1:$(cat "$dir/dead.port")
EXPORTS
}

case "$cmd" in
  start)
    # In a subshell so that `set -e` still applies inside start (it does not in an `||` list).
    set +e
    (set -e; start)
    status=$?
    set -e
    if [ "$status" = 2 ]; then exit 2; fi
    if [ "$status" != 0 ]; then
      log "start failed; stopping what was started"
      stop
      exit 1
    fi ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
