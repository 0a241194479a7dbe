#!/usr/bin/env python3
"""Files every bundle of a folder to mallaudit-server (POST /api/v1/bundles) with N concurrent keep-alive
connections, and reports bundles/s, the answers, upload latency percentiles, and the peak memory of the server
process and of the PostgreSQL cluster (sampled every 0.5 s). Part of benchmarks/server.sh; loopback only.

usage: server-upload.py --server http://127.0.0.1:PORT --token-env VAR [--concurrency N]
                        [--server-pid PID --pg-pid POSTMASTER_PID] FOLDER
"""
import argparse
import http.client
import os
import queue
import sys
import threading
import time
import urllib.parse


def pss_kib(pid):
    """Proportional set size of one process (shared pages divided among their users), KiB; 0 when gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--token-env", required=True)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--server-pid", type=int, default=0, help="sample this process's memory (0: none)")
    parser.add_argument("--pg-pid", type=int, default=0, help="sample this postmaster's memory (0: none)")
    parser.add_argument("folder")
    args = parser.parse_args()
    token = os.environ[args.token_env]
    url = urllib.parse.urlparse(args.server)
    files = sorted(os.path.join(args.folder, name) for name in os.listdir(args.folder) if name.endswith(".zip"))
    # Upload in run order (all malls' first runs, then their second runs, …), as filings arrive over a year.
    files.sort(key=lambda path: (os.path.basename(path).split("-run-")[1], path))
    work = queue.Queue()
    for path in files:
        work.put(path)
    statuses = {}
    latencies = []
    failures = []
    lock = threading.Lock()
    done = threading.Event()
    peaks = {"server": 0, "postgres": 0}

    def sample():
        while not done.is_set():
            server = rss_kib(args.server_pid) if args.server_pid else 0
            postgres = (pss_kib(args.pg_pid) + sum(pss_kib(child) for child in children(args.pg_pid))
                        if args.pg_pid else 0)
            peaks["server"] = max(peaks["server"], server)
            peaks["postgres"] = max(peaks["postgres"], postgres)
            time.sleep(0.5)

    def upload():
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        while True:
            try:
                path = work.get_nowait()
            except queue.Empty:
                break
            with open(path, "rb") as handle:
                body = handle.read()
            started = time.monotonic()
            try:
                connection.request("POST", "/api/v1/bundles", body=body, headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "application/zip"})
                response = connection.getresponse()
                answer = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
                status, answer = 0, str(error).encode()
            elapsed = time.monotonic() - started
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                latencies.append(elapsed)
                if status not in (200, 201) and len(failures) < 5:
                    failures.append(f"{os.path.basename(path)}: {status} {answer[:300]!r}")
        connection.close()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    threads = [threading.Thread(target=upload) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    total = sum(statuses.values())
    print(f"filed {total} bundles in {seconds:.1f} s: {total / seconds:.1f} bundles/s "
          f"({args.concurrency} concurrent uploads)")
    print("answers: " + ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items())))
    print(f"upload latency: p50 {percentile(latencies, 50) * 1000:.0f} ms, p95 {percentile(latencies, 95) * 1000:.0f} ms, "
          f"p99 {percentile(latencies, 99) * 1000:.0f} ms")
    print(f"peak memory: mallaudit-server RSS {peaks['server'] / 1024:.0f} MiB; "
          f"PostgreSQL (all its processes, PSS) {peaks['postgres'] / 1024:.0f} MiB")
    for failure in failures:
        print("  failed: " + failure, file=sys.stderr)
    return 0 if statuses.get(201, 0) == total else 1


if __name__ == "__main__":
    sys.exit(main())
