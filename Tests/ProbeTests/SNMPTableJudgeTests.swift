import AuditModel
import Foundation
import Testing

@testable import AuditProbes
import AuditSupport

private let now = Date(timeIntervalSince1970: 1_790_000_000)

private func probe(_ yaml: String) throws -> ProbeDefinition {
    try ProbeDefinitionLoader.parse(YAMLValue.parse(yaml, file: "test.yaml"))[0]
}

private func problem(_ yaml: String) -> DiagnosticsError? {
    do {
        _ = try ProbeDefinitionLoader.parse(YAMLValue.parse(yaml, file: "probes/t.yaml"))
        return nil
    } catch let error as DiagnosticsError {
        return error
    } catch {
        return nil
    }
}

private let humidityProbe = """
    probes:
      - id: humidity
        statements: [5.2.5-3/moistureProofing]
        snmp:
          agent: machine_room
          tables:
            - name: sensors
              label: descr
              columns:
                - {name: descr, oid: .1.3.6.1.2.1.47.1.1.1.1.2}
                - {name: type, oid: .1.3.6.1.2.1.99.1.1.1.1}
                - {name: scale, oid: .1.3.6.1.2.1.99.1.1.1.2}
                - {name: precision, oid: .1.3.6.1.2.1.99.1.1.1.3}
                - {name: value, oid: .1.3.6.1.2.1.99.1.1.1.4, scaled_by: {scale: scale, precision: precision}}
                - {name: status, oid: .1.3.6.1.2.1.99.1.1.1.5, ok: [1], alarm: [2, 3]}
                - {name: stamp, oid: .1.3.6.1.2.1.99.1.1.1.7, time: sysUpTime}
              where:
                - {column: type, equals: 9}
        expect:
          - {table: sensors}
          - {table: sensors, column: status, state: ok}
          - {table: sensors, column: value, at_most: limits.humidity_max}
          - {table: sensors, column: stamp, max_age: limit}
    """

private func cell(_ number: Double) -> SNMPAgentAnswer.Reading {
    .value(text: NumberFormat.exact(number), number: number)
}

/// One humidity row (index 11) and a temperature row (12) the `where` leaves out.
private func answer(
    value: Double, precision: Double = 1, scale: Double = 9, status: Double = 1, stamp: Double = 8_630_000,
    uptime: Double = 8_640_000, emptyColumns: [String] = []
) -> ProbeAnswer {
    let humidity = SNMPTableAnswer.Row(index: "11", cells: [
        "descr": .value(text: "room humidity", number: nil), "type": cell(9), "scale": cell(scale),
        "precision": cell(precision), "value": cell(value), "status": cell(status), "stamp": cell(stamp),
    ])
    let temperature = SNMPTableAnswer.Row(index: "12", cells: [
        "descr": .value(text: "room temperature", number: nil), "type": cell(8), "scale": cell(9),
        "precision": cell(1), "value": cell(999), "status": cell(3), "stamp": cell(0),
    ])
    let table = SNMPTableAnswer(rows: emptyColumns.isEmpty ? [humidity, temperature] : [], emptyColumns: emptyColumns)
    return .snmp([
        SNMPAgentAnswer(
            agent: "machine_room", area: nil, readings: [:], tables: ["sensors": table], uptime: cell(uptime),
            error: nil)
    ])
}

