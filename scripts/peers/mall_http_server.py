#!/usr/bin/env python3
"""The mall's HTTP systems, played on 127.0.0.1 for mallaudit's tests and demo.

Serves data-driven routes (JSON files of {path, method, status, headers, body | body_file, delay_ms,
require_header}) plus a few built-in routes that tests need (slow answers, status codes, redirects, a huge
body, per-bucket concurrency statistics, header-name echo, and faults: a silent answer, an endless body, a redirect
loop, a trickle, plus `--fault` listeners that accept and stay silent or answer with garbage instead of TLS). One plain HTTP listener and any number of HTTPS
listeners (`--tls NAME CERT KEY`), each on a free port chosen by the kernel; the ports are written as JSON to
`--port-file` once every listener is bound, which is how scripts/peers/http.sh knows the server is ready.

Header VALUES are never echoed or logged: the echo route lists header names only, and a route that requires
a token answers 200 or 401 without saying what it received. The format of routes files is documented in
docs/http-fixtures.md.

Only the standard library: Debian's python3 is all it needs.
"""

import argparse
import hashlib
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"  # never anything else: the peers of the tests are loopback only
MAX_SLOW_MS = 60_000
MAX_HUGE_BYTES = 1 << 30
MAX_FAULT_SECONDS = 600  # a fault route or listener gives up on a client that never leaves after this long


class RoutesError(Exception):
    """A routes file that cannot be used; the message names the file, the route and what was expected."""


class Route:
    """One data-driven answer."""

    def __init__(self, path, method, status, headers, body, delay_ms, require_header, where):
        self.path = path
        self.method = method
        self.status = status
        self.headers = headers
        self.body = body
        self.delay_ms = delay_ms
        self.require_header = require_header
        self.where = where


def load_routes(filename):
    """Reads one routes file: {"routes": [ ... ]}. Raises RoutesError naming file and route on bad input."""
    base = os.path.dirname(os.path.abspath(filename))
    try:
        with open(filename, "rb") as handle:
            document = json.load(handle)
    except OSError as error:
        raise RoutesError(f"{filename}: cannot read: {error.strerror}")
    except json.JSONDecodeError as error:
        raise RoutesError(f"{filename}:{error.lineno}:{error.colno}: not JSON: {error.msg}")
    if not isinstance(document, dict) or not isinstance(document.get("routes"), list):
        raise RoutesError(f'{filename}: expected an object {{"routes": [ ... ]}}')
    routes = []
    for index, item in enumerate(document["routes"]):
        where = f"{filename}: routes[{index}]"

        def fail(what):
            raise RoutesError(f"{where}: {what}")

        if not isinstance(item, dict):
            fail("expected an object {path, method, status, headers, body | body_file, delay_ms}")
        unknown = set(item) - {"path", "method", "status", "headers", "body", "body_file", "delay_ms",
                               "require_header", "comment"}
        if unknown:
            fail(f"unknown field(s) {sorted(unknown)}; expected path, method, status, headers, body, body_file, "
                 "delay_ms, require_header, comment")
        path = item.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            fail('expected "path": a string starting with "/"')
        method = item.get("method", "GET")
        if method not in ("GET", "POST", "HEAD", "PUT", "DELETE"):
            fail(f'"method" {method!r}: expected GET, POST, HEAD, PUT or DELETE')
        status = item.get("status", 200)
        if not isinstance(status, int) or not 100 <= status <= 599:
            fail(f'"status" {status!r}: expected an integer from 100 to 599')
        headers = item.get("headers", {})
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            fail('"headers": expected an object of string values')
        if "body" in item and "body_file" in item:
            fail('give "body" or "body_file", not both')
        body = b""
        content_type = None
        if "body_file" in item:
            body_path = os.path.join(base, item["body_file"])
            try:
                with open(body_path, "rb") as handle:
                    body = handle.read()
            except OSError as error:
                fail(f'"body_file" {item["body_file"]!r}: cannot read {body_path}: {error.strerror}')
            if body_path.endswith(".json"):
                content_type = "application/json"
            elif body_path.endswith((".html", ".htm")):
                content_type = "text/html; charset=utf-8"
            elif body_path.endswith(".xml"):
                content_type = "application/xml"
        elif isinstance(item.get("body"), str):
            body = item["body"].encode("utf-8")
            content_type = "text/plain; charset=utf-8"
        elif "body" in item:
            body = json.dumps(item["body"], ensure_ascii=False).encode("utf-8")
            content_type = "application/json"
        if content_type and not any(k.lower() == "content-type" for k in headers):
            headers = dict(headers, **{"Content-Type": content_type})
        delay_ms = item.get("delay_ms", 0)
        if not isinstance(delay_ms, int) or not 0 <= delay_ms <= MAX_SLOW_MS:
            fail(f'"delay_ms" {delay_ms!r}: expected an integer from 0 to {MAX_SLOW_MS}')
        require = item.get("require_header")
        if require is not None:
            if not isinstance(require, dict) or not isinstance(require.get("name"), str) \
                    or not isinstance(require.get("env"), str):
                fail('"require_header": expected {"name": HEADER, "env": VARIABLE, "prefix": TEXT}')
            if require["env"] not in os.environ:
                fail(f'"require_header": environment variable {require["env"]} is not set')
        routes.append(Route(path, method, status, headers, body, delay_ms, require, where))
    return routes


