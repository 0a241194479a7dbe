import AuditModel

/// The messages the tool writes, each with its Chinese (and where it reads better, its English) form, for
/// `ReportText`. When a probe, a check or the judgement words a message differently, its template here must follow
/// (`ReportTextTests` translates an example of every message the tool writes, and the demo's Chinese report is
/// checked for English prose left over).
enum ReportTranslations {
    private static func t(_ pattern: String, _ zh: String, en: String? = nil) -> ReportTemplate {
        ReportTemplate(pattern, zh: zh, en: en)
    }

    /// Prefixes the judgement and the probes compose reasons with; the rest is translated again.
    static let prefixes: [ReportTemplate] = [
        t("[{p:producer}: {v:verdict}] {r:reason}", "【{p}：{v}】{r}"),
        t("{c:id} {v:verdict}: {r:reason}", "检查点 {c}（{v}）：{r}", en: "{c} ({v}): {r}"),
        t("area {a:id} {v:verdict}: {r:reason}", "区域 {a}（{v}）：{r}", en: "area {a} ({v}): {r}"),
        t("every area passes ({l:list}): {r:reason}", "各区域均通过（{l}）：{r}"),
        t("agent {a:id}: {r:reason}", "代理 {a}：{r}"),
        t("{a:id} ({area:id}): {r:reason}", "{a}（{area}）：{r}"),
        t("{a:id}: {r:reason}", "{a}：{r}"),
        // A row of an SNMP table (`uplinks 11002 'uplink China Unicom fibre': …`): the table, the row's index and
        // the label a mall's administrator gave it (quoted as it is), then what holds of the row.
        t("{t:id} {i:n} '{l:text}': {r:reason}", "{t} {i}“{l}”：{r}"),
        t("{t:id} {i:n}: {r:reason}", "{t} {i}：{r}"),
    ]

    /// Producers the tool names in words.
    static let producers: [ReportTemplate] = [
        t("site profile", "场所配置"),
        t("site profile ({r:rest})", "场所配置（{r}）"),
    ]

