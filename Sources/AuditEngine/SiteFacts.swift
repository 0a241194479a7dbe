import AuditModel
import AuditSite
import Foundation

/// Evidence from what the site profile declares about the building, judged by the standard's words.
///
/// 5.2.5-1 (核心机房选址应设置在地面一层) and 5.2.5-2 (商业广场等如有地下二、三层，可将机房设在地下一层) are one rule with
/// an exception, so they are judged together from `mall.machine_room_floor` and `mall.basement_levels`:
///
/// | machine room | building | 5.2.5-1 (shall) | 5.2.5-2 (may) |
/// |---|---|---|---|
/// | 1F | any | pass | not applicable: the permission is not used |
/// | B1 | at least `readings.basement_exception_levels` basement levels (default 2) | pass, by 5.2.5-2 | pass |
/// | B1 | fewer | fail | fail: its condition does not hold |
/// | any other floor | any | fail | not applicable |
///
/// The profile is the mall's own declaration: the reason says so, and an inspector's finding (the room seen on
/// site) is judged together with it. Without `machine_room_floor` nothing is declared and both stay for inspection.
enum SiteFacts {
    static let groundFloorStatement = "5.2.5-1"
    static let basementStatement = "5.2.5-2"

    static func evidence(profile: SiteProfile, checklist: Checklist) -> [StatementResult] {
        guard let floor = profile.mall.machineRoomFloor else { return [] }
        let levels = profile.mall.basementLevels
        let needed = profile.readings.basementExceptionLevels
        let source = "site profile (mall.machine_room_floor: \(floor), basement_levels: \(levels))"
        let observations = [
            Observation(name: "mall.machine_room_floor", value: floor.description),
            Observation(name: "mall.basement_levels", value: String(levels)),
            Observation(name: "readings.basement_exception_levels", value: String(needed)),
        ]
        var results: [StatementResult] = []
        func add(_ id: String, _ verdict: Verdict, _ reason: String) {
            guard checklist.statement(id) != nil else { return }
            var result = StatementResult(
                statementID: id, verdict: verdict, source: .data, producer: "site profile",
                reason: reason + " — as the site profile declares it; confirm on site", observations: observations)
            if verdict == .notApplicable {
                result.notApplicable = NotApplicableDecision(
                    statementID: id, justification: reason, decidedBy: source)
            }
            results.append(result)
        }
        switch floor.level {
        case 1:
            add(groundFloorStatement, .pass, "the core machine room is on the ground floor (1F)")
            add(basementStatement, .notApplicable, "the machine room is on the ground floor: the permission is not used")
        case -1 where levels >= needed:
            add(
                groundFloorStatement, .pass,
                "the core machine room is on B1, which 5.2.5-2 permits: the building has \(levels) basement levels "
                    + "(at least \(needed), readings.basement_exception_levels)")
            add(basementStatement, .pass, "the machine room is on B1 and the building has \(levels) basement levels")
        case -1:
            add(
                groundFloorStatement, .fail,
                "the core machine room is on B1 but the building has \(levels) basement level(s): 5.2.5-2 permits B1 "
                    + "only with at least \(needed) (readings.basement_exception_levels)")
            add(
                basementStatement, .fail,
                "the machine room is on B1 without the condition of 5.2.5-2 (\(levels) basement level(s), "
                    + "\(needed) needed)")
        default:
            add(groundFloorStatement, .fail, "the core machine room is on \(floor), not on the ground floor (1F)")
            add(basementStatement, .notApplicable, "the machine room is not on B1: the permission is not used")
        }
        return results
    }
}