class Buckets:
    """Per-bucket request counts and the most requests ever in flight at once, for concurrency tests."""

    def __init__(self):
        self.lock = threading.Lock()
        self.state = {}

    def enter(self, bucket):
        with self.lock:
            entry = self.state.setdefault(bucket, {"requests": 0, "in_flight": 0, "max_in_flight": 0})
            entry["requests"] += 1
            entry["in_flight"] += 1
            entry["max_in_flight"] = max(entry["max_in_flight"], entry["in_flight"])

    def leave(self, bucket):
        with self.lock:
            self.state[bucket]["in_flight"] -= 1

    def snapshot(self, bucket):
        with self.lock:
            return dict(self.state.get(bucket, {"requests": 0, "in_flight": 0, "max_in_flight": 0}))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mall-http-fixtures/1"
    timeout = 30  # a stuck client frees its thread after this many seconds

    # set on the class by main()
    routes = {}
    buckets = Buckets()

    def setup(self):
        super().setup()
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()  # in this thread, not the accepting one

    def log_message(self, format, *args):  # request line and status only; never header values
        sys.stderr.write(f"{self.log_date_time_string()} {self.server.name} {format % args}\n")

    # MARK: plumbing

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send(self, status, body=b"", headers=None, content_type="application/json"):
        self.send_response(status)
        pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        if content_type and not any(name.lower() == "content-type" for name, _ in pairs):
            pairs.append(("Content-Type", content_type))
        if status in (204, 304) or status < 200:
            body = b""  # these never have a body (RFC 9110 §6.4.1); sending one would corrupt the connection
            pairs = [(name, value) for name, value in pairs if name.lower() != "content-type"]
        for name, value in pairs:
            self.send_header(name, value)
        if status not in (204, 304) and status >= 200:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, value, headers=None):
        self.send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"), headers)

    def handle_any(self):
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        bucket = query.get("bucket")
        if bucket:
            self.buckets.enter(bucket)
        try:
            body = self.read_body()
            route = self.routes.get((self.command, url.path))
            if route is None and self.command == "HEAD":
                route = self.routes.get(("GET", url.path))
            if route is not None:
                self.serve_route(route)
                return
            try:
                served = self.serve_builtin(url.path, query, body)
            except ValueError as error:
                self.send_json(400, {"error": f"bad query: {error}"})
                return
            if not served:
                self.send_json(404, {"error": "no such route", "path": url.path})
        finally:
            if bucket:
                self.buckets.leave(bucket)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = handle_any

    # MARK: data-driven routes

    def serve_route(self, route):
        if route.delay_ms:
            time.sleep(route.delay_ms / 1000)
        if route.require_header:
            expected = route.require_header.get("prefix", "") + os.environ.get(route.require_header["env"], "")
            received = self.headers.get(route.require_header["name"])
            if received != expected:
                # Says which header was wanted, never what was received or expected.
                self.send_json(401, {"error": f"missing or wrong {route.require_header['name']} header"})
                return
        self.send(route.status, route.body, route.headers, content_type=None)

    # MARK: built-in routes

    def serve_builtin(self, path, query, body):
        if path == "/healthz":
            self.send(200, b"ok\n", content_type="text/plain")
        elif path.startswith("/status/") and path[len("/status/"):].isdigit():
            code = int(path[len("/status/"):])
            if not 200 <= code <= 599:
                self.send_json(400, {"error": "status must be 200..599"})
            else:
                self.send_json(code, {"status": code})
        elif path == "/slow":
            ms = min(max(int(query.get("ms", "1000") or 0), 0), MAX_SLOW_MS)
            time.sleep(ms / 1000)
            self.send_json(200, {"slept_ms": ms})
        elif path == "/stats":
            self.send_json(200, dict(self.buckets.snapshot(query.get("of", "")), bucket=query.get("of", "")))
        elif path == "/echo/headers":
            self.send_json(200, {
                "method": self.command,
                "path": path,
                "header_names": sorted({name.lower() for name in self.headers.keys()}),
                "body_length": len(body),
                "body_sha256": hashlib.sha256(body).hexdigest(),
            })
        elif path == "/headers/multi":
            self.send(200, b"{}", [("X-Multi", "first"), ("x-multi", "second"), ("X-Single", "only")])
        elif path == "/redirect/to":
            status = int(query.get("status", "302"))
            self.send(status, b"", {"Location": query.get("url", "/")}, content_type=None)
        elif path == "/redirect/chain":
            hops = int(query.get("n", "1"))
            if hops <= 0:
                self.send_json(200, {"arrived": True})
            else:
                self.send(302, b"", {"Location": f"/redirect/chain?n={hops - 1}"}, content_type=None)
        elif path == "/fault/silent":
            self.serve_silence()
        elif path == "/fault/endless":
            self.serve_endless()
        elif path == "/fault/redirect-loop":
            self.send(302, b"", {"Location": "/fault/redirect-loop"}, content_type=None)
        elif path == "/fault/trickle":
            self.serve_trickle(min(max(int(query.get("ms", "500") or 0), 1), MAX_SLOW_MS))
        elif path == "/huge":
            self.serve_huge(min(int(query.get("bytes", str(64 << 20))), MAX_HUGE_BYTES), query.get("length") != "0")
        else:
            return False
        return True

    # MARK: faults (docs/reliability.md): a client must give up on each by its own timeout or limit

    def wait_for_client_to_leave(self, seconds):
        """Waits until the client closes the connection (or `seconds` pass), reading and dropping what it sends."""
        deadline = time.monotonic() + seconds
        self.connection.settimeout(1)
        while time.monotonic() < deadline:
            try:
                if not self.connection.recv(4096):
                    break
            except socket.timeout:
                continue
            except (OSError, ssl.SSLError):
                break
        self.close_connection = True

    def serve_silence(self):
        """Reads the request and never answers: no status line, no header, no close."""
        self.wait_for_client_to_leave(MAX_FAULT_SECONDS)

    def serve_endless(self):
        """A 200 whose body never ends (no Content-Length, no close): 64 KiB chunks until the client stops reading."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        chunk = b"[" + b"0," * 32767
        deadline = time.monotonic() + MAX_FAULT_SECONDS
        try:
            while time.monotonic() < deadline:
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, socket.timeout, OSError):
            pass
        self.close_connection = True

    def serve_trickle(self, ms):
        """A 200 with a long Content-Length whose body comes one byte every `ms` milliseconds."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(1 << 20))
        self.end_headers()
        deadline = time.monotonic() + MAX_FAULT_SECONDS
        try:
            while time.monotonic() < deadline:
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(ms / 1000)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, socket.timeout, OSError):
            pass
        self.close_connection = True

    def serve_huge(self, size, with_length):
        """`size` bytes of JSON-ish filler, with a Content-Length or (length=0) delimited by closing."""
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if with_length:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent < size:
                piece = chunk[: min(len(chunk), size - sent)]
                self.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, socket.timeout):
            self.close_connection = True  # the client stopped reading: expected when it enforces a limit