    /// Reasons: the judgement's, the probes' and the measured checks', the store's and the site facts'.
    static let messages: [ReportTemplate] = [
        // The judgement (AuditModel.Judgement) and the report's own.
        t(
            "no probe, data check or finding covers this statement (methods: {m:methods})",
            "尚无系统探测、数据检查或核查结论（评估方法：{m}）"),
        t("nothing covers “{q:rest}” (methods: {m:methods})", "“{q}”尚无证据（评估方法：{m}）"),
        t("every checkpoint passes: {l:list}", "全部检查点通过：{l}"),
        t(
            "only supporting evidence, which cannot settle it alone: {r:reason}",
            "只有辅助证据，不能单独判定：{r}"),
        t("no evidence for area {a:id} (declared in the site profile's areas)", "区域 {a} 没有证据（场所配置声明的区域）"),
        t("area {a:id} is not in the site profile's areas", "区域 {a} 不在场所配置声明的区域中"),
        t("no result recorded for this statement in this run", "本次评估未记录该条款的结果"),
        t("no result recorded for this checkpoint", "本次评估未记录该检查点的结果"),
        t("outside this run's scope (--only {l:list})", "不在本次评估范围内（--only {l}）"),
        t("a probe bound to this statement did not report", "绑定该条款的一项探测没有返回结果"),

        // Inspectors' findings (AuditStore.FindingRules).
        t(
            "manual pass without evidence: {id:id} is a {mod:id} {what:id} assessed by {m:methods}, so a pass needs at "
                + "least one evidence file; recorded as notAssessed. Inspector's note: {note:rest}",
            "人工“通过”缺少证据文件：{id} 为“{mod}”类{what}，评估方法为{m}，通过须附至少一份证据文件，故记为未评估。检查员备注：{note}"),
        t(
            "manual pass without evidence: {id:id} is a {mod:id} {what:id} assessed by {m:methods}, so a pass needs at "
                + "least one evidence file; recorded as notAssessed",
            "人工“通过”缺少证据文件：{id} 为“{mod}”类{what}，评估方法为{m}，通过须附至少一份证据文件，故记为未评估"),
        t("manual finding by {who:rest}: {v:verdict}", "{who} 的人工核查结论：{v}"),

        // Facts the site profile declares (AuditEngine.SiteFacts).
        t(
            "{r:reason} — as the site profile declares it; confirm on site",
            "{r}（据场所配置声明，须现场确认）"),
        t("the core machine room is on the ground floor (1F)", "核心机房位于地面一层（1F）"),
        t(
            "the machine room is on the ground floor: the permission is not used",
            "机房位于地面一层：未使用该许可"),
        t(
            "the core machine room is on B1, which 5.2.5-2 permits: the building has {n:n} basement levels "
                + "(at least {k:n}, readings.basement_exception_levels)",
            "核心机房位于地下一层，5.2.5-2 允许：建筑有 {n} 层地下室（至少 {k} 层，readings.basement_exception_levels）"),
        t(
            "the machine room is on B1 and the building has {n:n} basement levels",
            "机房位于地下一层，建筑有 {n} 层地下室"),
        t(
            "the core machine room is on B1 but the building has {n:n} basement level(s): 5.2.5-2 permits B1 only with "
                + "at least {k:n} (readings.basement_exception_levels)",
            "核心机房位于地下一层，但建筑只有 {n} 层地下室：5.2.5-2 仅在至少 {k} 层时允许（readings.basement_exception_levels）"),
        t(
            "the machine room is on B1 without the condition of 5.2.5-2 ({n:n} basement level(s), {k:n} needed)",
            "机房位于地下一层，不满足 5.2.5-2 的条件（地下 {n} 层，需 {k} 层）"),
        t(
            "the core machine room is on {f:id}, not on the ground floor (1F)",
            "核心机房位于 {f}，不在地面一层（1F）"),
        t(
            "the machine room is not on B1: the permission is not used", "机房不在地下一层：未使用该许可"),

        // Probes (AuditProbes.ProbeJudge, LiveProbeRunner) and the adapters they report.
        t("all {n:n} expectation(s) of {p:id} hold", "{p} 的全部 {n} 项预期均满足"),
        t("{u:id} answered HTTP {c:n}", "{u} 返回 HTTP {c}"),
        t("no SNMP agent selected", "未选择 SNMP 代理"),
        t("no SNMP agent '{a:id}' in the site profile", "场所配置中没有 SNMP 代理“{a}”"),
        t("no HTTP system '{a:id}'", "场所配置中没有 HTTP 系统“{a}”"),
        t(
            "environment variable {v:id} (header {h:id} of {s:id}) is not set or empty",
            "环境变量 {v}（{s} 的请求头 {h}）未设置或为空"),
        t("{x:id} lists {a:id}", "{x} 列出了 {a}"),
        t("{x:id} lists nothing in {l:list} (areas of the site profile)", "{x} 未列出 {l} 的任何项（场所配置声明的区域）"),
        t("{x:id} lists nothing in {a:id}", "{x} 未列出 {a} 的任何项"),
        t(
            "{x:id}: covers_areas needs the site profile's areas, and it declares none",
            "{x}：covers_areas 需要场所配置声明的区域，但配置中没有"),
        t("HTTP status {s:n}, expected {e:text}", "HTTP 状态码 {s}，预期为 {e}"),
        t("no {h:id} header", "缺少 {h} 响应头"),
        t("{h:id} '{v:text}' does not match /{p:text}/", "{h}“{v}”不符合 /{p}/"),
        t("body does not match /{p:rest}/", "响应内容不符合 /{p}/"),
        t("{x:id} not found", "未找到 {x}"),
        t("{x:id} is empty", "{x} 为空"),
        t("{x:id} is {v:text}, expected at least {e:n}", "{x} 为 {v}，预期至少 {e}"),
        t("{x:id} is {v:text}, expected {e:text}", "{x} 为 {v}，预期为 {e}"),
        t("{x:id} does not contain '{e:text}'", "{x} 不包含“{e}”"),
        t(
            "certificate of {u:id} does not verify: {r:rest}", "{u} 的证书验证失败：{r}"),
        t("TLS protocol version of {u:id} unknown", "无法确定 {u} 的 TLS 协议版本"),
        t(
            "{v:id} is older than TLS {m:id} (the tool's limit limits.tls_min_version, not a number of the standard)",
            "{v} 低于 TLS {m}（工具限值 limits.tls_min_version，非标准规定的数值）"),
        t("{v:id} is older than TLS {m:id}", "{v} 低于 TLS {m}"),
        t("certificate expiry of {u:id} unknown", "无法确定 {u} 的证书到期时间"),
        t("certificate not valid before {d:id}", "证书在 {d} 之前无效"),
        t("certificate expired on {d:id}", "证书已于 {d} 过期"),
        t(
            "certificate expires on {d:id}, in {n:n} day(s), fewer than {k:n} (the tool's limit "
                + "limits.certificate_margin_days, not a number of the standard)",
            "证书将于 {d} 到期，剩余 {n} 天，少于 {k} 天（工具限值 limits.certificate_margin_days，非标准规定的数值）"),
        t(
            "certificate expires on {d:id}, in {n:n} day(s), fewer than {k:n}",
            "证书将于 {d} 到期，剩余 {n} 天，少于 {k} 天"),
        t(
            "value '{v:id}' was not read (no such value in probe {p:id})", "未读取值“{v}”（探测 {p} 中没有该值）"),
        t("{v:id} is not present ({r:rest})", "{v} 不存在（{r}）"),
        t("{v:id} is in alarm ({raw:text})", "{v} 处于报警状态（原始值 {raw}）"),
        t(
            "{v:id} reports '{raw:text}', which maps to neither ok nor alarm",
            "{v} 报告“{raw}”，既不属于正常值也不属于报警值"),
        t("{v:id} '{raw:text}' is not a Unix time", "{v}“{raw}”不是 Unix 时间"),
        t("{c:id} is {v:text} (alarm)", "{c} 为 {v}（报警）"),
        t("{c:id} is '{v:text}', which maps to neither ok nor alarm", "{c} 为“{v}”，既不属于正常值也不属于报警值"),
        t(
            "{c:id} {v:n} is below {l:n} (the tool's limit limits.{k:id}, not a number of the standard)",
            "{c} {v} 低于 {l}（工具限值 limits.{k}，非标准规定的数值）"),
        t(
            "{c:id} {v:n} is above {l:n} (the tool's limit limits.{k:id}, not a number of the standard)",
            "{c} {v} 高于 {l}（工具限值 limits.{k}，非标准规定的数值）"),
        t("{c:id} {v:n} is below {l:n}", "{c} {v} 低于 {l}"),
        t("{c:id} {v:n} is above {l:n}", "{c} {v} 高于 {l}"),
        t(
            "last reading {a:s} s old, more than {m:s} s (the tool's limit limits.sensor_max_age, not a number of the "
                + "standard)",
            "最近一次读数距今 {a}，超过 {m}（工具限值 limits.sensor_max_age，非标准规定的数值）",
            en: "last reading {a} old, more than {m} (the tool's limit limits.sensor_max_age, not a number of the "
                + "standard)"),
        t(
            "last reading {a:s} s old, more than {m:s} s", "最近一次读数距今 {a}，超过 {m}",
            en: "last reading {a} old, more than {m}"),
        t("expectation {e:rest} does not apply to an {w:id} answer", "预期 {e} 不适用于 {w} 应答"),
        t("expectation {e:rest} does not apply to a {w:id} answer", "预期 {e} 不适用于 {w} 应答"),
        t(
            "no response from {a:id} ({addr:id}) after {n:n} attempts of {s:n} s — wrong community or agent down",
            "{a}（{addr}）无应答（{n} 次尝试，每次 {s} 秒）：团体名错误或代理离线"),
        t(
            "no response from {a:id} ({addr:id}) after {n:n} attempt of {s:n} s — wrong community or agent down",
            "{a}（{addr}）无应答（{n} 次尝试，每次 {s} 秒）：团体名错误或代理离线"),
        t(
            "no response from {a:id} after {n:n} attempts of {s:n} s — wrong community or agent down",
            "{a} 无应答（{n} 次尝试，每次 {s} 秒）：团体名错误或代理离线"),
        t(
            "no response from {a:id} after {n:n} attempt of {s:n} s — wrong community or agent down",
            "{a} 无应答（{n} 次尝试，每次 {s} 秒）：团体名错误或代理离线"),
        t(
            "no response from {a:rest} after {n:n} attempts of {s:n} s — agent down or unreachable, or wrong SNMPv3 "
                + "privacy passphrase/protocol",
            "{a} 无应答（{n} 次尝试，每次 {s} 秒）：代理离线或不可达，或 SNMPv3 加密口令/协议错误"),
        t(
            "no response from {a:rest} after {n:n} attempt of {s:n} s — agent down or unreachable, or wrong SNMPv3 "
                + "privacy passphrase/protocol",
            "{a} 无应答（{n} 次尝试，每次 {s} 秒）：代理离线或不可达，或 SNMPv3 加密口令/协议错误"),
        t("cannot send to {a:id}: {m:rest}", "无法向 {a} 发送请求：{m}"),
        t("SNMPv3 authentication failure at {a:id}: {m:reason}", "{a} 的 SNMPv3 认证失败：{m}"),
        t("wrong authentication passphrase or protocol (usmStatsWrongDigests)", "认证口令或协议错误（usmStatsWrongDigests）"),
        t("unknown user name (usmStatsUnknownUserNames)", "未知用户名（usmStatsUnknownUserNames）"),
        t(
            "security level not allowed for this user (usmStatsUnsupportedSecLevels)",
            "该用户不允许此安全级别（usmStatsUnsupportedSecLevels）"),
        t("wrong privacy passphrase or protocol (usmStatsDecryptionErrors)", "加密口令或协议错误（usmStatsDecryptionErrors）"),
        t("not in time window (usmStatsNotInTimeWindows)", "不在时间窗口内（usmStatsNotInTimeWindows）"),
        t("unknown engine ID (usmStatsUnknownEngineIDs)", "未知引擎 ID（usmStatsUnknownEngineIDs）"),
        t("security error", "安全错误"),
        t("could not resolve host: {m:rest}", "无法解析主机名：{m}"),
        t("could not connect: {m:rest}", "无法连接：{m}"),
        t("timed out: {m:rest}", "超时：{m}"),
        t("TLS failure: {m:rest}", "TLS 失败：{m}"),
        t("answer larger than the limit of {n:n} bytes", "应答超过 {n} 字节的上限"),
        t("HTTP transfer failed (curl error {c:n}): {m:rest}", "HTTP 传输失败（curl 错误 {c}）：{m}"),

        // Measured checks (AuditMeasures).
        t("input unusable: {d:rest}", "输入数据无法使用：{d}"),
        t("the check of probe {p:id} does not judge {x:id} (it judges {l:list})", "探测 {p} 的检查不判定 {x}（它判定 {l}）"),
        t("unknown measured check '{k:id}'", "未知的数据检查“{k}”"),
        t(
            "logs kept {n:n} days ({a:id} − {b:id}), not more than 60", "日志留存 {n} 天（{a} − {b}），未超过 60 天"),
        t("logs kept {n:n} days ({a:id} − {b:id}), more than 60", "日志留存 {n} 天（{a} − {b}），超过 60 天"),
        t("logs kept {n:n} day ({a:id} − {b:id}), not more than 60", "日志留存 {n} 天（{a} − {b}），未超过 60 天"),
        t("records before the gap on {d:id} do not count", "{d} 断档之前的记录不计入"),
        t(
            "no records on {a:id} or {b:id}: the newest record is {c:id}, so no run of logged days reaches the as-of "
                + "date",
            "{a} 与 {b} 均无记录：最新记录为 {c}，连续留存的日志未延续到判定基准日"),
        t(
            "satisfaction ({a:n} + {b:n}) / {c:n} × 100 = {p:n} %, at least 85 %",
            "满意度 =（{a} + {b}）/ {c} × 100 = {p} %，不低于 85 %"),
        t(
            "satisfaction ({a:n} + {b:n}) / {c:n} × 100 = {p:n} %, below 85 %",
            "满意度 =（{a} + {b}）/ {c} × 100 = {p} %，低于 85 %"),
        t(
            "no complaint late: {a:n} answered on time, {b:n} not yet due (on time {s:text})",
            "没有逾期回复的投诉：{a} 件按时回复，{b} 件尚未到期（按时率 {s}）"),
        t(
            "{n:n} complaint late of {j:n} judged (on time {s:text}); {p:n} not yet due",
            "已判定的 {j} 件投诉中 {n} 件逾期回复（按时率 {s}）；{p} 件尚未到期"),
        t(
            "{n:n} complaints late of {j:n} judged (on time {s:text}); {p:n} not yet due",
            "已判定的 {j} 件投诉中 {n} 件逾期回复（按时率 {s}）；{p} 件尚未到期"),
        t("mobile payment at all {n:n} merchants", "全部 {n} 家商户均支持移动支付"),
        t(
            "mobile payment missing at {n:n} of {t:n} merchants: {l:list}", "{t} 家商户中有 {n} 家不支持移动支付：{l}"),
        t(
            "the mall offers {m:text} ({mz:text}): {a:n} of {t:n} merchants accept it (reading mall); not at {n:n} of "
                + "{t2:n} merchants: {l:list}",
            "商场具备{mz}支付能力：{t} 家商户中 {a} 家受理（解读 mall）；{n} 家不受理：{l}"),
        t(
            "the mall offers {m:text} ({mz:text}): {a:n} of {t:n} merchants accept it (reading mall)",
            "商场具备{mz}支付能力：{t} 家商户中 {a} 家受理（解读 mall）"),
        t(
            "no merchant of {t:n} accepts {m:text} ({mz:text}) (reading mall)",
            "{t} 家商户均不受理{mz}（解读 mall）"),
        t(
            "{m:text} ({mz:text}) at all {n:n} merchants (reading eachMerchant)",
            "全部 {n} 家商户均受理{mz}（解读 eachMerchant）"),
        t(
            "{m:text} ({mz:text}) not at every merchant (reading eachMerchant); not at {n:n} of {t:n} merchants: "
                + "{l:list}",
            "并非每家商户都受理{mz}（解读 eachMerchant）；{t} 家中 {n} 家不受理：{l}"),
        t("not at {n:n} of {t:n} merchants: {l:list}", "{t} 家商户中 {n} 家不受理：{l}"),
        t("cash, mobile, bank card and e-CNY at all {n:n} merchants", "全部 {n} 家商户均受理现金、移动支付、银行卡和数字人民币"),
        t("not accepted everywhere: {l:rest}", "并非所有商户都受理：{l}"),
        t("all {n:n} SKUs agree online and offline (category, stock, price)", "全部 {n} 个 SKU 线上线下一致（品类、库存、价格）"),
        t("all {n:n} SKUs agree online and offline (categories)", "全部 {n} 个 SKU 线上线下品类一致"),
        t("all {n:n} SKUs agree online and offline (stock)", "全部 {n} 个 SKU 线上线下库存一致"),
        t("all {n:n} SKUs agree online and offline (prices)", "全部 {n} 个 SKU 线上线下价格一致"),
        t("{n:n} of {t:n} SKUs differ ({s:n} %): {l:list}", "{t} 个 SKU 中 {n} 个不一致（{s} %）：{l}"),
        t("category differs for {n:n} of {t:n} SKUs ({s:n} %)", "{t} 个 SKU 中 {n} 个品类不一致（{s} %）"),
        t("stock differs for {n:n} of {t:n} SKUs ({s:n} %)", "{t} 个 SKU 中 {n} 个库存不一致（{s} %）"),
        t("price differs for {n:n} of {t:n} SKUs ({s:n} %)", "{t} 个 SKU 中 {n} 个价格不一致（{s} %）"),
        t(
            "the as-of date {d:rest} is outside the years a measured check can judge (1–9999)",
            "判定基准日 {d} 超出数据检查可判定的年份（1–9999）"),
    ]

