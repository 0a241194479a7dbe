import AuditModel

/// Every fixed word of the HTML report, in Chinese (default) and English. Templates read them as `{{labels.key}}`.
enum HTMLLabels {
    /// The label table for `language`. Every key exists in both languages (a test checks it).
    static func table(_ language: Language) -> [String: String] {
        language == .zh ? zh : en
    }

    static let zh: [String: String] = [
        "reportTitle": "符合性评估报告",
        "scope": "评估范围",
        "scopeAll": "全部条款（{n} 条语句）",
        "scopeOnly": "仅 {ids}（{total} 条语句中的 {n} 条，mallaudit run --only）",
        "scopeWarning": "本次评估只评估了部分条款（--only）：范围之外的条款记为未评估，本报告不构成对整个标准的符合性结论。",
        "timeZone": "时区",
        "moreObservations": "另有 {n} 项观测，见详细卡片或 XML/JSON 报告",
        "unassessedTitle": "尚未评估的“应/严禁”条款",
        "unassessedNote": "以下条款没有足以判定的证据（无系统探测、数据检查或核查结论，或只覆盖了部分检查点）：结论为“未完成”，须补充现场检查、文件审查或访谈后重新评估。",
        "missing": "已有结论与尚缺证据",
        "explanation": "判定依据",
        "seeCard": "详见上文卡片",
        "errorTitle": "无法检查的“应/严禁”条款（错误）",
        "checklistAndTool": "检查表与工具",
        "settingsShort": "限值与解读",
        "colon": "：",
        "verdict": "评估结论",
        "summary": "概览",
        "mall": "商场",
        "address": "地址",
        "creditCode": "统一社会信用代码",
        "assessor": "评估人",
        "startedAt": "开始时间",
        "asOf": "判定基准日",
        "methodTitle": "评估方法：限值与解读",
        "methodNote": "下列设置不是标准规定的数值：它们是工具的限值或对标准未明确之处的解读，随本次评估保存。",
        "settingKey": "设置",
        "settingValue": "取值",
        "settingMeaning": "含义",
        "settingDefault": "默认",
        "settingChanged": "已在场所配置中修改",
        "checkpoints": "检查点",
        "areas": "各区域",
        "endedAt": "结束时间",
        "runID": "评估编号",
        "completion": "运行状态",
        "toolVersion": "工具版本",
        "checklistVersion": "检查表版本",
        "checklistDigest": "检查表 SHA-256",
        "siteProfileDigest": "场所配置 SHA-256",
        "countsTitle": "按判定与条款类型统计",
        "modality": "条款类型",
        "total": "合计",
        "applicable": "适用",
        "chartTitle": "各章结果",
        "chartCaption": "每章一条堆叠条形图，按判定着色；数字为语句条数。",
        "chapter": "章",
        "failingTitle": "未通过的“应/严禁”条款",
        "failingNone": "没有未通过的“应/严禁”条款。",
        "pendingTitle": "尚未完成的“应/严禁”条款（错误或未评估）",
        "clausesTitle": "逐条结果",
        "statement": "语句",
        "statementText": "语句内容",
        "measuredAndReason": "测量与原因",
        "details": "详情 ↑",
        "result": "结果",
        "source": "来源",
        "producer": "判定依据",
        "judgedAt": "判定时间",
        "reason": "原因",
        "measured": "测量值",
        "threshold": "阈值",
        "margin": "与阈值的距离",
        "sample": "样本量",
        "observations": "观测",
        "evidence": "证据",
        "evidenceNone": "无证据文件",
        "notes": "说明",
        "condition": "适用条件",
        "originalText": "原文",
        "naTitle": "不适用决定",
        "naNone": "没有不适用决定。",
        "justification": "理由",
        "decidedBy": "决定人",
        "decidedAt": "决定时间",
        "formulaTitle": "计算方法",
        "shouldAdoption": "“宜”条款采纳率",
        "signatureTitle": "签字与盖章",
        "inspectorSignature": "评估人签字",
        "mallSeal": "商场盖章",
        "mallRepresentative": "商场负责人签字",
        "date": "日期",
        "sealHere": "（盖章处）",
        "footer": "本报告由 mallaudit 根据存储的评估结果生成；相同的评估结果生成相同的报告。",
        "snapshotWarning": "评估尚未结束：本报告只是当前结果的快照。",
        "interruptedWarning": "评估中途中断：未判定的语句按“未评估”计。",
    ]

