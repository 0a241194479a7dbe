import AuditModel
import Foundation
import Testing
import TestSupport

@testable import AuditReports

/// One example of every message the tool writes, as the probes, checks, store and judgement word it (leaf messages:
/// the judgement's compositions are tested below). Each must match a template of `ReportTranslations` and come out
/// Chinese.
private let messageExamples = [
    "no probe, data check or finding covers this statement (methods: inspection, document)",
    "nothing covers “上网行为审计” (methods: document, inspection)",
    "every checkpoint passes: cash, mobilePayment, bankCard, eCny",
    "only supporting evidence, which cannot settle it alone: [member-api-tls: pass] all 2 expectation(s) of member-api-tls hold",
    "no evidence for area 3F (declared in the site profile's areas)",
    "area B9 is not in the site profile's areas",
    "no result recorded for this statement in this run",
    "no result recorded for this checkpoint",
    "outside this run's scope (--only 5.2.5, 6.1)",
    "a probe bound to this statement did not report",
    "manual pass without evidence: 6.7.1.b is a shall statement assessed by inspection, so a pass needs at least one "
        + "evidence file; recorded as notAssessed. Inspector's note: 一层设有售后服务台（现场确认，未拍照）。",
    "manual pass without evidence: 5.2.2-2/sensing is a shall checkpoint assessed by probe, inspection, so a pass needs "
        + "at least one evidence file; recorded as notAssessed",
    "manual finding by 王工: fail",
    "the core machine room is on the ground floor (1F) — as the site profile declares it; confirm on site",
    "the core machine room is on the ground floor (1F)",
    "the machine room is on the ground floor: the permission is not used",
    "the core machine room is on B1, which 5.2.5-2 permits: the building has 3 basement levels (at least 2, "
        + "readings.basement_exception_levels)",
    "the machine room is on B1 and the building has 3 basement levels",
    "the core machine room is on B1 but the building has 1 basement level(s): 5.2.5-2 permits B1 only with at least 2 "
        + "(readings.basement_exception_levels)",
    "the machine room is on B1 without the condition of 5.2.5-2 (1 basement level(s), 2 needed)",
    "the core machine room is on 3F, not on the ground floor (1F)",
    "the machine room is not on B1: the permission is not used",
    "all 2 expectation(s) of machine-room-smoke hold",
    "http://127.0.0.1:18080/api answered HTTP 500",
    "no SNMP agent selected",
    "no SNMP agent 'machine_room' in the site profile",
    "no HTTP system 'member_api'",
    "environment variable MEMBER_TOKEN (header Authorization of member_api) is not set or empty",
    "$.kiosks[*].area lists 1F",
    "$.kiosks[*].area lists nothing in 3F, B2 (areas of the site profile)",
    "$.kiosks[*].area lists nothing in 3F",
    "$.kiosks[*].area: covers_areas needs the site profile's areas, and it declares none",
    "HTTP status 404, expected 200 or 302",
    "no Location header",
    "Location 'http://x/' does not match /realname/",
    "body does not match /实名/",
    "$.features.points not found",
    "$.features.points is empty",
    "$.capabilities.emergencyPaging is false, expected true",
    "$.announcements[*].kind does not contain 'broadcast'",
    "$.pointsRules.ratio is 0.5, expected at least 1",
    "certificate of https://127.0.0.1:18443/ does not verify: self-signed certificate",
    "TLS protocol version of https://127.0.0.1:18443/ unknown",
    "TLSv1.1 is older than TLS 1.2 (the tool's limit limits.tls_min_version, not a number of the standard)",
    "certificate expiry of https://127.0.0.1:18443/ unknown",
    "certificate not valid before 2027-01-01",
    "certificate expired on 2026-01-01",
    "certificate expires on 2026-12-01, in 11 day(s), fewer than 30 (the tool's limit limits.certificate_margin_days, "
        + "not a number of the standard)",
    "machine_room: value 'smokeUpdated' was not read (no such value in probe machine-room-smoke)",
    "machine_room (机房): camera is not present (noSuchObject)",
    "machine_room: camera is in alarm (3)",
    "gateway_1f (1F): status reports '7', which maps to neither ok nor alarm",
    "machine_room: cameraUpdated 'yesterday' is not a Unix time",
    "machine_room: last reading 86402 s old, more than 900 s (the tool's limit limits.sensor_max_age, not a number of "
        + "the standard)",
    "gateway_2f (2F): last reading 7201 s old, more than 600 s",
    "agent gateway_3f: no response from gateway_3f (udp:127.0.0.1:18165) after 2 attempts of 0.5 s — wrong community "
        + "or agent down",
    "agent machine_room: no response from machine_room (udp:127.0.0.1:18161) after 1 attempt of 1 s — agent down or "
        + "unreachable, or wrong SNMPv3 privacy passphrase/protocol",
    "agent machine_room: SNMPv3 authentication failure at machine_room: wrong authentication passphrase or protocol "
        + "(usmStatsWrongDigests)",
    "http://127.0.0.1:1/: could not connect: Failed to connect",
    "http://127.0.0.1:18080/: timed out: Operation timed out",
    "logs kept 45 days (2026-11-20 − 2026-10-06), not more than 60; records before the gap on 2026-10-05 do not count",
    "logs kept 61 days (2026-11-20 − 2026-09-20), more than 60",
    "no records on 2026-11-19 or 2026-11-20: the newest record is 2026-11-01, so no run of logged days reaches the "
        + "as-of date",
    "satisfaction (150 + 55) / 240 × 100 = 85.4167 %, at least 85 %",
    "satisfaction (100 + 55) / 240 × 100 = 64.5833 %, below 85 %",
    "no complaint late: 10 answered on time, 1 not yet due (on time 100.0 %)",
    "1 complaint late of 11 judged (on time 90.9091 %); 1 not yet due",
    "3 complaints late of 11 judged (on time 72.7273 %); 0 not yet due",
    "mobile payment at all 8 merchants",
    "mobile payment missing at 2 of 8 merchants: 老街面馆, 小吃店",
    "the mall offers e-CNY (数字人民币): 7 of 8 merchants accept it (reading mall); not at 1 of 8 merchants: 老街面馆",
    "the mall offers cash (现金): 8 of 8 merchants accept it (reading mall)",
    "no merchant of 8 accepts e-CNY (数字人民币) (reading mall)",
    "bank card (银行卡) at all 8 merchants (reading eachMerchant)",
    "e-CNY (数字人民币) not at every merchant (reading eachMerchant); not at 1 of 8 merchants: 老街面馆",
    "cash, mobile, bank card and e-CNY at all 8 merchants",
    "not accepted everywhere: ecny missing at 1 (coverage cash 100.0 %, mobile 100.0 %, bank_card 100.0 %, ecny 87.5 %)",
    "all 6 SKUs agree online and offline (category, stock, price)",
    "all 6 SKUs agree online and offline (stock)",
    "2 of 6 SKUs differ (33.3333 %): SKU-1, SKU-2",
    "stock differs for 1 of 6 SKUs (16.6667 %)",
    "input unusable: exports/survey.csv:3: error: no column 'satisfaction'",
    "the check of probe survey does not judge 8.2.1-1 (it judges 8.2.1-3)",
    "TLSv1.1 is older than TLS 1.3",
    "certificate expires on 2026-12-01, in 11 day(s), fewer than 60",
    "expectation status([200]) does not apply to an SNMP answer",
    "expectation snmpPresent(value: \"x\") does not apply to a TLS answer",
    "agent gateway_1f: no response from gateway_1f (udp:127.0.0.1:18163) after 1 attempt of 1 s — wrong community or "
        + "agent down",
    "no response from gateway_1f after 3 attempts of 1 s — wrong community or agent down",
    "no response from gateway_1f after 1 attempt of 2 s — wrong community or agent down",
    "no response from machine_room (udp:127.0.0.1:18161) after 2 attempts of 1 s — agent down or unreachable, or "
        + "wrong SNMPv3 privacy passphrase/protocol",
    "agent machine_room: cannot send to machine_room: Network is unreachable",
    "SNMPv3 authentication failure at machine_room: unknown user name (usmStatsUnknownUserNames)",
    "SNMPv3 authentication failure at machine_room: security level not allowed for this user "
        + "(usmStatsUnsupportedSecLevels)",
    "SNMPv3 authentication failure at machine_room: wrong privacy passphrase or protocol (usmStatsDecryptionErrors)",
    "SNMPv3 authentication failure at machine_room: not in time window (usmStatsNotInTimeWindows)",
    "SNMPv3 authentication failure at machine_room: unknown engine ID (usmStatsUnknownEngineIDs)",
    "SNMPv3 authentication failure at machine_room: security error",
    "https://member.invalid/: could not resolve host: member.invalid",
    "https://127.0.0.1:18443/: TLS failure: SSL certificate problem",
    "http://127.0.0.1:18080/big: answer larger than the limit of 1048576 bytes",
    "http://127.0.0.1:18080/: HTTP transfer failed (curl error 56): Recv failure",
    "unknown measured check 'footfall'",
    "logs kept 1 day (2026-11-20 − 2026-11-19), not more than 60",
    "not at 2 of 8 merchants: 老街面馆, 小吃店",
    "all 6 SKUs agree online and offline (categories)",
    "all 6 SKUs agree online and offline (prices)",
    "category differs for 1 of 6 SKUs (16.6667 %)",
    "price differs for 2 of 6 SKUs (33.3333 %)",
    "the as-of date 0000-12-31 00:00:00 +0000 is outside the years a measured check can judge (1–9999)",
    "realName pass: all 2 expectation(s) of wifi-portal-realname hold",
    "area 3F fail: $.kiosks[*].area lists nothing in 3F",
    "every area passes (B1, 1F, 2F, 3F): 地下一层至三层已建 5G 室内分布系统。",
    "core_switch: uplinks 11002 'uplink China Unicom fibre': ifOperStatus is 2 (alarm)",
    "core_switch: ports 11010: ifOperStatus is '9', which maps to neither ok nor alarm",
    "machine_room: sensors 11 'machine room humidity sensor': entPhySensorValue 71.2 is above 70 (the tool's limit "
        + "limits.humidity_max, not a number of the standard)",
    "machine_room: sensors 12: entPhySensorValue 9.5 is below 10 (the tool's limit limits.temperature_min, not a "
        + "number of the standard)",
    "ups: batteries 1: upsBatteryVoltage 40 is below 44",
    "ups: batteries 1: upsBatteryTemperature 50 is above 45",
]

