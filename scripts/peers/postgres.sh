#!/usr/bin/env bash
# The PostgreSQL peer of the tests: a throwaway PostgreSQL 15 cluster (Debian's postgresql) on 127.0.0.1, on a free
# port, with its own socket folder, in a temporary folder of its own. initdb and pg_ctl refuse to run as root, so
# as root they run as the `postgres` user (runuser) on a folder that user owns.
#
#   bash scripts/peers/postgres.sh start STATE_DIR   # prints `export NAME=value` lines for the tests
#   bash scripts/peers/postgres.sh replica STATE_DIR # a streaming replica of that cluster (tests that need one)
#   bash scripts/peers/postgres.sh stop STATE_DIR    # stops the cluster (and its replica) and removes their folders
#
# Exports MALLAUDIT_TEST_PG_HOST, MALLAUDIT_TEST_PG_PORT, MALLAUDIT_TEST_PG_USER (a role that may create
# databases; each test makes its own), MALLAUDIT_TEST_PG_PASSWORD (random per start; password authentication,
# scram-sha-256, as in production) and MALLAUDIT_TEST_PG_BIN (the folder of initdb, pg_ctl, psql, pg_dump).
# `replica` exports MALLAUDIT_TEST_PG_REPLICA_PORT: a hot standby (pg_basebackup -R, streaming) on its own port.
# STATE_DIR/postgres records where the cluster lives; the cluster itself is in a mktemp folder under /tmp.
set -euo pipefail
command="${1:-}"
state="${2:-}"
if [ -z "$command" ] || [ -z "$state" ]; then
  echo "usage: $0 start|replica|stop STATE_DIR" >&2
  exit 2
fi
dir="$state/postgres"

pg_bin() {
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    [ -x "$bin/initdb" ] && echo "$bin"
  done | sort -V | tail -1
}

# Runs a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# `exec`-able form of as_owner (a function cannot be exec'd; runuser or the program itself can).
as_owner_exec() {
  if [ "$(id -u)" = 0 ]; then
    exec runuser -u postgres -- "$@"
  else
    exec "$@"
  fi
}

# Starts the server of the cluster in $2 (data in $2/data, socket in $2/socket) on port $3.
# fsync off: a throwaway cluster never needs to survive a power cut, and the tests run much faster.
# The server is started with every descriptor above 2 closed, so that it never holds a pipe of whoever
# started this script (a test harness waiting for the end of its output would wait for the server).
start_server() {
  local bin="$1" cluster="$2" port="$3"
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd="${fd##*/}"
      [ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-" 2>/dev/null
    done
    as_owner_exec "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-p $port -k $cluster/socket -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start
  ) </dev/null >>"$dir/pg_ctl.log" 2>&1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local bin
  bin="$(pg_bin)"
  if [ -z "$bin" ]; then
    echo "postgres.sh: PostgreSQL's initdb not found under /usr/lib/postgresql (apt-get install postgresql)" >&2
    exit 1
  fi
  if [ -f "$dir/cluster" ] && [ -d "$(cat "$dir/cluster")/data" ]; then
    echo "postgres.sh: already running in $(cat "$dir/cluster"); stop it first" >&2
    exit 1
  fi
  mkdir -p "$dir"
  local cluster port password
  cluster="$(mktemp -d /tmp/mallaudit-pg.XXXXXX)"
  echo "$cluster" >"$dir/cluster"
  chmod 755 "$cluster"
  mkdir -p "$cluster/socket"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$cluster"; fi
  password="$(openssl rand -hex 24)"
  # The superuser's password goes to initdb through a file only the owner can read, never an argument.
  as_owner sh -c "umask 077; printf '%s\n' '$password' >'$cluster/pwfile'"
  if ! as_owner "$bin/initdb" -D "$cluster/data" -U postgres --auth=scram-sha-256 --pwfile="$cluster/pwfile" \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    echo "postgres.sh: initdb failed; its log ($dir/initdb.log):" >&2
    cat "$dir/initdb.log" >&2
    exit 1
  fi
  as_owner rm -f "$cluster/pwfile"
  (umask 077; printf '%s\n' "$password" >"$dir/password")
  port="$(free_port)"
  echo "$port" >"$dir/port"
  if ! start_server "$bin" "$cluster" "$port"; then
    echo "postgres.sh: the cluster did not start; its log:" >&2
    cat "$cluster/server.log" >&2 || true
    exit 1
  fi
  # The tests' role: may create databases (one per test), not a superuser.
  PGPASSWORD="$password" "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE mallaudit_test LOGIN CREATEDB PASSWORD '$password'" >/dev/null
  printf 'export MALLAUDIT_TEST_PG_HOST=%q\n' "127.0.0.1"
  printf 'export MALLAUDIT_TEST_PG_PORT=%q\n' "$port"
  printf 'export MALLAUDIT_TEST_PG_USER=%q\n' "mallaudit_test"
  printf 'export MALLAUDIT_TEST_PG_PASSWORD=%q\n' "$password"
  printf 'export MALLAUDIT_TEST_PG_BIN=%q\n' "$bin"
}