class FaultListener:
    """A TCP listener that is not an HTTP server: `silent` accepts and never sends a byte (nor closes);
    `garbage` answers every connection with bytes that are neither TLS nor HTTP, then closes."""

    def __init__(self, name, mode, port=0):
        self.name = name
        self.mode = mode
        self.socket = socket.create_server((HOST, port), backlog=128)
        self.server_address = self.socket.getsockname()

    def serve_forever(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(connection,), daemon=True).start()

    def handle(self, connection):
        try:
            if self.mode == "garbage":
                connection.settimeout(5)
                try:
                    connection.recv(4096)
                except OSError:
                    pass
                connection.sendall(b"\x15\x03\x09\x00\x02\xff\xffNOT TLS, NOT HTTP\r\n\x00\x1b[2J" * 4)
            else:
                connection.settimeout(1)
                deadline = time.monotonic() + MAX_FAULT_SECONDS
                while time.monotonic() < deadline:
                    try:
                        if not connection.recv(4096):
                            break
                    except socket.timeout:
                        continue
        except OSError:
            pass
        finally:
            connection.close()

    def shutdown(self):
        self.socket.close()

    def server_close(self):
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default backlog of 5 drops connections under parallel tests
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, name, context=None, port=0):
        self.name = name
        self.context = context
        super().__init__((HOST, port), Handler)

    def get_request(self):
        sock, address = self.socket.accept()
        if self.context is not None:
            # The handshake happens in the handler's thread, so one slow client cannot stall the others.
            sock = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def handle_error(self, request, client_address):
        # One line, not a traceback: clients that reject our expired certificate are expected.
        error = sys.exc_info()[1]
        sys.stderr.write(f"{self.name} {client_address[0]}:{client_address[1]}: {type(error).__name__}: {error}\n")