/// Observation values the tool writes (the finding lines of the checks with their location).
private let valueExamples = [
    "alarm (3)", "ok (1)", "unknown (7)", "2026-12-05T02:20:18Z (Unix 1796538018)", "none", "none judged",
    "100.0 % (8 of 8)", "37.5 % (3 of 8), informational", "not in the export, informational", "UTF-8 with BOM",
    "Asia/Shanghai (the mall's; no device time zone set)", "Asia/Shanghai (set for this device)",
    "as-of: the year that puts the month in 2026-01 to 2026-12, by the as-of date",
    "file-mtime: by each file's modification date on the device's clock", "2026: every year-less stamp in 2026",
    "replyTime ≤ 5 workingDay", "no record: breaks the run of logged days",
    "2026-10-06 08:14:07 (exports/wifi-logs/portal-20261006.log.gz:1)",
    "respondent at line 156: no answer; counted in the denominator (exports/survey.csv:156)",
    "respondent at line 19: excluded by the evaluator: 问卷未作答; left out of the denominator (exports/survey.csv:19)",
    "C006: received 2026-11-02 09:00:00, replied 2026-11-10 15:00:00; deadline 2026-11-09 (end of the 5th working day "
        + "after 2026-11-02: 11-03, 11-04, 11-05, 11-06, 11-09); replied on working day 6 after receipt "
        + "(exports/complaints.csv:7)",
    "C012: received 2026-11-18 13:15:00, not yet answered; deadline 2026-11-25 (end of the 5th working day after "
        + "2026-11-18: 11-19, 11-20, 11-23, 11-24, 11-25) not yet passed at 2026-11-20 (exports/complaints.csv:13)",
    "老街面馆: does not accept e-CNY (数字人民币) (exports/payments.csv:6)",
    "SKU-9: online only: not in the offline export (exports/catalog-online.csv:4)",
    "2026-10-05: no record: breaks the run of logged days",
    "line 19: 问卷未作答",
    "2026-12-05T02:20:18Z",
    "respondent at line 7: answer '还行' is none of 满意/基本满意/不满意; counted in the denominator (exports/survey.csv:7)",
    "C003: received 2026-11-02 09:00:00, replied 2026-11-20 15:00:00; deadline 2026-11-09 (end of the 5th working day "
        + "after 2026-11-02: 11-03, 11-04, 11-05, 11-06, 11-09); replied 11 calendar days after the deadline "
        + "(exports/complaints.csv:4)",
    "C001: received 2026-11-02 09:00:00, replied 2026-11-03 15:00:00; deadline 2026-11-09 (end of the 5th working day "
        + "after 2026-11-02: 11-03, 11-04, 11-05, 11-06, 11-09) (exports/complaints.csv:2)",
    "C002: received 2026-11-02 09:00:00, not answered by the as-of date 2026-11-20; deadline 2026-11-09 (end of the 5th "
        + "working day after 2026-11-02: 11-03, 11-04, 11-05, 11-06, 11-09) has passed (exports/complaints.csv:3)",
    "小吃店: does not accept cash (现金) (blank cell) (exports/payments.csv:9)",
    "SKU-8: offline only: not in the online export (exports/catalog-offline.csv:9)",
    "line 25: no date recognised: -- MARK -- (exports/wifi-logs/portal-20261120.log:25)",
    "error: no response from gateway_3f (udp:127.0.0.1:18165) after 2 attempts of 0.5 s — wrong community or agent down",
]

