import Foundation

/// The pages' languages: Chinese by default, English by `?lang=en` (kept in a cookie).
enum PageLanguage: String, Sendable, CaseIterable {
    case zh, en

    var htmlLang: String { self == .zh ? "zh-CN" : "en" }
    var other: PageLanguage { self == .zh ? .en : .zh }
}

/// The fixed words of the pages, in both languages (`{{t.key}}` in the templates). Values from bundles and
/// accounts never come from here: they are escaped where they are printed.
enum PageLabels {
    static func table(_ language: PageLanguage) -> [String: String] {
        language == .zh ? zh : en
    }

    static let zh: [String: String] = [
        "product": "商场数字化服务规范 · 监管平台", "bureau": "徐州市商务局",
        "nav.overview": "总览", "nav.clauses": "条款", "nav.rectifications": "整改",
        "signOut": "退出", "signIn": "登录", "signedInAs": "当前账号", "switchLanguage": "English",
        "signIn.title": "登录", "signIn.name": "账号", "signIn.password": "密码",
        "signIn.refused": "账号或密码错误。", "signIn.expired": "表单已过期，请重新登录。",
        "signIn.locked": "登录失败次数过多，账号已锁定，请在 %@ 秒后再试。",
        "overview.title": "商场总览", "overview.lead": "每个商场最近一次审核的结论；筛选和排序后可直接打印。",
        "filter.district": "区县", "filter.verdict": "结论", "filter.evaluator": "审核人", "filter.age": "审核时间",
        "filter.all": "全部", "filter.apply": "筛选", "filter.reset": "清除",
        "age.30": "30 天内", "age.90": "90 天内", "age.365": "一年内", "age.older": "一年以上", "age.never": "从未审核",
        "col.mall": "商场", "col.creditCode": "统一社会信用代码", "col.district": "区县", "col.verdict": "结论",
        "col.date": "审核日期", "col.by": "审核人", "col.shallFailures": "“应”条款不通过",
        "col.shouldAdoption": "“宜”条款采纳率", "col.open": "未结整改", "col.overdue": "逾期",
        "col.statement": "条款项", "col.clause": "条款", "col.modality": "类型", "col.reason": "说明",
        "col.measured": "测量值", "col.threshold": "阈值", "col.due": "整改期限", "col.state": "状态",
        "col.progress": "进展", "col.closed": "关闭", "col.run": "审核", "col.counts": "通过/不通过/错误/不适用/未评估",
        "col.received": "接收时间", "col.signers": "签名", "col.reports": "报告", "col.days": "逾期天数",
        "col.malls": "商场数", "col.failingMalls": "“应”条款不通过的商场", "col.checkpoint": "检查点",
        "col.value": "数值", "col.role": "角色", "col.signer": "签名人", "col.account": "账号",
        "col.fingerprint": "密钥指纹", "col.signedAt": "签名时间（自述）", "col.receivedAt": "服务器接收时间",
        "col.bundle": "审核包", "col.size": "大小", "col.uploadedBy": "上传账号", "col.openedBy": "发现于",
        "col.setBy": "设定人", "col.finding": "现场记录", "col.assessor": "记录人",
        "summary.malls": "商场", "summary.noRun": "尚无审核",
        "verdict.conformant": "符合", "verdict.nonConformant": "不符合", "verdict.incomplete": "未完成",
        "verdict.none": "尚无审核",
        "v.pass": "通过", "v.fail": "不通过", "v.error": "错误", "v.notApplicable": "不适用", "v.notAssessed": "未评估",
        "m.shall": "应", "m.shallNot": "不应", "m.should": "宜", "m.may": "可",
        "role.bureau-admin": "商务局管理员", "role.bureau-viewer": "商务局查看", "role.inspector": "检查员",
        "role.evaluator": "第三方评估", "role.mall": "商场",
        "selfAudit": "自查", "chart.byDistrict": "各区县商场结论", "chart.overTime": "各月末商场结论（全部可见商场）",
        "chart.noData": "暂无数据", "chart.threshold": "阈值",
        "overdue.title": "逾期整改", "overdue.none": "没有逾期的整改。", "overdue.csv": "导出逾期整改（CSV）",
        "clauses.title": "条款横向统计", "clauses.lead": "每个条款在各商场最近一次审核中的结果。",
        "clause.title": "条款 %@", "clause.statement": "条款项 %@", "clause.failing": "不通过的商场",
        "clause.distribution": "各商场测量值分布", "clause.checkpoints": "检查点", "clause.noFailing": "没有商场不通过。",
        "clause.back": "返回条款列表",
        "page.prev": "上一页", "page.next": "下一页", "page.nav": "分页", "page.last": "转到最后一页",
        "page.beyond": "第 %@ 页没有内容（共 %@ 页）。", "overview.showing": "第 %@–%@ 个，共 %@ 个商场",
        "clause.showing": "第 %@–%@ 个，共 %@ 个不通过的商场", "clause.buckets": "各区间的商场数",
        "clause.worstFirst": "按测量值排序，离阈值最远的在前。",
        "clause.thresholdsVary": "各商场的阈值不尽相同（%@ 种）；图中按最常见的阈值 %@ 划分。",
        "col.range": "区间", "stat.min": "最小", "stat.median": "中位数", "stat.max": "最大",
        "stat.below": "低于阈值", "stat.at": "等于阈值", "stat.above": "高于阈值",
        "mall.runs": "历次审核", "mall.trend": "结论趋势（“应”条款不通过数）", "mall.latestReport": "最新报告",
        "mall.reportHTML": "HTML 报告", "mall.reportPDF": "PDF 报告", "mall.noReport": "审核包中没有此格式的报告。",
        "mall.diff": "比较两次审核", "mall.diffFrom": "较早", "mall.diffTo": "较晚", "mall.diffGo": "比较",
        "mall.rectifications": "整改事项", "mall.noRectifications": "没有整改事项。",
        "mall.failing": "最近一次审核中不通过的条款项", "mall.noRuns": "这个商场还没有可见的审核。",
        "mall.setDue": "设定整改期限", "mall.setDueHelp": "对最近一次审核中不通过的“应”条款项设定整改期限；再次设定即修改期限。",
        "mall.confirm": "确认整改完成", "mall.confirmNote": "确认说明", "mall.save": "保存",
        "mall.signatures": "签名", "mall.bundles": "审核包", "mall.download": "下载审核包",
        "run.title": "审核 %@", "run.statements": "各条款项结果", "run.findings": "现场记录",
        "run.open": "查看", "run.mall": "商场",
        "diff.title": "审核对比", "diff.fixed": "已整改（由不通过变为通过）", "diff.newlyFailing": "新出现的不通过",
        "diff.stillOpen": "仍未通过", "diff.gainedCheckpoints": "改为按检查点判定", "diff.otherChanges": "其他变化",
        "diff.unchanged": "未变化", "diff.none": "无", "diff.before": "较早审核", "diff.after": "较晚审核",
        "rect.title": "整改事项", "rect.open": "未结", "rect.closed": "已关闭", "rect.overdue": "已逾期",
        "rect.all": "全部", "rect.csv": "导出 CSV",
        "rect.passing-run": "检查员或评估方的审核通过", "rect.bureau-confirmation": "商务局确认",
        "rect.progress": "自查 %@：%@", "rect.closedBy": "%@ 关闭",
        "rect.rule": "整改事项只在检查员或第三方评估方提交的审核通过该条款项、或商务局确认后关闭；商场自查只显示进展。",
        "error.notFound": "未找到。", "error.forbidden": "没有权限。", "error.title": "出错了",
        "error.badRequest": "请求有误：", "error.csrf": "表单已失效（缺少有效的表单令牌），请返回重新提交。",
        "error.unavailable": "服务暂不可用，请稍后再试。", "error.back": "返回总览",
        "footer": "徐州市商务局 · 商场数字化服务规范监管平台 · 页面不含脚本，可直接打印。",
        "printed": "打印时间",
    ]

