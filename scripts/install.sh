#!/usr/bin/env bash
# Installs mallaudit under PREFIX (default /usr/local), for use outside this checkout:
#   PREFIX/bin/mallaudit
#   PREFIX/bin/mallaudit-server          the bureau's service (docs/server.md); it verifies bundles against the
#                                        report schema below, like `mallaudit verify`
#   PREFIX/share/mallaudit/checklists/   the checklist and its schema
#   PREFIX/share/mallaudit/reports/      the XML report schema
#   PREFIX/share/mallaudit/templates/    the HTML report templates
#   PREFIX/share/mallaudit/calendars/    the working-day calendar (extend it for new years)
#   PREFIX/share/mallaudit/probes/       the shipped probe definitions `mallaudit init` copies
#   PREFIX/share/man/man1/mallaudit.1    the manual (`man mallaudit`), made by swift-argument-parser's
#                                        generate-manual from the installed binary
#   PREFIX/share/bash-completion/completions/mallaudit, PREFIX/share/zsh/site-functions/_mallaudit,
#   PREFIX/share/fish/vendor_completions.d/mallaudit.fish   shell completions (`mallaudit
#                                        --generate-completion-script SHELL`)
# The installed binary finds them there by itself (walking up from PREFIX/bin); the MALLAUDIT_*
# variables still override each one. The demo mall is not installed: run `mallaudit demo` from a checkout, and
# neither is the test helper `mallaudit-testkit` (tests and benchmarks only).
#
#   bash scripts/install.sh                 # release build (Swift runtime linked in), /usr/local
#   bash scripts/install.sh "$HOME/.local"  # another prefix
#   MALLAUDIT_GENERATE_MANUAL=PATH      # a generate-manual already built (else it is built here, offline)
#   MALLAUDIT_BIN=.build/debug/mallaudit bash scripts/install.sh /tmp/x   # install binaries already built
#                                        (mallaudit-server is taken from beside MALLAUDIT_BIN, or MALLAUDIT_SERVER_BIN)
#
# Runtime packages the binaries need on another Debian 12 machine: libxml2 libsqlite3-0 libcurl4
# libsnmp40 zlib1g libssl3 (the -dev packages of scripts/install-deps.sh pull them in here); the server also
# needs a PostgreSQL 15 to talk to (and pg_dump/pg_restore from postgresql-client for backup and restore).
set -euo pipefail
prefix="${1:-/usr/local}"
cd "$(dirname "$0")/.."
bin="${MALLAUDIT_BIN:-}"
server="${MALLAUDIT_SERVER_BIN:-}"
if [ -z "$bin" ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
  # The Swift runtime is linked into the binaries, so they do not depend on where the toolchain is.
  swift build -c release --product mallaudit --static-swift-stdlib
  swift build -c release --product mallaudit-server --static-swift-stdlib
  bin="$(swift build -c release --static-swift-stdlib --show-bin-path)/mallaudit"
fi
[ -n "$server" ] || server="$(dirname "$bin")/mallaudit-server"
[ -x "$bin" ] || { echo "install.sh: no mallaudit binary at $bin" >&2; exit 1; }
[ -x "$server" ] || { echo "install.sh: no mallaudit-server binary at $server" >&2; exit 1; }

share="$prefix/share/mallaudit"
install -d "$prefix/bin" "$share/checklists" "$share/reports" "$share/templates/partials" "$share/calendars" \
  "$share/probes"
install -m 0755 "$bin" "$prefix/bin/mallaudit"
install -m 0755 "$server" "$prefix/bin/mallaudit-server"
install -m 0644 checklists/*.xml checklists/*.xsd "$share/checklists/"
install -m 0644 reports/report.xsd "$share/reports/"
install -m 0644 templates/*.mustache "$share/templates/"
install -m 0644 templates/partials/*.mustache "$share/templates/partials/"
install -m 0644 calendars/*.yaml "$share/calendars/"
install -m 0644 probes/*.yaml "$share/probes/"

# The manual, from the installed binary's own help (swift-argument-parser's generate-manual reads
# `mallaudit --experimental-dump-help`).
generator="${MALLAUDIT_GENERATE_MANUAL:-}"
if [ -z "$generator" ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
  swift build -c release --product generate-manual >&2
  generator="$(swift build -c release --show-bin-path)/generate-manual"
fi
[ -x "$generator" ] || { echo "install.sh: no generate-manual at $generator" >&2; exit 1; }
# generate-manual drops every non-ASCII character (商场数字化服务规范, "…"), so it reads the help through a small
# program that spells each one as ZQU<hex>QZ, and the page gets them back as groff's \[u<hex>]. Blank lines of the
# help become paragraph breaks (.Pp), which mdoc wants instead of empty lines.
manual="$(mktemp -d)"
trap 'rm -rf "$manual"' EXIT
cat >"$manual/mallaudit" <<SH
#!/usr/bin/env bash
"$prefix/bin/mallaudit" --experimental-dump-help | python3 -c 'import re, sys; sys.stdout.write(re.sub(r"[^\x00-\x7f]", lambda m: "ZQU%04XQZ" % ord(m.group()), sys.stdin.read()))'
SH
chmod +x "$manual/mallaudit"
mkdir "$manual/page"
"$generator" "$manual/mallaudit" --output-directory "$manual/page" >/dev/null
install -d "$prefix/share/man/man1"
sed -e 's/ZQU\([0-9A-F]*\)QZ/\\[u\1]/g' -e 's/^$/.Pp/' "$manual/page/mallaudit.1" >"$manual/mallaudit.1"
install -m 0644 "$manual/mallaudit.1" "$prefix/share/man/man1/mallaudit.1"

# Shell completions, where bash-completion, zsh and fish look for them under a prefix.
install -d "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions" \
  "$prefix/share/fish/vendor_completions.d"
"$prefix/bin/mallaudit" --generate-completion-script bash >"$prefix/share/bash-completion/completions/mallaudit"
"$prefix/bin/mallaudit" --generate-completion-script zsh >"$prefix/share/zsh/site-functions/_mallaudit"
"$prefix/bin/mallaudit" --generate-completion-script fish >"$prefix/share/fish/vendor_completions.d/mallaudit.fish"

echo "installed $prefix/bin/mallaudit, $prefix/bin/mallaudit-server, $share, the manual and shell completions"
