#!/usr/bin/env python3
"""Checks Sources/ against the module graph in docs/architecture.md.

1. Every `import X` in Sources/<Module>/ must be an edge the graph allows (the ```graph block of
   docs/architecture.md: `Module: allowed imports …`); a module missing from the graph is an error too.
2. No module holds more than 40 % of the Swift lines under Sources/ (the shares are printed).
3. The measured checks (AuditMeasures) import no networking code.

Exit 0 when all hold, 1 otherwise, naming each offending file and import.
usage: python3 scripts/check-architecture.py [--shares]
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "architecture.md")
SOURCES = os.path.join(ROOT, "Sources")
MAX_SHARE = 40.0
NETWORKING = {"CCurl", "CCurlShim", "CNetSNMP", "CNetSNMPShim", "AuditHTTP", "AuditSNMP", "NIOCore", "NIOPosix",
              "AsyncHTTPClient", "Hummingbird", "PostgresNIO", "FoundationNetworking"}


def read_graph():
    text = open(DOC, encoding="utf-8").read()
    match = re.search(r"```graph\n(.*?)```", text, re.S)
    if not match:
        sys.exit(f"{DOC}: no ```graph block")
    graph = {}
    for number, line in enumerate(match.group(1).splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        module, _, allowed = line.partition(":")
        graph[module.strip()] = set(allowed.split())
    return graph


def main():
    graph = read_graph()
    problems = []
    lines = {}
    import_re = re.compile(r"^\s*(?:(?:@testable|@_implementationOnly|@_spi\([^)]*\)|public|package|internal)\s+)*import\s+"
                           r"(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)")
    for module in sorted(os.listdir(SOURCES)):
        folder = os.path.join(SOURCES, module)
        if not os.path.isdir(folder):
            continue
        swift_files = []
        for dirpath, _, files in os.walk(folder):
            swift_files += [os.path.join(dirpath, f) for f in files if f.endswith(".swift")]
        if not swift_files:
            continue  # a C system library or shim
        if module not in graph:
            problems.append(f"Sources/{module}: module not in the graph of docs/architecture.md")
            continue
        count = 0
        for path in sorted(swift_files):
            with open(path, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    count += 1
                    found = import_re.match(line)
                    if not found:
                        continue
                    imported = found.group(1)
                    if imported in ("Foundation", "Dispatch", "Glibc", "Musl", "Darwin", "_Concurrency", "Synchronization"):
                        continue
                    rel = os.path.relpath(path, ROOT)
                    if imported not in graph[module]:
                        problems.append(f"{rel}:{number}: {module} imports {imported}, an edge the graph does not "
                                        f"allow (docs/architecture.md)")
                    if module == "AuditMeasures" and imported in NETWORKING:
                        problems.append(f"{rel}:{number}: the measured checks import networking code ({imported})")
        lines[module] = count
    total = sum(lines.values())
    for module, count in sorted(lines.items(), key=lambda item: -item[1]):
        share = 100.0 * count / total if total else 0
        if "--shares" in sys.argv:
            print(f"{module:24} {count:7} lines {share:5.1f} %")
        if share > MAX_SHARE:
            problems.append(f"Sources/{module}: {share:.1f} % of the Swift lines under Sources/ (at most {MAX_SHARE} %)")
    if "--shares" in sys.argv:
        print(f"{'total':24} {total:7} lines")
    for problem in problems:
        print(f"check-architecture: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