replica() {
  if [ ! -f "$dir/cluster" ]; then
    echo "postgres.sh: no cluster runs for $state: start one first" >&2
    exit 1
  fi
  local bin primary port password standby rport
  bin="$(pg_bin)"
  port="$(cat "$dir/port")"
  password="$(cat "$dir/password")"
  standby="$(mktemp -d /tmp/mallaudit-pg.XXXXXX)"
  echo "$standby" >"$dir/replica"
  chmod 755 "$standby"
  mkdir -p "$standby/socket"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$standby"; fi
  # The replication password through a password file only the owner reads (never an argument).
  as_owner sh -c "umask 077; printf '%s\n' '127.0.0.1:$port:*:postgres:$password' >'$standby/pgpass'"
  if ! as_owner env PGPASSFILE="$standby/pgpass" "$bin/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres \
    -D "$standby/data" -R -X stream --checkpoint=fast >"$dir/basebackup.log" 2>&1; then
    echo "postgres.sh: pg_basebackup failed; its log ($dir/basebackup.log):" >&2
    cat "$dir/basebackup.log" >&2
    exit 1
  fi
  rport="$(free_port)"
  echo "$rport" >"$dir/replica_port"
  if ! PGPASSFILE="$standby/pgpass" start_server "$bin" "$standby" "$rport"; then
    echo "postgres.sh: the replica did not start; its log:" >&2
    cat "$standby/server.log" >&2 || true
    exit 1
  fi
  printf 'export MALLAUDIT_TEST_PG_REPLICA_PORT=%q\n' "$rport"
}

# Stops the cluster whose folder is in the file $1 and removes the folder.
stop_cluster() {
  [ -f "$1" ] || return 0
  local cluster bin
  cluster="$(cat "$1")"
  bin="$(pg_bin)"
  if [ -d "$cluster/data" ] && [ -n "$bin" ]; then
    as_owner "$bin/pg_ctl" -D "$cluster/data" -m fast -w -t 30 stop >/dev/null 2>&1 || {
      # The server may be gone already; make sure no postmaster of this cluster is left.
      local pid
      pid="$(head -1 "$cluster/data/postmaster.pid" 2>/dev/null || true)"
      [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    }
  fi
  case "$cluster" in
    /tmp/mallaudit-pg.*) rm -rf "$cluster" ;;
  esac
  rm -f "$1"
}

stop() {
  stop_cluster "$dir/replica"
  stop_cluster "$dir/cluster"
  rm -f "$dir/port" "$dir/replica_port" "$dir/password"
}

case "$command" in
  start) start ;;
  replica) replica ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|replica|stop STATE_DIR" >&2
    exit 2
    ;;
esac
