#!/usr/bin/env bash
# The HTTP peer of the tests: the mall's HTTP systems (scripts/peers/mall_http_server.py serving
# scripts/peers/http-fixtures/routes.json) on 127.0.0.1, over plain HTTP, over HTTPS with a certificate from a
# CA generated here, and over HTTPS with an expired certificate from the same CA.
#
#   bash scripts/peers/http.sh start STATE_DIR   # prints `export NAME=value` lines for the tests
#   bash scripts/peers/http.sh stop STATE_DIR    # stops the server this script started
#
# Exports MALLAUDIT_TEST_HTTP, MALLAUDIT_TEST_HTTPS, MALLAUDIT_TEST_HTTPS_EXPIRED, MALLAUDIT_TEST_HTTPS_TLS12
# (base URLs; the last negotiates TLS 1.2 at most),
# MALLAUDIT_TEST_FAULT_SILENT and MALLAUDIT_TEST_FAULT_GARBAGE (HOST:PORT of listeners that accept and never
# answer, or answer with bytes that are neither TLS nor HTTP), MALLAUDIT_TEST_CA (the CA certificate to trust) and MALLAUDIT_TEST_HTTP_TOKEN (the bearer token
# /api/member/profile requires; random per start). Everything it writes stays under STATE_DIR/http.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command="${1:-}"
state="${2:-}"
if [ -z "$command" ] || [ -z "$state" ]; then
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
fi
dir="$state/http"

# A CA, a server certificate valid now, and one that expired on 2021-01-01, all for 127.0.0.1/localhost.
make_certificates() {
  local tls="$dir/tls"
  mkdir -p "$tls/newcerts"
  : >"$tls/index.txt"
  echo 1000 >"$tls/serial"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$tls/ca.key" -out "$tls/ca.pem" -days 3650 \
    -subj "/CN=mallaudit test CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
  cat >"$tls/ca.cnf" <<EOF
[ca]
default_ca = test
[test]
database = $tls/index.txt
new_certs_dir = $tls/newcerts
serial = $tls/serial
default_md = sha256
policy = anything
x509_extensions = server
unique_subject = no
[anything]
commonName = supplied
organizationName = optional
[server]
subjectAltName = IP:127.0.0.1,DNS:localhost
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
EOF
  local name dates
  for name in server expired; do
    openssl req -new "${ec[@]}" -keyout "$tls/$name.key" -out "$tls/$name.csr" \
      -subj "/CN=127.0.0.1/O=mallaudit test $name"
    if [ "$name" = expired ]; then
      dates=(-startdate 20200101000000Z -enddate 20210101000000Z)
    else
      dates=(-days 90)
    fi
    openssl ca -batch -notext -config "$tls/ca.cnf" -cert "$tls/ca.pem" -keyfile "$tls/ca.key" \
      -in "$tls/$name.csr" -out "$tls/$name.pem" "${dates[@]}"
  done
}

start() {
  if [ -f "$dir/server.pid" ] && kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
    echo "http.sh: already running (pid $(cat "$dir/server.pid")); stop it first" >&2
    exit 1
  fi
  mkdir -p "$dir"
  rm -f "$dir/ports.json"
  make_certificates >"$dir/openssl.log" 2>&1 || {
    echo "http.sh: generating certificates failed; see $dir/openssl.log" >&2
    exit 1
  }
  local token
  token="$(openssl rand -hex 24)"
  # stdin/stdout/stderr away from the caller: `eval "$(http.sh start …)"` must not wait for the server.
  MALLAUDIT_TEST_HTTP_TOKEN="$token" nohup python3 "$here/mall_http_server.py" \
    --routes "$here/http-fixtures/routes.json" \
    --tls https "$dir/tls/server.pem" "$dir/tls/server.key" \
    --tls https_expired "$dir/tls/expired.pem" "$dir/tls/expired.key" \
    --tls12 https_tls12 "$dir/tls/server.pem" "$dir/tls/server.key" \
    --fault fault_silent silent --fault fault_garbage garbage \
    --port-file "$dir/ports.json" </dev/null >"$dir/server.log" 2>&1 &
  echo $! >"$dir/server.pid"

  local waited=0
  until [ -s "$dir/ports.json" ]; do
    if ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
      echo "http.sh: the server exited; its log ($dir/server.log):" >&2
      cat "$dir/server.log" >&2
      exit 1
    fi
    if [ "$waited" -ge 100 ]; then
      echo "http.sh: the server did not listen within 10 s; see $dir/server.log" >&2
      stop
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done

  local ports http https expired tls12
  ports="$(cat "$dir/ports.json")"
  http="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["http"])' "$ports")"
  https="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["https"])' "$ports")"
  expired="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["https_expired"])' "$ports")"
  tls12="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["https_tls12"])' "$ports")"
  # Wait until it answers, over plain HTTP and over verified HTTPS.
  python3 - "$http" "$https" "$dir/tls/ca.pem" <<'EOF' || { echo "http.sh: the server does not answer" >&2; stop; exit 1; }
import ssl, sys, time, urllib.request
http, https, ca = sys.argv[1:]
context = ssl.create_default_context(cafile=ca)
for attempt in range(50):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{http}/healthz", timeout=2).read()
        urllib.request.urlopen(f"https://127.0.0.1:{https}/healthz", timeout=2, context=context).read()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
  printf 'export MALLAUDIT_TEST_HTTP=%q\n' "http://127.0.0.1:$http"
  printf 'export MALLAUDIT_TEST_HTTPS=%q\n' "https://127.0.0.1:$https"
  printf 'export MALLAUDIT_TEST_HTTPS_EXPIRED=%q\n' "https://127.0.0.1:$expired"
  printf 'export MALLAUDIT_TEST_HTTPS_TLS12=%q\n' "https://127.0.0.1:$tls12"
  local silent garbage
  silent="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["fault_silent"])' "$ports")"
  garbage="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["fault_garbage"])' "$ports")"
  printf 'export MALLAUDIT_TEST_FAULT_SILENT=%q\n' "127.0.0.1:$silent"
  printf 'export MALLAUDIT_TEST_FAULT_GARBAGE=%q\n' "127.0.0.1:$garbage"
  printf 'export MALLAUDIT_TEST_CA=%q\n' "$dir/tls/ca.pem"
  printf 'export MALLAUDIT_TEST_HTTP_TOKEN=%q\n' "$token"
}

stop() {
  [ -f "$dir/server.pid" ] || return 0
  local pid
  pid="$(cat "$dir/server.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/server.pid"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
