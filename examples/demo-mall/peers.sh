#!/usr/bin/env bash
# The demo mall's systems, on loopback ports chosen free when they start (so two demos, or a demo beside the
# tests, never collide):
#   machine_room  the machine-room environment controller — snmpd, SNMPv3 authPriv (SHA + AES)
#   gateway_b1    B1 IoT gateway — snmpd, SNMPv2c
#   gateway_1f    1F IoT gateway — snmpd, SNMPv2c
#   gateway_2f    2F IoT gateway — snmpd, SNMPv2c (its energy meter stopped reporting)
#   gateway_3f    3F IoT gateway — a bound UDP port that never answers (a dead device)
#   core_switch   the core switch — snmpsimd serving Debian's recording of a real Cisco switch with the mall's
#                 ifAlias tags (scripts/snmp/mall-switch.py demo: one carrier uplink and one cashier port down)
#   http          WiFi portal, parking, kiosks (plain HTTP)
#   https         member and payment APIs (certificate from a CA made at start)
#
# usage: peers.sh start STATE_DIR | peers.sh stop STATE_DIR
#
# `start` writes STATE_DIR/ports.json ({"machine_room": PORT, …, "http": PORT, "https": PORT}) and the CA the
# demo's profile trusts, STATE_DIR/ca.pem; it returns once every SNMP agent answers and the HTTP server listens,
# or exits 1 naming the system that did not start. `mallaudit demo` writes the site profile with these ports
# (examples/demo-mall/site.yaml is its template) and checks every system answers before the audit.
#
# Nothing is left running:
# - every process `start` starts stays in its process group (no setsid); when `start` leads its own group (as it
#   does when mallaudit starts it), `stop` signals the whole group, so a system started a moment before an
#   interruption goes too;
# - with MALLAUDIT_DEMO_LIFELINE=FD (the read end of a pipe whose write end only the mallaudit process holds), a
#   watchdog in the group waits for end of file on FD — the mallaudit process has ended, however it ended, even by
#   SIGKILL — then stops every system and removes STATE_DIR;
# - every system stops on SIGTERM (`stop` waits at most 3 s before SIGKILL).
#
# The secrets come from the environment (mallaudit demo sets demo-only values): DEMO_SNMP_COMMUNITY,
# DEMO_SNMP_AUTH, DEMO_SNMP_PRIV.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cmd="${1:-}"
state="${2:-}"
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|stop STATE_DIR" >&2; exit 64; }
log() { echo "$*" >&2; }

# How long an SNMP agent may take to answer after it started (it answers in well under a second when the
# machine is idle).
answer_wait="${DEMO_PEER_WAIT:-10}"