@Suite("Report text: one language per report")
struct ReportTextTests {
    let zh = ReportText(language: .zh, timeZone: "Asia/Shanghai")
    let en = ReportText(language: .en, timeZone: "Asia/Shanghai")

    @Test("every message the tool writes comes out Chinese in the Chinese report", arguments: messageExamples)
    func messages(_ example: String) {
        let text = zh.reason(example)
        // A diagnostic inside "input unusable: …" is the loader's own message, quoted as it is.
        // So is the label a mall's administrator gave an SNMP table row (ifAlias, entPhysicalDescr).
        let quoted = (example.hasPrefix("input unusable: ") ? [String(example.dropFirst(16))] : [])
            + ["uplink China Unicom fibre", "machine room humidity sensor"]
        #expect(LatinProse.runs(in: text, allowing: quoted).isEmpty, "\(example) → \(text)")
        #expect(text != example)
    }

    @Test("every observation value the tool words comes out Chinese", arguments: valueExamples)
    func values(_ example: String) {
        let text = zh.observationValue(example)
        #expect(LatinProse.runs(in: text).isEmpty, "\(example) → \(text)")
    }

    @Test("every template of the table is used by an example above (a template nothing exercises is dead or untested)")
    func everyTemplateExercised() {
        let tracer = ReportText.Tracer()
        let traced = ReportText(language: .zh, timeZone: "Asia/Shanghai", tracer: tracer)
        for example in messageExamples { _ = traced.reason(example) }
        for example in valueExamples { _ = traced.observationValue(example) }
        for template in ReportTranslations.messages + ReportTranslations.values + ReportTranslations.prefixes {
            #expect(tracer.used.contains(template.pattern), "no example for “\(template.pattern)”")
        }
    }