    static let en: [String: String] = [
        "reportTitle": "Conformance report",
        "scope": "Scope",
        "scopeAll": "the whole checklist ({n} statements)",
        "scopeOnly": "only {ids} ({n} of {total} statements, mallaudit run --only)",
        "scopeWarning": "This run assessed part of the checklist (--only): statements outside its scope count as not assessed, and this report is no verdict on the whole standard.",
        "timeZone": "Time zone",
        "moreObservations": "{n} more observations: see the detailed card or the XML/JSON report",
        "unassessedTitle": "Shall statements not assessed",
        "unassessedNote": "No evidence settles these statements (no probe, data check or finding, or only some of their checkpoints): the verdict is incomplete until they are inspected, documents read or staff interviewed and the run assessed again.",
        "missing": "What is settled and what is missing",
        "explanation": "How the verdict was reached",
        "seeCard": "see the card above",
        "errorTitle": "Shall statements that could not be checked (error)",
        "checklistAndTool": "Checklist and tool",
        "settingsShort": "Limits and readings",
        "colon": ": ",
        "verdict": "Verdict",
        "summary": "Summary",
        "mall": "Mall",
        "address": "Address",
        "creditCode": "Unified social credit code",
        "assessor": "Assessor",
        "startedAt": "Started",
        "asOf": "Judgement date",
        "methodTitle": "Method: limits and readings",
        "methodNote": "These settings are not numbers of the standard: they are limits of the tool or readings of words the standard leaves open, stored with this run.",
        "settingKey": "Setting",
        "settingValue": "Value",
        "settingMeaning": "Meaning",
        "settingDefault": "default",
        "settingChanged": "set in the site profile",
        "checkpoints": "Checkpoints",
        "areas": "Areas",
        "endedAt": "Ended",
        "runID": "Run",
        "completion": "Run status",
        "toolVersion": "Tool version",
        "checklistVersion": "Checklist version",
        "checklistDigest": "Checklist SHA-256",
        "siteProfileDigest": "Site profile SHA-256",
        "countsTitle": "Counts by verdict and modality",
        "modality": "Modality",
        "total": "Total",
        "applicable": "Applicable",
        "chartTitle": "Results by chapter",
        "chartCaption": "One stacked bar per chapter, coloured by verdict; numbers are statements.",
        "chapter": "Chapter",
        "failingTitle": "Failing shall statements",
        "failingNone": "No shall statement failed.",
        "pendingTitle": "Shall statements not yet settled (error or not assessed)",
        "clausesTitle": "Clause by clause",
        "statement": "Statement",
        "statementText": "Text",
        "measuredAndReason": "Measurement and reason",
        "details": "Details ↑",
        "result": "Result",
        "source": "Source",
        "producer": "Judged by",
        "judgedAt": "Judged at",
        "reason": "Reason",
        "measured": "Measured",
        "threshold": "Threshold",
        "margin": "Distance from the threshold",
        "sample": "sample",
        "observations": "Observations",
        "evidence": "Evidence",
        "evidenceNone": "No evidence file",
        "notes": "Notes",
        "condition": "Applies when",
        "originalText": "Original",
        "naTitle": "Not-applicable decisions",
        "naNone": "No not-applicable decisions.",
        "justification": "Justification",
        "decidedBy": "Decided by",
        "decidedAt": "Decided at",
        "formulaTitle": "How the verdict is computed",
        "shouldAdoption": "Should adoption",
        "signatureTitle": "Signature and seal",
        "inspectorSignature": "Inspector's signature",
        "mallSeal": "Mall's seal",
        "mallRepresentative": "Mall representative's signature",
        "date": "Date",
        "sealHere": "(seal here)",
        "footer": "Generated by mallaudit from the stored results; the same results always give the same report.",
        "snapshotWarning": "The run has not finished: this report is a snapshot of the results so far.",
        "interruptedWarning": "The run was interrupted: statements it did not judge count as not assessed.",
    ]

    static func verdict(_ verdict: Verdict, _ language: Language) -> String {
        switch (verdict, language) {
        case (.pass, .zh): "通过"
        case (.fail, .zh): "不通过"
        case (.error, .zh): "错误"
        case (.notAssessed, .zh): "未评估"
        case (.notApplicable, .zh): "不适用"
        case (.pass, .en): "pass"
        case (.fail, .en): "fail"
        case (.error, .en): "error"
        case (.notAssessed, .en): "not assessed"
        case (.notApplicable, .en): "not applicable"
        }
    }