    /// Observation values the tool words (a probe's or a check's), and sensor states and instants.
    static let values: [ReportTemplate] = [
        t("{s:state} ({raw:rest})", "{s}（{raw}）", en: "{s} ({raw})"),
        t("{i:utc} (Unix {n:n})", "{i}", en: "{i}"),
        t("{i:utc}", "{i}", en: "{i}"),
        // A finding of a measured check ends with its location (`… (exports/survey.csv:156)`): peeled first.
        t("{d:reason} ({f:id}:{l:n})", "{d}（{f}:{l}）"),
        t("error: {r:message}", "错误：{r}"),
        t("none", "无"),
        t("none judged", "无已判定的投诉"),
        t("{p:n} % ({a:n} of {t:n})", "{p} %（{a} / {t}）"),
        t("{p:n} % ({a:n} of {t:n}), informational", "{p} %（{a} / {t}），仅供参考"),
        t("not in the export, informational", "导出数据中没有该列，仅供参考"),
        t("UTF-8 with BOM", "UTF-8（带 BOM）"),
        t("{z:id} (the mall's; no device time zone set)", "{z}（商场时区；未设置设备时区）"),
        t("{z:id} (set for this device)", "{z}（为该设备设置）"),
        t(
            "as-of: the year that puts the month in {w:rest}, by the as-of date",
            "as-of：按判定基准日，取使月份落在 {w} 之内的年份"),
        t("file-mtime: by each file's modification date on the device's clock", "file-mtime：按设备时钟上各文件的修改日期"),
        t("{y:n}: every year-less stamp in {y2:n}", "{y}：所有无年份的时间戳均取 {y2} 年"),
        t("replyTime ≤ 5 workingDay", "回复时长 ≤ 5 个工作日"),
        t("no record: breaks the run of logged days", "无记录：连续留存的日志在此中断"),
        // Findings of the measured checks, `subject: detail (file:line)`: the location last, the rest translated.
        t("respondent at line {n:n}: no answer; counted in the denominator", "第 {n} 行受访者：未作答，计入分母"),
        t(
            "respondent at line {n:n}: excluded by the evaluator: {r:text}; left out of the denominator",
            "第 {n} 行受访者：评估人已剔除（{r}），不计入分母"),
        t(
            "respondent at line {n:n}: answer '{a:text}' is none of 满意/基本满意/不满意; {r:rest}",
            "第 {n} 行受访者：答案“{a}”不属于 满意/基本满意/不满意；{r}"),
        t(
            "{id:id}: received {r:text}, replied {p:text}; deadline {d:id} (end of the 5th working day after {s:id}: "
                + "{w:list}); replied on working day {n:n} after receipt",
            "{id}：{r} 收到，{p} 回复；期限 {d}（{s} 之后第 5 个工作日结束：{w}）；收到后第 {n} 个工作日才回复"),
        t(
            "{id:id}: received {r:text}, replied {p:text}; deadline {d:id} (end of the 5th working day after {s:id}: "
                + "{w:list}); replied {n:n} calendar days after the deadline",
            "{id}：{r} 收到，{p} 回复；期限 {d}（{s} 之后第 5 个工作日结束：{w}）；期限后 {n} 个自然日才回复"),
        t(
            "{id:id}: received {r:text}, replied {p:text}; deadline {d:id} (end of the 5th working day after {s:id}: "
                + "{w:list})",
            "{id}：{r} 收到，{p} 回复；期限 {d}（{s} 之后第 5 个工作日结束：{w}）"),
        t(
            "{id:id}: received {r:text}, not yet answered; deadline {d:id} (end of the 5th working day after {s:id}: "
                + "{w:list}) not yet passed at {a:id}",
            "{id}：{r} 收到，尚未回复；期限 {d}（{s} 之后第 5 个工作日结束：{w}）在 {a} 尚未届满"),
        t(
            "{id:id}: received {r:text}, not answered by the as-of date {a:id}; deadline {d:id} (end of the 5th working "
                + "day after {s:id}: {w:list}) has passed",
            "{id}：{r} 收到，至判定基准日 {a} 未回复；期限 {d}（{s} 之后第 5 个工作日结束：{w}）已过"),
        t("{m:text}: does not accept {x:text} ({xz:text}) (blank cell)", "{m}：不受理{xz}（单元格为空）"),
        t("{m:text}: does not accept {x:text} ({xz:text})", "{m}：不受理{xz}"),
        t("{k:id}: online only: not in the offline export", "{k}：仅线上有，线下导出中没有"),
        t("{k:id}: offline only: not in the online export", "{k}：仅线下有，线上导出中没有"),
        t("{d:id}: no record: breaks the run of logged days", "{d}：无记录，连续留存的日志在此中断"),
        t("line {n:n}: no date recognised: {t:rest}", "第 {n} 行：无法识别日期：{t}"),
        t("line {n:n}: {r:rest}", "第 {n} 行：{r}"),
    ]