    @Test("composed reasons are taken apart as the judgement composed them; a piece's own “; ” stays with it")
    func composed() {
        let reason =
            "[site profile: pass] the core machine room is on the ground floor (1F) — as the site profile declares "
            + "it; confirm on site; [王工（徐州市商务局）: pass] 核心机房位于地面一层东侧（F1-E07）。"
        #expect(
            zh.reason(reason)
                == "【场所配置：通过】核心机房位于地面一层（1F）（据场所配置声明，须现场确认）；【王工（徐州市商务局）：通过】核心机房位于地面一层东侧（F1-E07）。")
        let checkpoints =
            "networkAccess error: agent gateway_3f: no response from gateway_3f (udp:127.0.0.1:18165) after 2 attempts "
            + "of 0.5 s — wrong community or agent down; sensing notAssessed: nothing covers “自动感知” (methods: probe)"
        #expect(
            zh.reason(checkpoints)
                == "检查点 networkAccess（错误）：代理 gateway_3f：gateway_3f（udp:127.0.0.1:18165）无应答（2 次尝试，每次 0.5 秒）："
                + "团体名错误或代理离线；检查点 sensing（未评估）：“自动感知”尚无证据（评估方法：系统探测）")
        let area = "area 3F fail: $.kiosks[*].area lists nothing in 3F"
        #expect(zh.reason(area) == "区域 3F（不通过）：$.kiosks[*].area 未列出 3F 的任何项")
    }

    @Test("a message with no template stays as written: never dropped, never guessed")
    func unknownStaysEnglish() {
        #expect(zh.reason("something the tool never says") == "something the tool never says")
        #expect(zh.reason("检查员的备注") == "检查员的备注")
        #expect(en.reason("all 2 expectation(s) of machine-room-smoke hold") == "all 2 expectation(s) of machine-room-smoke hold")
    }

    @Test("durations read as days, hours and minutes in both languages")
    func durations() {
        #expect(zh.reason("machine_room: last reading 86402 s old, more than 900 s")
            == "machine_room：最近一次读数距今 1 天 0 小时，超过 15 分钟 0 秒")
        #expect(en.reason("machine_room: last reading 7201 s old, more than 900 s")
            == "machine_room: last reading 2 h 0 min old, more than 15 min 0 s")
        #expect(zh.duration(59) == "59 秒")
        #expect(zh.duration(60) == "1 分钟 0 秒")
        #expect(zh.duration(3_600) == "1 小时 0 分钟")
        #expect(en.duration(86_400) == "1 d 0 h")
    }

    @Test("sensor states by name, Unix times as the mall's local time")
    func sensorValues() {
        #expect(zh.observationValue("alarm (3)") == "报警（3）")
        #expect(zh.observationValue("ok (1)") == "正常（1）")
        #expect(zh.observationValue("unknown (7)") == "未知状态（7）")
        #expect(en.observationValue("unknown (7)") == "unknown state (7)")
        #expect(zh.observationValue("2026-12-05T02:20:18Z (Unix 1796538018)") == "2026-12-05 10:20:18")
        #expect(en.observationValue("2026-12-05T02:20:18Z (Unix 1796538018)") == "2026-12-05 10:20:18")
        // A value a mall's system returned is shown as it is.
        #expect(zh.observationValue("星河停车云 ParkOne 5.2") == "星河停车云 ParkOne 5.2")
    }

    @Test("a list a JSON path selected is listed the language's way; truth values as 是/否 (yes/no)")
    func listsAndTruthValues() {
        let online = Observation.list(name: "$.screens[*].online", values: ["true", "true", "false"])
        #expect(online.value == "true, true, false", "the XML and JSON reports keep the values as read")
        #expect(zh.observationValue(online) == "是、是、否")
        #expect(en.observationValue(online) == "yes, yes, no")
        // Items are split where the probe listed them, never at a comma inside a value the mall returned.
        let playlist = Observation.list(name: "$.playlist[*]", values: ["advertising, promotion", "goodsGuide"])
        #expect(zh.observationValue(playlist) == "advertising, promotion、goodsGuide")
        let one = Observation.list(name: "$.online", values: ["false"])
        #expect(one.items == nil && zh.observationValue(one) == "否" && en.observationValue(one) == "no")
        #expect(zh.observationValue(Observation(name: "x", value: "a, b")) == "a, b", "a single value as written")
    }

    @Test("times in the mall's zone: UTC stored, local shown; offsets and fractions read; anything else as written")
    func times() {
        #expect(zh.time("2026-11-20T09:08:30Z") == "2026-11-20 17:08:30")
        #expect(zh.time("2026-11-20T20:00:00Z") == "2026-11-21 04:00:00", "across midnight")
        #expect(zh.time("2026-11-19T15:40:00+08:00") == "2026-11-19 15:40:00")
        #expect(zh.time("2026-11-19T15:40:00.250-05:00") == "2026-11-20 04:40:00")
        #expect(zh.time("2026-11-19") == "2026-11-19")
        #expect(zh.time("yesterday") == "yesterday")
        let berlin = ReportText(language: .en, timeZone: "Europe/Berlin")
        #expect(berlin.time("2026-07-01T10:00:00Z") == "2026-07-01 12:00:00", "summer time")
        #expect(berlin.time("2026-01-01T10:00:00Z") == "2026-01-01 11:00:00")
        #expect(zh.zoneLabel(at: "2026-11-20T09:00:00Z") == "Asia/Shanghai (+08:00)")
    }

    @Test("observation names the tool writes have labels; ids and paths stay")
    func observationNames() {
        #expect(zh.observationName("oldestRecordOfRun") == "连续留存日志的最早记录")
        #expect(zh.observationName("respondents.satisfied") == "受访者·满意")
        #expect(zh.observationName("coverage.ecny") == "受理率·数字人民币")
        #expect(en.observationName("coverage.ecny") == "coverage · e-CNY")
        #expect(zh.observationName("machine_room.camera") == "machine_room.camera")
        #expect(zh.observationName("$.features.points") == "$.features.points")
    }

    @Test("the producers a result was judged from are listed with 、 in Chinese; a site-profile source stays whole")
    func producers() {
        let joined = "member-coupons, member-points, site profile (mall.machine_room_floor: 1, basement_levels: 0)"
        #expect(zh.producer(joined) == "member-coupons、member-points、场所配置（mall.machine_room_floor: 1, basement_levels: 0）")
        #expect(en.producer(joined) == joined)
        #expect(zh.producer("wifi-logs") == "wifi-logs")
        #expect(LatinProse.runs(in: zh.producer("a-b, c-d, e-f, g-h")) == [])
    }

    @Test("the Latin-prose check finds prose and leaves ids, units and names")
    func latinProse() {
        #expect(LatinProse.runs(in: "检查点 realName（通过）：全部 2 项预期均满足") == [])
        #expect(LatinProse.runs(in: "gateway_3f (udp:127.0.0.1:18165) 2 s") == [])
        #expect(LatinProse.runs(in: "区域 3F：no evidence for area 3F") == [])
        #expect(LatinProse.runs(in: "原因：no probe, data check or finding covers this") == ["probe, data check or finding covers this"], "a word touching Chinese is not a Latin word")
        #expect(LatinProse.runs(in: "星巴克 Starbucks Coffee Company Ltd", allowing: ["Starbucks Coffee Company Ltd"]) == [])
    }
}