@Suite("Judging SNMP tables")
struct SNMPTableJudgeTests {
    @Test("humidity: exactly the limit passes, one step above fails; scale and precision apply; the row filter holds")
    func humidityBoundary() throws {
        let humidity = try probe(humidityProbe)
        let limits = ToolLimits(humidityMax: 80)
        #expect(ProbeJudge.judge(humidity, answer: answer(value: 800), now: now, limits: limits).verdict == .pass)
        let above = ProbeJudge.judge(humidity, answer: answer(value: 801), now: now, limits: limits)
        #expect(above.verdict == .fail)
        #expect(above.reason.contains("80.1"))
        #expect(above.reason.contains("limits.humidity_max"))
        // milli (8) with precision 0: 80000 m%RH is 80 %RH.
        #expect(
            ProbeJudge.judge(humidity, answer: answer(value: 80000, precision: 0, scale: 8), now: now, limits: limits)
                .verdict == .pass)
        // An unknown scale is an error, not a number guessed.
        #expect(
            ProbeJudge.judge(humidity, answer: answer(value: 500, scale: 42), now: now, limits: limits).verdict
                == .error)
    }

    @Test("TimeStamp age: exactly max_age passes, one tick older fails; a stamp after sysUpTime is an error")
    func timestampBoundary() throws {
        let humidity = try probe(humidityProbe)
        let limits = ToolLimits(sensorMaxAge: 900)
        let uptime = 8_640_000.0
        #expect(
            ProbeJudge.judge(humidity, answer: answer(value: 500, stamp: uptime - 90_000), now: now, limits: limits)
                .verdict == .pass)
        let stale = ProbeJudge.judge(
            humidity, answer: answer(value: 500, stamp: uptime - 90_001), now: now, limits: limits)
        #expect(stale.verdict == .fail)
        #expect(stale.reason.contains("limits.sensor_max_age"))
        let future = ProbeJudge.judge(humidity, answer: answer(value: 500, stamp: uptime + 1), now: now, limits: limits)
        #expect(future.verdict == .error)
        #expect(future.reason.contains("restarted"))
    }

    @Test("status: alarm fails, a value mapped to neither is an error")
    func status() throws {
        let humidity = try probe(humidityProbe)
        #expect(ProbeJudge.judge(humidity, answer: answer(value: 500, status: 3), now: now).verdict == .fail)
        #expect(ProbeJudge.judge(humidity, answer: answer(value: 500, status: 7), now: now).verdict == .error)
    }

    @Test("a column the agent does not serve (noSuchObject) is an error naming it, never a pass or a fail")
    func missingColumn() throws {
        let humidity = try probe(humidityProbe)
        let outcome = ProbeJudge.judge(humidity, answer: answer(value: 500, emptyColumns: ["type"]), now: now)
        #expect(outcome.verdict == .error)
        #expect(outcome.reason.contains(".1.3.6.1.2.1.99.1.1.1.1"))
    }

    @Test("any: one passing row is enough; none passing fails, listing the rows; min_rows counts selected rows")
    func anyAndMinRows() throws {
        let links = try probe("""
            probes:
              - id: links
                statements: [5.1.1-1/wirelessNetwork]
                snmp:
                  agent: core_switch
                  tables:
                    - name: ports
                      label: alias
                      columns:
                        - {name: alias, oid: .1.3.6.1.2.1.31.1.1.1.18}
                        - {name: oper, oid: .1.3.6.1.2.1.2.2.1.8, ok: [1], alarm: [2, 7]}
                      where:
                        - {column: alias, matches: "(?i)\\\\bap\\\\b"}
                expect:
                  - {table: ports, min_rows: 2}
                  - {table: ports, column: oper, state: ok, any: true}
            """)
        func ports(_ states: [Double]) -> ProbeAnswer {
            let rows = states.enumerated().map { index, state in
                SNMPTableAnswer.Row(index: "\(index + 1)", cells: [
                    "alias": .value(text: "ap \(index + 1)", number: nil), "oper": cell(state),
                ])
            } + [SNMPTableAnswer.Row(index: "99", cells: ["alias": .value(text: "apple", number: nil), "oper": cell(2)])]
            return .snmp([SNMPAgentAnswer(
                agent: "core_switch", area: nil, readings: [:],
                tables: ["ports": SNMPTableAnswer(rows: rows, emptyColumns: [])], error: nil)])
        }
        #expect(ProbeJudge.judge(links, answer: ports([2, 1]), now: now).verdict == .pass)
        let down = ProbeJudge.judge(links, answer: ports([2, 7]), now: now)
        #expect(down.verdict == .fail)
        #expect(down.reason.contains("ap 1") && down.reason.contains("ap 2"), "\(down.reason)")
        // "apple" is not selected (word boundary): one row is fewer than min_rows 2.
        let one = ProbeJudge.judge(links, answer: ports([1]), now: now)
        #expect(one.verdict == .fail)
        #expect(one.reason.contains("only 1"))
    }

    @Test("a table expectation naming no table, no column, or testing a column that cannot be tested is refused at its line")
    func refusedAtLoad() {
        let base = """
            probes:
              - id: t
                statements: [5.2.1-2]
                snmp:
                  agent: core_switch
                  tables:
                    - name: ports
                      columns:
                        - {name: alias, oid: .1.3.6.1.2.1.31.1.1.1.18}
                        - {name: oper, oid: .1.3.6.1.2.1.2.2.1.8, ok: [1], alarm: [2]}
                      where:
                        - {column: alias, matches: pos}
                expect:

            """
        let noTable = problem(base + "      - {table: links}\n")
        #expect(noTable?.diagnostics.first?.line == 14)
        #expect(noTable?.diagnostics.first?.message.contains("no table 'links'") == true)
        let noColumn = problem(base + "      - {table: ports, column: ifSpeed, state: ok}\n")
        #expect(noColumn?.diagnostics.first?.message.contains("no column 'ifSpeed'") == true)
        let notTime = problem(base + "      - {table: ports, column: oper, max_age: 60}\n")
        #expect(notTime?.diagnostics.first?.message.contains("max_age needs a column that is a time") == true)
        let noList = problem(base + "      - {table: ports, column: alias, state: ok}\n")
        #expect(noList?.diagnostics.first?.message.contains("ok: list") == true)
        let badWhere = problem(base.replacingOccurrences(of: "column: alias, matches", with: "column: speed, matches")
            + "      - {table: ports}\n")
        #expect(badWhere?.diagnostics.first?.message.contains("names no column") == true)
        let badLimit = problem(base + "      - {table: ports, column: oper, at_most: limits.nope}\n")
        #expect(badLimit?.diagnostics.first?.message.contains("not a numeric limit") == true)
    }
}
