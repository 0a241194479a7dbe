#!/usr/bin/env bash
# The bureau's service for `mallaudit demo --with-server`: a throwaway PostgreSQL cluster (Debian's postgresql) and
# `mallaudit-server serve`, both on free 127.0.0.1 ports, in STATE_DIR (a folder of the demo's own).
#
#   server.sh start STATE_DIR             # the cluster: prints its port; a database `mallaudit` in it
#   server.sh serve STATE_DIR SERVER_BIN  # SERVER_BIN serve --config STATE_DIR/server.yaml: prints its port
#   server.sh stop STATE_DIR              # stops the server and the cluster, removes the cluster's folder
#
# The superuser's password comes from MALLAUDIT_DEMO_PG_PASSWORD (random per demo, made by mallaudit): initdb reads
# it from a pipe, the server from that variable; it is never an argument or a file. The cluster accepts password
# authentication (scram-sha-256) on TCP only (no Unix socket: the demo's folder may be too deep for one).
# initdb and pg_ctl refuse to run as root: as root the cluster's folder (STATE_DIR/cluster) belongs to `postgres`
# and they run as that user (runuser); STATE_DIR must then be traversable (mallaudit makes it mode 0711).
#
# Nothing is left running (as with peers.sh):
# - with MALLAUDIT_DEMO_LIFELINE=FD (the read end of a pipe whose write end only the mallaudit process holds),
#   `start` leaves a watchdog that waits for end of file on FD — the mallaudit process ended, however it ended, even
#   by SIGKILL — then does what `stop` does and removes STATE_DIR;
# - `stop` stops the server (SIGTERM, SIGKILL after 5 s) and the cluster (pg_ctl stop -m fast, else SIGKILL of
#   its postmaster), and signals the process groups `start` and `serve` led.
set -euo pipefail
cmd="${1:-}"
state="${2:-}"
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 start|serve|stop STATE_DIR [SERVER_BIN]" >&2; exit 64; }
log() { echo "$*" >&2; }

pg_bin() {
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    [ -x "$bin/initdb" ] && echo "$bin"
  done | sort -V | tail -1
}

# Runs a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Whether PID runs: it exists and is not a zombie.
running() {
  local stat
  stat="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null)" || return 1
  [ -n "$stat" ] && [ "${stat%% *}" != Z ]
}

# Closes every descriptor above 2 of the calling (sub)shell: a daemon started from it never holds a pipe of whoever
# started this script, nor the lifeline.
close_descriptors() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    fd="${fd##*/}"
    [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
  done
  true
}

stop_all() {
  local except="${1:-}" pid group bin
  [ -d "$state" ] || return 0
  pid="$(cat "$state/server.pid" 2>/dev/null || true)"
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do running "$pid" || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  bin="$(pg_bin)"
  if [ -d "$state/cluster/data" ]; then
    if [ -z "$bin" ] || ! as_owner "$bin/pg_ctl" -D "$state/cluster/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
      pid="$(head -1 "$state/cluster/data/postmaster.pid" 2>/dev/null || true)"
      [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  for group in $(cat "$state"/*.group 2>/dev/null || true); do
    [ "$group" != "$except" ] && kill -TERM -- "-$group" 2>/dev/null || true
  done
  rm -rf "$state/cluster"
  rm -f "$state/server.pid" "$state"/*.group
}

start() {
  : "${MALLAUDIT_DEMO_PG_PASSWORD:?set MALLAUDIT_DEMO_PG_PASSWORD}"
  local bin port
  bin="$(pg_bin)"
  if [ -z "$bin" ]; then
    log "PostgreSQL's initdb is not under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    exit 1
  fi
  [ ! -e "$state/cluster" ] || { log "a cluster is already in $state (run: $0 stop $state)"; exit 1; }
  mkdir -p "$state/cluster"
  if [ "$(ps -o pgid= -p $$ | tr -d ' ')" = "$$" ]; then echo $$ >"$state/start.group"; fi
  if [ -n "${MALLAUDIT_DEMO_LIFELINE:-}" ]; then
    (
      lifeline="$MALLAUDIT_DEMO_LIFELINE"
      exec </dev/null >/dev/null 2>&1
      read -r -u "$lifeline" _ || true  # end of file: the mallaudit process ended
      trap '' TERM
      stop_all "$(ps -o pgid= -p $BASHPID | tr -d ' ')"
      rm -rf "$state"
    ) &
    echo $! >"$state/watchdog.pid"
  fi
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$state/cluster"; fi
  # The password through a pipe made by the cluster's owner (initdb opens /dev/stdin as that user).
  if ! as_owner env CLUSTER="$state/cluster" INITDB="$bin/initdb" sh -c \
    'printf "%s\n" "$MALLAUDIT_DEMO_PG_PASSWORD" | "$INITDB" -D "$CLUSTER/data" -U postgres --auth=scram-sha-256 \
       --pwfile=/dev/stdin --encoding=UTF8 --locale=C.UTF-8' >"$state/initdb.log" 2>&1; then
    log "initdb failed: $(tail -3 "$state/initdb.log" | tr '\n' ' ')"
    exit 1
  fi
  port="$(free_port)"
  if ! (
    close_descriptors
    # The server's environment without the password: it needs none (initdb stored its hash).
    as_owner env -u MALLAUDIT_DEMO_PG_PASSWORD "$bin/pg_ctl" -D "$state/cluster/data" -l "$state/cluster/server.log" \
      -w -t 60 \
      -o "-p $port -h 127.0.0.1 -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off" start
  ) </dev/null >"$state/pg_ctl.log" 2>&1; then
    log "the PostgreSQL cluster did not start: $(tail -3 "$state/cluster/server.log" 2>/dev/null | tr '\n' ' ')"
    exit 1
  fi
  if ! PGPASSWORD="$MALLAUDIT_DEMO_PG_PASSWORD" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres mallaudit \
    >"$state/createdb.log" 2>&1; then
    log "createdb failed: $(cat "$state/createdb.log")"
    exit 1
  fi
  echo "$port"
}

serve() {
  local server="${3:-}" pid port
  [ -x "$server" ] || { log "no mallaudit-server at '$server'"; exit 1; }
  if [ "$(ps -o pgid= -p $$ | tr -d ' ')" = "$$" ]; then echo $$ >"$state/serve.group"; fi
  rm -f "$state/server.port"
  (
    close_descriptors
    exec "$server" serve --config "$state/server.yaml" --port-file "$state/server.port"
  ) </dev/null >"$state/server.log" 2>&1 &
  pid=$!
  echo "$pid" >"$state/server.pid"
  for _ in $(seq 1 600); do
    port="$(cat "$state/server.port" 2>/dev/null || true)"
    if [ -n "$port" ]; then echo "$port"; return 0; fi
    running "$pid" || { log "mallaudit-server serve exited: $(tail -5 "$state/server.log" | tr '\n' ' ')"; exit 1; }
    sleep 0.1
  done
  log "mallaudit-server serve did not listen within 60 s: $(tail -5 "$state/server.log" | tr '\n' ' ')"
  exit 1
}

case "$cmd" in
  start) start ;;
  serve) serve "$@" ;;
  stop) stop_all ;;
  *) echo "usage: $0 start|serve|stop STATE_DIR [SERVER_BIN]" >&2; exit 64 ;;
esac