pids_of() { for pidfile in "$state"/*.pid; do [ -e "$pidfile" ] && cat "$pidfile"; done; true; }

# Whether PID runs: it exists and is not a zombie (an orphan's zombie stays listed until init reaps it).
running() {
  local stat
  stat="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$stat" ] && [ "${stat%% *}" != Z ]
}

# Whether any process of process group $1 other than $2 runs.
group_running() {
  local pid
  for pid in $(pgrep -g "$1" 2>/dev/null); do
    [ "$pid" != "${2:-}" ] && running "$pid" && return 0
  done
  return 1
}

# Stops every system (SIGTERM, then SIGKILL after 3 s); the group too when recorded. A caller inside the group (the
# watchdog, or `start` stopping what it started) passes its own pid and ignores SIGTERM: it is spared, and the group
# only gets SIGTERM.
stop_systems() {
  local except="${1:-}" group="" pid alive
  [ -d "$state" ] || return 0
  group="$(cat "$state/group" 2>/dev/null || true)"
  local pids=()
  for pid in $(pids_of); do [ "$pid" != "$except" ] && pids+=("$pid"); done
  if [ -n "$group" ]; then kill -TERM -- "-$group" 2>/dev/null || true; fi
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 60); do
    alive=0
    for pid in "${pids[@]}"; do running "$pid" && alive=1; done
    if [ -n "$group" ] && group_running "$group" "$except"; then alive=1; fi
    [ "$alive" = 0 ] && break
    sleep 0.05
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [ -n "$group" ] && [ -z "$except" ]; then kill -KILL -- "-$group" 2>/dev/null || true; fi
  rm -f "$state"/*.pid "$state/group"
  # snmpsimd's data, outside STATE_DIR (see switch_launch).
  if [ -f "$state/simdir" ]; then rm -rf "$(cat "$state/simdir")"; rm -f "$state/simdir"; fi
}

# The snmpget options that reach agent NAME (its own secrets), in the array `probe`.
probe_options() {
  case "$1" in
    machine_room) probe=(-v3 -l authPriv -u demo-audit -a SHA -A "$DEMO_SNMP_AUTH" -x AES -X "$DEMO_SNMP_PRIV") ;;
    *) probe=(-v2c -c "$DEMO_SNMP_COMMUNITY") ;;
  esac
}

free_port() { python3 "$repo/scripts/snmp/freeports.py" 1; }

# Starts snmpd NAME (machine_room, gateway_b1, …) on a free port, serving snmp/NAME.txt; does not wait.
snmpd_launch() {
  local name="$1" port
  port="$(free_port)"
  echo "$port" >"$state/$name.port"
  mkdir -p "$state/$name-persist"
  local values="$here/snmp/${name//_/-}.txt"
  if [ "$name" = machine_room ]; then
    SNMPD_CONF_AUTH_PASSPHRASE="$DEMO_SNMP_AUTH" SNMPD_CONF_PRIV_PASSPHRASE="$DEMO_SNMP_PRIV" \
      bash "$repo/scripts/snmp/snmpd-conf.sh" --listen "udp:127.0.0.1:$port" --v3-authpriv demo-audit \
      --values "$values" >"$state/$name.conf"
  else
    bash "$repo/scripts/snmp/snmpd-conf.sh" --listen "udp:127.0.0.1:$port" --community "$DEMO_SNMP_COMMUNITY" \
      --values "$values" >"$state/$name.conf"
  fi
  MIBS= SNMP_PERSISTENT_DIR="$state/$name-persist" snmpd -f -Lo -C -c "$state/$name.conf" \
    >"$state/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

# Starts the core switch (snmpsimd) on a free port; does not wait. snmpsimd drops root privileges, so its data and
# cache live in a folder "nobody" can read, under /tmp (STATE_DIR is private), removed by stop_systems; the
# recording's file name is the community.
switch_launch() {
  local name="$1" port simdir
  port="$(free_port)"
  echo "$port" >"$state/$name.port"
  if [ -f "$state/simdir" ]; then
    simdir="$(cat "$state/simdir")"
  else
    simdir="$(mktemp -d /tmp/mallaudit-demo-snmpsim.XXXXXX)"
    echo "$simdir" >"$state/simdir"
    chmod 755 "$simdir"
    mkdir -p "$simdir/data" "$simdir/cache"
    python3 "$repo/scripts/snmp/mall-switch.py" demo \
      /usr/share/doc/snmpsim/examples/data/cisco_16_switch.snmprec.gz >"$simdir/data/$DEMO_SNMP_COMMUNITY.snmprec"
    chmod 755 "$simdir/data"
    chmod 644 "$simdir/data"/*
    chmod 777 "$simdir/cache"
  fi
  local user_flags=()
  if [ "$(id -u)" = 0 ]; then user_flags=(--process-user=nobody --process-group=nogroup); fi
  snmpsimd --data-dir="$simdir/data" --cache-dir="$simdir/cache" --agent-udpv4-endpoint="127.0.0.1:$port" \
    --logging-method=null "${user_flags[@]}" >"$state/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

# Starts agent NAME: snmpsimd for the core switch, snmpd for the others.
agent_launch() {
  if [ "$1" = core_switch ]; then switch_launch "$1"; else snmpd_launch "$1"; fi
}

# Waits until snmpd NAME answers with its own secrets; when it exited (the port it was given was taken in the
# meantime) starts it again on another port, up to 5 times. Adds `"NAME": PORT` to `ports`.
snmpd_wait() {
  local name="$1" attempt port deadline probe=() wait="$answer_wait" agent=snmpd
  probe_options "$name"
  # snmpsimd indexes its recording before it answers: a few seconds more on a busy machine.
  if [ "$name" = core_switch ]; then wait=$((answer_wait * 3)); agent=snmpsimd; fi
  for attempt in 1 2 3 4 5; do
    port="$(cat "$state/$name.port")"
    deadline=$(( $(date +%s) + wait ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
      if MIBS= snmpget "${probe[@]}" -t 0.2 -r 0 -On "udp:127.0.0.1:$port" .1.3.6.1.2.1.1.1.0 >/dev/null 2>&1; then
        ports+=("\"$name\": $port")
        return 0
      fi
      running "$(cat "$state/$name.pid")" || break
      sleep 0.05
    done
    if running "$(cat "$state/$name.pid")"; then
      log "demo peer $name ($agent on udp:127.0.0.1:$port) did not answer within $wait s;" \
        "its log: $(tail -3 "$state/$name.log" 2>/dev/null | tr '\n' ' ')"
      return 1
    fi
    agent_launch "$name"
  done
  log "demo peer $name ($agent) did not start; its log: $(tail -3 "$state/$name.log" 2>/dev/null | tr '\n' ' ')"
  return 1
}

# Waits until FILE has content while the process of PIDFILE runs.
wait_file() {
  local file="$1" pidfile="$2" name="$3" what="$4"
  for _ in $(seq 1 $((answer_wait * 10))); do
    [ -s "$file" ] && return 0
    if ! running "$(cat "$pidfile")"; then
      log "demo peer $name ($what) exited: $(tail -3 "$state/$name.log" 2>/dev/null | tr '\n' ' ')"
      return 1
    fi
    sleep 0.1
  done
  log "demo peer $name ($what) did not start within $answer_wait s"
  return 1
}

start() {
  : "${DEMO_SNMP_COMMUNITY:?set DEMO_SNMP_COMMUNITY}" "${DEMO_SNMP_AUTH:?set DEMO_SNMP_AUTH}"
  : "${DEMO_SNMP_PRIV:?set DEMO_SNMP_PRIV}"
  if [ -n "$(pids_of)" ]; then log "demo peers already started in $state (run: $0 stop $state)"; return 1; fi
  mkdir -p "$state"
  # When this script leads its own process group (mallaudit starts it so), the group is what `stop` signals.
  if [ "$(ps -o pgid= -p $$ | tr -d ' ')" = "$$" ]; then echo $$ >"$state/group"; fi
  if [ -n "${MALLAUDIT_DEMO_LIFELINE:-}" ]; then
    (
      lifeline="$MALLAUDIT_DEMO_LIFELINE"
      exec </dev/null >/dev/null 2>&1
      read -r -u "$lifeline" _ || true  # end of file: the mallaudit process ended
      trap '' TERM
      stop_systems "$BASHPID"
      rm -rf "$state"
    ) &
    echo $! >"$state/watchdog.pid"
  fi

  # The SNMP agents start first (each on a free port, all at once), then the servers that pick their own port.
  local name agents=(machine_room gateway_b1 gateway_1f gateway_2f core_switch)
  for name in "${agents[@]}"; do agent_launch "$name"; done
  python3 "$repo/scripts/snmp/deadagent.py" "$state/gateway_3f.port" >"$state/gateway_3f.log" 2>&1 </dev/null &
  echo $! >"$state/gateway_3f.pid"

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
  ) >"$state/openssl.log" 2>&1 || { log "demo certificates failed: $(tail -3 "$state/openssl.log")"; return 1; }
  python3 "$repo/scripts/peers/mall_http_server.py" --routes "$here/http/routes.json" \
    --tls https "$state/server.pem" "$state/server.key" --port-file "$state/http-ports.json" \
    >"$state/http.log" 2>&1 </dev/null &
  echo $! >"$state/http.pid"

  ports=()
  for name in "${agents[@]}"; do snmpd_wait "$name"; done
  wait_file "$state/gateway_3f.port" "$state/gateway_3f.pid" gateway_3f "a silent UDP port"
  wait_file "$state/http-ports.json" "$state/http.pid" http "the HTTP(S) server"
  local web
  web="$(python3 -c 'import json, sys; p = json.load(open(sys.argv[1])); print("\"http\": %d, \"https\": %d" % (p["http"], p["https"]))' \
    "$state/http-ports.json")"
  ports+=("\"gateway_3f\": $(cat "$state/gateway_3f.port")" "$web")
  local IFS=,
  echo "{${ports[*]}}" >"$state/ports.json.tmp"
  mv "$state/ports.json.tmp" "$state/ports.json"
}

case "$cmd" in
  start)
    set +e
    (set -e; start)
    status=$?
    set -e
    if [ "$status" != 0 ]; then
      trap '' TERM
      stop_systems "$$"
      exit 1
    fi ;;
  stop) stop_systems ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 64 ;;
esac
