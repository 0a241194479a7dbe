#!/usr/bin/env python3
"""Writes an snmpsim recording of a machine-room environment monitor that implements the standard MIBs the shipped
machine-room probes read (probes/machine-room.yaml): ENTITY-MIB (RFC 6933) entPhysicalTable naming each sensor, and
ENTITY-SENSOR-MIB (RFC 3433) entPhySensorTable with its type, scale, precision, value, status and timestamp.
Written from the RFCs' tables (no such device recording ships with Debian); sysUpTime.0 is fixed, so a timestamp's
age is fixed too.

usage: machine-room.py ok|bad > OUT.snmprec
  ok   humidity 48.2 %RH, no water, no smoke, every reading 100 s old
  bad  humidity 85.3 %RH, the water-leak reading an hour old, smoke detected
"""
import sys

UPTIME = 8_640_000  # one day, in hundredths of a second
SENSOR = "1.3.6.1.2.1.99.1.1.1."
PHYSICAL = "1.3.6.1.2.1.47.1.1.1.1."
# SensorDataType (RFC 3433): celsius(8), percentRH(9), truthvalue(12); SensorDataScale units(9);
# TruthValue true(1) false(2); SensorStatus ok(1) unavailable(2) nonoperational(3).
SENSORS = {
    # index: (descr, type, precision, ok value, bad value, units, ok age s, bad age s)
    11: ("machine room humidity sensor", 9, 1, 482, 853, "%RH", 100, 100),
    12: ("machine room temperature sensor", 8, 1, 231, 236, "degrees C", 100, 100),
    13: ("machine room water leak detector", 12, 0, 2, 2, "", 100, 3600),
    14: ("machine room smoke detector", 12, 0, 2, 1, "", 100, 100),
}


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] not in ("ok", "bad"):
        sys.stderr.write(__doc__)
        return 2
    bad = sys.argv[1] == "bad"
    rows = [
        ("1.3.6.1.2.1.1.1.0", "4", "Machine-room environment monitor (ENTITY-SENSOR-MIB recording, mallaudit tests)"),
        ("1.3.6.1.2.1.1.2.0", "6", "1.3.6.1.4.1.8072.3.2.10"),
        ("1.3.6.1.2.1.1.3.0", "67", str(UPTIME)),
        ("1.3.6.1.2.1.1.5.0", "4", "machine-room-ems"),
        (PHYSICAL + "2.1", "4", "environment monitor chassis"),
        (PHYSICAL + "5.1", "2", "3"),
    ]
    for index, (descr, kind, precision, good, poor, units, age, bad_age) in SENSORS.items():
        rows += [
            (f"{PHYSICAL}2.{index}", "4", descr),
            (f"{PHYSICAL}4.{index}", "2", "1"),  # entPhysicalContainedIn: the chassis
            (f"{PHYSICAL}5.{index}", "2", "8"),  # entPhysicalClass: sensor(8)
            (f"{SENSOR}1.{index}", "2", str(kind)),
            (f"{SENSOR}2.{index}", "2", "9"),
            (f"{SENSOR}3.{index}", "2", str(precision)),
            (f"{SENSOR}4.{index}", "2", str(poor if bad else good)),
            (f"{SENSOR}5.{index}", "2", "1"),
            (f"{SENSOR}6.{index}", "4", units),
            (f"{SENSOR}7.{index}", "67", str(UPTIME - 100 * (bad_age if bad else age))),
            (f"{SENSOR}8.{index}", "66", "60000"),
        ]
    rows.sort(key=lambda row: [int(arc) for arc in row[0].split(".")])
    for oid, tag, value in rows:
        sys.stdout.write(f"{oid}|{tag}|{value}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