def main():
    parser = argparse.ArgumentParser(description="The mall's HTTP systems on 127.0.0.1, from routes files.")
    parser.add_argument("--routes", action="append", default=[], metavar="FILE",
                        help="routes file (JSON); repeat to merge, later files override earlier ones")
    parser.add_argument("--tls", nargs=3, action="append", default=[], metavar=("NAME", "CERT", "KEY"),
                        help="also serve HTTPS with this certificate chain and key; its port is NAME in --port-file")
    parser.add_argument("--tls12", nargs=3, action="append", default=[], metavar=("NAME", "CERT", "KEY"),
                        help="like --tls, but negotiating TLS 1.2 at most")
    parser.add_argument("--fault", nargs=2, action="append", default=[], metavar=("NAME", "MODE"),
                        help="also listen with a fault that is not HTTP: MODE silent (accepts, never answers) or "
                             "garbage (answers with bytes that are neither TLS nor HTTP)")
    parser.add_argument("--port-file", required=True, help="written as JSON {name: port} once every port listens")
    parser.add_argument("--port", nargs=2, action="append", default=[], metavar=("NAME", "PORT"),
                        help="listen on this fixed port for NAME (http or a --tls name) instead of one the kernel picks")
    args = parser.parse_args()
    fixed = {}
    for name, port in args.port:
        if not port.isdigit() or not 0 < int(port) < 65536:
            sys.stderr.write(f"mall_http_server: --port {name} {port}: expected a port number from 1 to 65535\n")
            return 2
        fixed[name] = int(port)

    routes = {}
    try:
        for filename in args.routes:
            for route in load_routes(filename):
                routes[(route.method, route.path)] = route
    except RoutesError as error:
        sys.stderr.write(f"mall_http_server: {error}\n")
        return 2
    Handler.routes = routes

    servers = [Server("http", port=fixed.get("http", 0))]
    for name, cert, key, maximum in [(*t, None) for t in args.tls] + [(*t, ssl.TLSVersion.TLSv1_2) for t in args.tls12]:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if maximum is not None:
            context.maximum_version = maximum
        try:
            context.load_cert_chain(cert, key)
        except (OSError, ssl.SSLError) as error:
            sys.stderr.write(f"mall_http_server: --tls {name}: cannot load {cert} / {key}: {error}\n")
            return 2
        servers.append(Server(name, context, port=fixed.get(name, 0)))

    for name, mode in args.fault:
        if mode not in ("silent", "garbage"):
            sys.stderr.write(f"mall_http_server: --fault {name} {mode}: expected silent or garbage\n")
            return 2
        servers.append(FaultListener(name, mode, port=fixed.get(name, 0)))

    for server in servers:
        threading.Thread(target=server.serve_forever, name=server.name, daemon=True).start()

    ports = {server.name: server.server_address[1] for server in servers}
    temporary = args.port_file + ".tmp"
    with open(temporary, "w") as handle:
        json.dump(ports, handle)
    os.replace(temporary, args.port_file)
    sys.stderr.write(f"mall_http_server: listening on {HOST}: {ports}\n")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(3600):
        pass
    for server in servers:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