    /// Labels of the observation names the tool writes.
    static let observationNames: [String: LocalizedText] = {
        func l(_ zh: String, _ en: String) -> LocalizedText { LocalizedText(zh: zh, en: en) }
        return [
            // Probes.
            "HTTP status": l("HTTP 状态码", "HTTP status"),
            "Location": l("跳转地址", "Location"),
            "TLS protocol": l("TLS 协议", "TLS protocol"),
            "certificate expires": l("证书到期日", "certificate expires"),
            "subject": l("证书主体", "certificate subject"),
            // Measured checks: what was read.
            "asOf": l("判定基准日", "judgement date"),
            "input": l("输入文件", "input"),
            "inputSHA256": l("输入文件 SHA-256", "input SHA-256"),
            "calendar": l("工作日历", "working-day calendar"),
            "encoding": l("文件编码", "encoding"),
            "column": l("答案列", "answer column"),
            "findingsNotListed": l("未列出的其他发现", "findings not listed"),
            // WiFi logs.
            "oldestRecordOfRun": l("连续留存日志的最早记录", "oldest record of the unbroken run"),
            "oldestRecord": l("最早记录", "oldest record"),
            "newestRecord": l("最新记录", "newest record"),
            "daysWithRecords": l("有记录的天数", "days with records"),
            "gapDays": l("断档日期", "gap days"),
            "gapDay": l("断档", "gap"),
            "files": l("日志文件数", "log files"),
            "lines": l("日志行数", "lines"),
            "datedLines": l("可识别日期的行数", "dated lines"),
            "undatableLines": l("无法识别日期的行数", "undatable lines"),
            "undatableLine": l("无法识别日期的行", "undatable line"),
            "linesAfterAsOf": l("晚于判定基准日的行数", "lines after the judgement date"),
            "daysAfterAsOf": l("晚于判定基准日的日期", "days after the judgement date"),
            "futureRecord": l("晚于判定基准日的记录", "record after the judgement date"),
            "mallTimeZone": l("商场时区", "mall time zone"),
            "deviceTimeZone": l("设备时区", "device time zone"),
            "yearRule": l("无年份时间戳的年份规则", "year rule for year-less stamps"),
            "linesWithOffset": l("带时区偏移的行数", "lines with an offset"),
            "linesWithoutOffset": l("不带时区偏移的行数", "lines without an offset"),
            "yearlessLines": l("无年份的行数", "year-less lines"),
            "jsonLines": l("JSON 行数", "JSON lines"),
            "malformedJSONLines": l("格式错误的 JSON 行数", "malformed JSON lines"),
            // Satisfaction survey.
            "respondents": l("受访者", "respondents"),
            "answerRows": l("答案行数", "answer rows"),
            "blankAnswerLines": l("未作答的行", "blank answer lines"),
            "blankAnswer": l("未作答", "blank answer"),
            "unrecognisedAnswer": l("无法识别的答案", "unrecognised answer"),
            "excludedAnswers": l("评估人剔除的答案", "answers excluded by the evaluator"),
            "excludedAnswer": l("剔除的答案", "excluded answer"),
            "emptyLinesNotCounted": l("未计入的空行", "empty lines not counted"),
            // Complaints.
            "complaints": l("投诉总数", "complaints"),
            "onTime": l("按时回复", "answered on time"),
            "late": l("逾期回复", "late"),
            "notYetDue": l("尚未到期", "not yet due"),
            "onTimeShare": l("按时率", "on-time share"),
            "statementThreshold": l("条款阈值", "threshold of the statement"),
            "lateComplaint": l("逾期投诉", "late complaint"),
            "pendingComplaint": l("未到期投诉", "complaint not yet due"),
            // Payments and catalog.
            "coverage": l("受理率", "coverage"),
            "missingMethod": l("缺少的支付方式", "missing payment method"),
            "skus": l("SKU 数", "SKUs"),
            "mismatched": l("不一致的 SKU", "mismatched SKUs"),
            "mismatch": l("不一致", "mismatch"),
            "onlyOnline": l("仅线上有", "online only"),
            "onlyOffline": l("仅线下有", "offline only"),
            "categoryDiffers": l("品类不一致", "category differs"),
            "stockDiffers": l("库存不一致", "stock differs"),
            "priceDiffers": l("价格不一致", "price differs"),
            // Facts of the site profile.
            "mall": l("场所配置", "site profile"),
            "readings": l("解读", "reading"),
        ]
    }()

    /// Labels of the members of a labelled family (`respondents.satisfied`, `coverage.ecny`, `mall.basement_levels`).
    static let observationMembers: [String: LocalizedText] = {
        func l(_ zh: String, _ en: String) -> LocalizedText { LocalizedText(zh: zh, en: en) }
        return [
            "satisfied": l("满意", "satisfied"),
            "basicallySatisfied": l("基本满意", "basically satisfied"),
            "dissatisfied": l("不满意", "dissatisfied"),
            "blank": l("未作答", "blank"),
            "excluded": l("剔除", "excluded"),
            "unrecognised": l("无法识别", "unrecognised"),
            "cash": l("现金", "cash"),
            "mobile": l("移动支付", "mobile payment"),
            "bank_card": l("银行卡", "bank card"),
            "ecny": l("数字人民币", "e-CNY"),
            "face": l("刷脸支付", "face payment"),
            "machine_room_floor": l("机房楼层 machine_room_floor", "machine_room_floor"),
            "basement_levels": l("地下层数 basement_levels", "basement_levels"),
            "basement_exception_levels": l("basement_exception_levels", "basement_exception_levels"),
        ]
    }()
}