    static func conformance(_ conformance: Conformance, _ language: Language) -> String {
        switch language {
        case .zh: conformance.chinese
        case .en:
            switch conformance {
            case .conformant: "Conformant"
            case .nonConformant: "Non-conformant"
            case .incomplete: "Incomplete"
            }
        }
    }

    static func modality(_ modality: Modality, _ language: Language) -> String {
        switch (modality, language) {
        case (.shall, .zh): "应"
        case (.shallNot, .zh): "严禁/不应"
        case (.should, .zh): "宜"
        case (.may, .zh): "可"
        case (.shall, .en): "shall"
        case (.shallNot, .en): "shall not"
        case (.should, .en): "should"
        case (.may, .en): "may"
        }
    }

    static func source(_ source: ResultSource, _ language: Language) -> String {
        switch (source, language) {
        case (.probe, .zh): "系统探测"
        case (.data, .zh): "数据检查"
        case (.manual, .zh): "人工核查"
        case (.decision, .zh): "不适用决定"
        case (.none, .zh): "无"
        case (.probe, .en): "probe"
        case (.data, .en): "data check"
        case (.manual, .en): "inspector"
        case (.decision, .en): "decision"
        case (.none, .en): "none"
        }
    }

    static func method(_ method: AssessmentMethod, _ language: Language) -> String {
        switch (method, language) {
        case (.probe, .zh): "系统探测"
        case (.data, .zh): "数据检查"
        case (.inspection, .zh): "现场检查"
        case (.document, .zh): "文件审查"
        case (.interview, .zh): "人员访谈"
        case (.probe, .en): "probe"
        case (.data, .en): "data check"
        case (.inspection, .en): "inspection"
        case (.document, .en): "documents"
        case (.interview, .en): "interview"
        }
    }

    static func completion(_ completion: RunCompletion, _ language: Language) -> String {
        switch (completion, language) {
        case (.completed, .zh): "已完成"
        case (.running, .zh): "进行中"
        case (.interrupted, .zh): "已中断"
        case (.completed, .en): "completed"
        case (.running, .en): "running"
        case (.interrupted, .en): "interrupted"
        }
    }

    /// A unit as people read it (`天`, `days`, `day` for exactly 1); unknown units are shown as recorded.
    static func unit(_ unit: String, _ language: Language, amount: Double? = nil) -> String {
        let one = amount.map { abs($0) == 1 } ?? false
        switch (unit, language) {
        case ("day", .zh): return "天"
        case ("day", .en): return one ? "day" : "days"
        case ("workingDay", .zh): return "个工作日"
        case ("workingDay", .en): return one ? "working day" : "working days"
        case ("count", .zh): return "个"
        case ("count", .en): return ""
        default: return unit
        }
    }

    /// How far a measured value is from its threshold, in words.
    static func marginPhrase(
        margin: Double, threshold: Threshold, unit: String, language: Language
    ) -> String {
        let amount = NumberFormat.human(abs(margin)) + spacedUnit(unit, language, amount: abs(margin))
        if margin == 0 {
            let strict = threshold.comparison == .greaterThan || threshold.comparison == .lessThan
            switch (strict, language) {
            case (true, .zh): return "恰在阈值上；阈值为严格比较（\(threshold.comparison.symbol)），不满足"
            case (true, .en):
                return
                    "exactly on the line; the comparison is strict (\(threshold.comparison.symbol)), so it is not met"
            case (false, .zh): return "恰在阈值上，满足"
            case (false, .en): return "exactly on the line, which meets it"
            }
        }
        switch (margin > 0, language) {
        case (true, .zh): return "满足阈值，余量 \(amount)"
        case (true, .en): return "meets the threshold with \(amount) to spare"
        case (false, .zh): return "未达阈值，差 \(amount)"
        case (false, .en): return "misses the threshold by \(amount)"
        }
    }

    /// ` 天`, `%`, ` days`: the unit with a space before it, except `%` and an empty unit.
    static func spacedUnit(_ unit: String, _ language: Language, amount: Double? = nil) -> String {
        let word = self.unit(unit, language, amount: amount)
        if word.isEmpty || word == "%" { return word }
        return " " + word
    }
}
