#!/usr/bin/env python3
"""Writes the recording of a mall's core switch for snmpsim: the Debian-shipped recording of a real Cisco switch
(/usr/share/doc/snmpsim/examples/data/cisco_16_switch.snmprec.gz, IF-MIB ifTable and ifXTable as recorded) with
the interface descriptions (ifAlias) a mall's network administrator sets on the ports the shipped probes look for
(probes/network.yaml, docs/probes.md): three carrier uplinks, the POS network link, the service desk, two cashier
counters. Every other row is the recording's own.

usage: mall-switch.py ok|bad|demo SOURCE.snmprec.gz > OUT.snmprec
  ok    every tagged port up (ifOperStatus 1), the rest as recorded (the Ruckus WLC port up)
  bad   every port down (2), as when the access layer loses power
  demo  as ok, but the China Unicom uplink down (2) and cashier counter 2 lowerLayerDown (7)
"""
import gzip
import sys

IF_OPER = "1.3.6.1.2.1.2.2.1.8."
IF_ALIAS = "1.3.6.1.2.1.31.1.1.1.18."
# ifIndex -> (ifAlias, ifOperStatus in "ok", ifOperStatus in "demo")
PORTS = {
    11001: ("uplink China Telecom fibre", 1, 1),
    11002: ("uplink China Unicom fibre", 1, 2),
    11004: ("uplink China Mobile fibre", 1, 1),
    11005: ("pos network link", 1, 1),
    11006: ("service-desk PC", 1, 1),
    11008: ("cashier counter 1", 1, 1),
    11010: ("cashier counter 2", 1, 7),
}


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("ok", "bad", "demo"):
        sys.stderr.write(__doc__)
        return 2
    variant = sys.argv[1]
    column = 2 if variant == "demo" else 1
    with gzip.open(sys.argv[2], "rt", encoding="ascii") as source:
        for line in source:
            oid, _, rest = line.rstrip("\n").partition("|")
            for prefix, pick in ((IF_ALIAS, lambda p: "4|" + p[0]), (IF_OPER, lambda p: "2|" + str(p[column]))):
                if oid.startswith(prefix):
                    index = int(oid[len(prefix):])
                    if index in PORTS:
                        rest = pick(PORTS[index])
            if variant == "bad" and oid.startswith(IF_OPER):
                rest = "2|2"
            sys.stdout.write(oid + "|" + rest + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