    static let en: [String: String] = [
        "product": "Mall digital service standard · supervision", "bureau": "Xuzhou Bureau of Commerce",
        "nav.overview": "Overview", "nav.clauses": "Clauses", "nav.rectifications": "Rectification",
        "signOut": "Sign out", "signIn": "Sign in", "signedInAs": "Signed in as", "switchLanguage": "中文",
        "signIn.title": "Sign in", "signIn.name": "Account", "signIn.password": "Password",
        "signIn.refused": "The account or the password is wrong.", "signIn.expired": "The form expired: sign in again.",
        "signIn.locked": "Too many failed sign-ins: the account is locked for %@ more seconds.",
        "overview.title": "Malls at a glance",
        "overview.lead": "Each mall's latest audit verdict; filter, sort, and print as shown.",
        "filter.district": "District", "filter.verdict": "Verdict", "filter.evaluator": "Audited by",
        "filter.age": "Audit age", "filter.all": "All", "filter.apply": "Filter", "filter.reset": "Clear",
        "age.30": "within 30 days", "age.90": "within 90 days", "age.365": "within a year",
        "age.older": "over a year", "age.never": "never audited",
        "col.mall": "Mall", "col.creditCode": "Credit code", "col.district": "District", "col.verdict": "Verdict",
        "col.date": "Judged", "col.by": "Audited by", "col.shallFailures": "Shall failures",
        "col.shouldAdoption": "Should adoption", "col.open": "Open items", "col.overdue": "Overdue",
        "col.statement": "Statement", "col.clause": "Clause", "col.modality": "Modality", "col.reason": "Reason",
        "col.measured": "Measured", "col.threshold": "Threshold", "col.due": "Due", "col.state": "State",
        "col.progress": "Progress", "col.closed": "Closed", "col.run": "Run",
        "col.counts": "pass/fail/error/n.a./not assessed", "col.received": "Received", "col.signers": "Signed by",
        "col.reports": "Reports", "col.days": "Days overdue", "col.malls": "Malls",
        "col.failingMalls": "Malls failing a requirement", "col.checkpoint": "Checkpoint", "col.value": "Value",
        "col.role": "Role", "col.signer": "Signer", "col.account": "Account", "col.fingerprint": "Key fingerprint",
        "col.signedAt": "Signed (as stated)", "col.receivedAt": "Received by the server", "col.bundle": "Bundle",
        "col.size": "Size", "col.uploadedBy": "Uploaded by", "col.openedBy": "Found in", "col.setBy": "Set by",
        "col.finding": "Finding", "col.assessor": "Assessor",
        "summary.malls": "malls", "summary.noRun": "not audited yet",
        "verdict.conformant": "Conformant", "verdict.nonConformant": "Non-conformant",
        "verdict.incomplete": "Incomplete", "verdict.none": "Not audited",
        "v.pass": "pass", "v.fail": "fail", "v.error": "error", "v.notApplicable": "not applicable",
        "v.notAssessed": "not assessed",
        "m.shall": "shall", "m.shallNot": "shall not", "m.should": "should", "m.may": "may",
        "role.bureau-admin": "bureau administrator", "role.bureau-viewer": "bureau viewer",
        "role.inspector": "inspector", "role.evaluator": "evaluator", "role.mall": "mall",
        "selfAudit": "self-audit", "chart.byDistrict": "Verdicts by district",
        "chart.overTime": "Verdicts at each month's end (every visible mall)", "chart.noData": "No data yet",
        "chart.threshold": "threshold",
        "overdue.title": "Overdue rectifications", "overdue.none": "No rectification is overdue.",
        "overdue.csv": "Export overdue items (CSV)",
        "clauses.title": "Clauses across malls", "clauses.lead": "Each clause in every mall's latest audit.",
        "clause.title": "Clause %@", "clause.statement": "Statement %@", "clause.failing": "Failing malls",
        "clause.distribution": "Measured values across malls", "clause.checkpoints": "Checkpoints",
        "clause.noFailing": "No mall fails it.", "clause.back": "All clauses",
        "page.prev": "Previous", "page.next": "Next", "page.nav": "Pages", "page.last": "Go to the last page",
        "page.beyond": "Page %@ is empty (there are %@ pages).", "overview.showing": "Showing %@–%@ of %@ malls",
        "clause.showing": "Showing %@–%@ of %@ failing malls", "clause.buckets": "Malls per range",
        "clause.worstFirst": "Ordered by measured value, farthest from the threshold first.",
        "clause.thresholdsVary": "The malls' thresholds differ (%@ of them); the chart cuts at the most common, %@.",
        "col.range": "Range", "stat.min": "Minimum", "stat.median": "Median", "stat.max": "Maximum",
        "stat.below": "Below the threshold", "stat.at": "At the threshold", "stat.above": "Above the threshold",
        "mall.runs": "Runs", "mall.trend": "Trend (shall failures per run)", "mall.latestReport": "Latest report",
        "mall.reportHTML": "HTML report", "mall.reportPDF": "PDF report",
        "mall.noReport": "The bundle holds no report in this format.",
        "mall.diff": "Compare two runs", "mall.diffFrom": "Earlier", "mall.diffTo": "Later", "mall.diffGo": "Compare",
        "mall.rectifications": "Rectification items", "mall.noRectifications": "No rectification items.",
        "mall.failing": "Failing statements in the latest run", "mall.noRuns": "No visible run of this mall yet.",
        "mall.setDue": "Set a due date",
        "mall.setDueHelp": "On a failed shall statement of the latest run; setting it again moves the date.",
        "mall.confirm": "Confirm as rectified", "mall.confirmNote": "What the bureau saw", "mall.save": "Save",
        "mall.signatures": "Signatures", "mall.bundles": "Bundles", "mall.download": "Download the bundle",
        "run.title": "Run %@", "run.statements": "Statement results", "run.findings": "Findings",
        "run.open": "Open", "run.mall": "Mall",
        "diff.title": "Comparing two runs", "diff.fixed": "Fixed (fail → pass)", "diff.newlyFailing": "Newly failing",
        "diff.stillOpen": "Still failing", "diff.gainedCheckpoints": "Now judged by checkpoints",
        "diff.otherChanges": "Other changes", "diff.unchanged": "Unchanged", "diff.none": "none",
        "diff.before": "Earlier run", "diff.after": "Later run",
        "rect.title": "Rectification items", "rect.open": "open", "rect.closed": "closed", "rect.overdue": "overdue",
        "rect.all": "all", "rect.csv": "Export CSV",
        "rect.passing-run": "a passing inspection or evaluation", "rect.bureau-confirmation": "bureau confirmation",
        "rect.progress": "self-audit %@: %@", "rect.closedBy": "closed by %@",
        "rect.rule":
            "An item closes only on a passing run filed by an inspector or evaluator, or on the bureau's "
            + "confirmation; a mall's self-audit shows progress only.",
        "error.notFound": "Not found.", "error.forbidden": "Not allowed.", "error.title": "Something went wrong",
        "error.badRequest": "Bad request: ",
        "error.csrf": "The form is no longer valid (no valid form token): go back and submit it again.",
        "error.unavailable": "The service is unavailable; try again shortly.", "error.back": "Back to the overview",
        "footer": "Xuzhou Bureau of Commerce · mall digital service supervision · pages without scripts, ready to print.",
        "printed": "Printed",
    ]

    /// The labels as templates name them: `{{t.nav_overview}}` for `nav.overview` (a dot in a Mustache name
    /// would mean a nested lookup).
    static func templateTable(_ language: PageLanguage) -> [String: String] {
        language == .zh ? zhTemplates : enTemplates
    }

    private static let zhTemplates = underscored(zh)
    private static let enTemplates = underscored(en)

    private static func underscored(_ table: [String: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: table.map { ($0.key.replacingOccurrences(of: ".", with: "_"), $0.value) })
    }

    /// `key`'s text with `%@` replaced by `arguments` in order.
    static func format(_ key: String, _ language: PageLanguage, _ arguments: String...) -> String {
        var text = table(language)[key] ?? key
        for argument in arguments {
            guard let range = text.range(of: "%@") else { break }
            text.replaceSubrange(range, with: argument)
        }
        return text
    }
}
