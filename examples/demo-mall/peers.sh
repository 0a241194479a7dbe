#!/usr/bin/env bash
# The demo mall's systems, on fixed loopback ports (the site profile names them):
#   udp:127.0.0.1:18161  machine-room environment controller — snmpd, SNMPv3 authPriv (SHA + AES)
#   udp:127.0.0.1:18162  B1 IoT gateway — snmpd, SNMPv2c
#   udp:127.0.0.1:18163  1F IoT gateway — snmpd, SNMPv2c
#   udp:127.0.0.1:18164  2F IoT gateway — snmpd, SNMPv2c (its energy meter stopped reporting)
#   udp:127.0.0.1:18165  3F IoT gateway — bound but never answers (a dead device)
#   udp:127.0.0.1:18166  core switch — snmpsimd serving Debian's recording of a real Cisco switch with the mall's
#                        ifAlias tags (scripts/snmp/mall-switch.py demo: one carrier uplink and one cashier port down)
#   http://127.0.0.1:18080   WiFi portal, parking, kiosks
#   https://127.0.0.1:18443  member and payment APIs (certificate from a CA made at start)
#
# usage: peers.sh start STATE_DIR | peers.sh stop STATE_DIR
# The secrets come from the environment (mallaudit demo sets demo-only values): DEMO_SNMP_COMMUNITY,
# DEMO_SNMP_AUTH, DEMO_SNMP_PRIV. The CA the site profile trusts is written to STATE_DIR/ca.pem.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cmd="${1:-}"
state="${2:-}"
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }
log() { echo "demo peers: $*" >&2; }

stop() {
  [ -d "$state" ] || return 0
  for pidfile in "$state"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  if [ -f "$state/simdir" ]; then rm -rf "$(cat "$state/simdir")"; rm -f "$state/simdir"; fi
}

wait_snmp() {
  local port="$1" what="$2"; shift 2
  for _ in $(seq 1 150); do
    if MIBS= snmpget "$@" -t 0.2 -r 0 -On "udp:127.0.0.1:$port" .1.3.6.1.2.1.1.1.0 >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$state/$what.pid")" 2>/dev/null; then
      log "$what exited: $(tail -3 "$state/$what.log" 2>/dev/null)"
      return 1
    fi
    sleep 0.2
  done
  log "$what did not answer on udp:127.0.0.1:$port"
  return 1
}

snmpd_start() {
  local name="$1" port="$2" values="$3"; shift 3
  mkdir -p "$state/$name-persist"
  bash "$repo/scripts/snmp/snmpd-conf.sh" --listen "udp:127.0.0.1:$port" "$@" --values "$values" >"$state/$name.conf"
  MIBS= SNMP_PERSISTENT_DIR="$state/$name-persist" setsid snmpd -f -Lo -C -c "$state/$name.conf" \
    >"$state/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

start() {
  : "${DEMO_SNMP_COMMUNITY:?set DEMO_SNMP_COMMUNITY}" "${DEMO_SNMP_AUTH:?set DEMO_SNMP_AUTH}"
  : "${DEMO_SNMP_PRIV:?set DEMO_SNMP_PRIV}"
  stop
  mkdir -p "$state"
  # TLS: a CA and a server certificate for 127.0.0.1, valid 90 days from now.
  (
    cd "$state"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem \
      -days 3650 -subj "/CN=Demo Mall Test CA" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
      -subj "/CN=member.demo-mall.invalid"
    printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 90 -out server.pem \
      -extfile server.ext
  ) >"$state/openssl.log" 2>&1 || { log "certificates failed: see $state/openssl.log"; return 1; }

  SNMPD_CONF_AUTH_PASSPHRASE="$DEMO_SNMP_AUTH" SNMPD_CONF_PRIV_PASSPHRASE="$DEMO_SNMP_PRIV" \
    snmpd_start machine-room 18161 "$here/snmp/machine-room.txt" --v3-authpriv demo-audit
  snmpd_start gateway-b1 18162 "$here/snmp/gateway-b1.txt" --community "$DEMO_SNMP_COMMUNITY"
  snmpd_start gateway-1f 18163 "$here/snmp/gateway-1f.txt" --community "$DEMO_SNMP_COMMUNITY"
  snmpd_start gateway-2f 18164 "$here/snmp/gateway-2f.txt" --community "$DEMO_SNMP_COMMUNITY"
  setsid python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 18165))
while True:
    s.recvfrom(65535)
' >"$state/gateway-3f.log" 2>&1 </dev/null &
  echo $! >"$state/gateway-3f.pid"
  # The core switch: snmpsimd drops root privileges, so its data and cache live in a directory "nobody" can read
  # (under /tmp, removed by stop); the recording's file name is the community.
  simdir="$(mktemp -d /tmp/mallaudit-demo-snmpsim.XXXXXX)"
  echo "$simdir" >"$state/simdir"
  chmod 755 "$simdir"
  mkdir -p "$simdir/data" "$simdir/cache"
  python3 "$repo/scripts/snmp/mall-switch.py" demo /usr/share/doc/snmpsim/examples/data/cisco_16_switch.snmprec.gz \
    >"$simdir/data/$DEMO_SNMP_COMMUNITY.snmprec"
  chmod 755 "$simdir/data"
  chmod 644 "$simdir/data"/*
  chmod 777 "$simdir/cache"
  user_flags=()
  if [ "$(id -u)" = 0 ]; then user_flags=(--process-user=nobody --process-group=nogroup); fi
  setsid snmpsimd --data-dir="$simdir/data" --cache-dir="$simdir/cache" \
    --agent-udpv4-endpoint=127.0.0.1:18166 --logging-method=null "${user_flags[@]}" \
    >"$state/core-switch.log" 2>&1 </dev/null &
  echo $! >"$state/core-switch.pid"
  setsid python3 "$repo/scripts/peers/mall_http_server.py" --routes "$here/http/routes.json" \
    --tls https "$state/server.pem" "$state/server.key" --port http 18080 --port https 18443 \
    --port-file "$state/http-ports.json" >"$state/http.log" 2>&1 </dev/null &
  echo $! >"$state/http.pid"

  wait_snmp 18161 machine-room -v3 -l authPriv -u demo-audit -a SHA -A "$DEMO_SNMP_AUTH" -x AES -X "$DEMO_SNMP_PRIV"
  for pair in gateway-b1:18162 gateway-1f:18163 gateway-2f:18164 core-switch:18166; do
    wait_snmp "${pair#*:}" "${pair%%:*}" -v2c -c "$DEMO_SNMP_COMMUNITY"
  done
  for _ in $(seq 1 100); do [ -s "$state/http-ports.json" ] && break; sleep 0.1; done
  if [ ! -s "$state/http-ports.json" ]; then
    log "the HTTP server did not start: $(tail -3 "$state/http.log")"
    return 1
  fi
}

case "$cmd" in
  start) start || { stop; exit 1; } ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
