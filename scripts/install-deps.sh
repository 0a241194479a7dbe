#!/usr/bin/env bash
# Installs the Debian packages mallaudit needs to build, run and test. Idempotent; needs root.
set -euo pipefail
packages=(
  pkg-config
  libxml2-dev libxml2-utils   # checklist and report XML, xmllint for schema checks
  libsqlite3-dev sqlite3      # the audit store
  libcurl4-openssl-dev        # HTTP probes
  libsnmp-dev snmp snmpd      # SNMP probes; snmpd also serves the demo mall's sensors
  snmpsim                     # recorded real devices for the SNMP tests
  python3                     # the loopback HTTP server for tests and the demo
  chromium fonts-noto-cjk     # renders the HTML report (tests) and prints the PDF report (--format pdf)
  poppler-utils               # pdfinfo, pdftotext, pdffonts, pdftoppm: the PDF report's tests and docs pictures
  chromium-driver             # the web pages' browser tests (Selenium drives it; nothing is downloaded)
  openssl                     # the test CA and certificates scripts/peers/http.sh generates
  zlib1g-dev                  # gzip-compressed WiFi logs (check wifi-logs)
  libssl-dev                  # signed bundles: SM2/SM3 and PKCS#8 keys through OpenSSL 3's libcrypto
  python3-venv                # the test script's virtual environment for gmssl and securesystemslib
  rsyslog                     # the syslog peer of the tests (scripts/peers/rsyslog.sh) writes real WiFi logs
  postgresql                  # mallaudit-server's database; scripts/peers/postgres.sh starts a throwaway cluster
  man-db groff-base           # the install test renders the installed manual with `man -l`
  bsdutils                    # `script`: the console tests run mallaudit on a pseudo-terminal (colour, progress)
  wrk                         # benchmarks/server.sh: the API calls under load
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# snmpd's Debian package starts a system agent on udp/161; mallaudit never needs it.
if command -v systemctl >/dev/null 2>&1; then systemctl stop snmpd >/dev/null 2>&1 || true; fi
