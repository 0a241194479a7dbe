import AuditModel
import Foundation

/// Personal information in what a mall hands over, recognised and masked in one place (docs/privacy.md).
///
/// The audit's purpose is a verdict — how many days of logs, how many answers, how many late replies — so the
/// checks keep counts, dates, line numbers and digests. Where a line or a cell must be shown to explain a verdict,
/// identifiers in it are masked before it is stored, printed or reported:
///
/// | kind | recognised | masked as |
/// |---|---|---|
/// | mainland mobile number | 11 digits `1[3-9]…` (optionally `+86`/`86` before), not inside a longer word | `138****2011` |
/// | MAC address | six hex pairs separated by `:` or `-` | `b1:cd:bc:**:**:**` |
/// | resident ID-card number | 17 digits and a digit or `X`, or 15 digits, not inside a longer word | `3203**********123X` |
/// | e-mail address | `local@domain.tld` | `a***@example.com` |
/// | profile patterns | `privacy.patterns` (ICU regular expressions) | `***` |
/// | personal columns | cells of columns named in `privacy.personal_columns` or the built-in names | `张*` |
///
/// Masking is idempotent: a masked form matches no rule again.
public struct PersonalData: Sendable {
    /// Column names treated as personal in every export (case-insensitive, spaces and `_` ignored).
    public static let builtInPersonalColumns = [
        "姓名", "name", "投诉人", "联系人", "联系电话", "电话", "手机", "手机号", "phone", "telephone", "身份证",
        "身份证号", "idcard", "email", "邮箱", "电子邮件", "住址", "顾客", "会员姓名", "respondent", "complainant",
        "contact",
    ]

    public var rules: PrivacyRules
    private let compiled: [(name: String, regex: NSRegularExpression)]

    /// A masker with the built-in rules and `rules` (a pattern that does not compile is left out; the site profile's
    /// loader refuses such a pattern at its line before it gets here).
    public init(rules: PrivacyRules = PrivacyRules()) {
        self.rules = rules
        compiled = rules.patterns.compactMap { pattern in
            (try? NSRegularExpression(pattern: pattern.regex)).map { (pattern.name, $0) }
        }
    }

    /// The built-in rules only.
    public static let standard = PersonalData()

    /// Whether a pattern compiles (for the profile loader).
    public static func patternProblem(_ regex: String) -> String? {
        do {
            _ = try NSRegularExpression(pattern: regex)
            return nil
        } catch {
            return "'\(regex)' is not a valid regular expression"
        }
    }

    // MARK: columns

    /// Whether cells of a column with this header are personal.
    public func isPersonalColumn(_ header: String) -> Bool {
        let key = Self.columnKey(header)
        return (Self.builtInPersonalColumns + rules.personalColumns).contains { Self.columnKey($0) == key }
    }

    static func columnKey(_ name: String) -> String {
        name.lowercased().filter { !$0.isWhitespace && $0 != "_" && $0 != "-" }
    }

    /// A personal cell as it may be shown: its first character and a `*` for each other one (`张三` → `张*`).
    public static func maskCell(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.first else { return value }
        return String(first) + String(repeating: "*", count: max(trimmed.count - 1, 1))
    }

    // MARK: text

    /// `text` with every identifier masked.
    public func mask(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var masked = Self.maskBuiltIn(text)
        for (_, regex) in compiled {
            let range = NSRange(masked.startIndex..., in: masked)
            masked = regex.stringByReplacingMatches(in: masked, range: range, withTemplate: "***")
        }
        return masked
    }

    /// One identifier found in a text (for warnings about evidence files): what kind, on which line.
    public struct Match: Sendable, Hashable {
        public var kind: String
        public var line: Int

        public init(kind: String, line: Int) {
            self.kind = kind
            self.line = line
        }
    }

    /// The identifiers in `text`, by kind and line (nothing of the identifier itself).
    public func matches(in text: String) -> [Match] {
        var found: [Match] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineText = String(line)
            for kind in Self.kinds(in: lineText) { found.append(Match(kind: kind, line: index + 1)) }
            for (name, regex) in compiled
            where regex.firstMatch(in: lineText, range: NSRange(lineText.startIndex..., in: lineText)) != nil {
                found.append(Match(kind: name, line: index + 1))
            }
        }
        return found
    }

    /// The kinds of built-in identifiers in `text`.
    static func kinds(in text: String) -> [String] {
        var kinds: [String] = []
        _ = scan(text) { kind, _ in
            if !kinds.contains(kind) { kinds.append(kind) }
            return nil
        }
        return kinds
    }

    static func maskBuiltIn(_ text: String) -> String {
        scan(text) { _, masked in masked }
    }

    /// Walks `text` once, finding identifiers; `replace` gets each one's kind and masked form and returns what to
    /// put in its place (nil keeps the original). Returns the rewritten text.
    private static func scan(_ text: String, _ replace: (String, String) -> String?) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        func isWordASCII(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
        }
        func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
        func isHex(_ scalar: Unicode.Scalar) -> Bool {
            isDigit(scalar) || ("a"..."f").contains(scalar) || ("A"..."F").contains(scalar)
        }
        func emit(_ kind: String, original: ArraySlice<Unicode.Scalar>, masked: String) {
            if let replacement = replace(kind, masked) {
                out.append(contentsOf: replacement.unicodeScalars)
            } else {
                out.append(contentsOf: original)
            }
        }
        while index < scalars.count {
            let scalar = scalars[index]
            let before: Unicode.Scalar? = index > 0 ? scalars[index - 1] : nil
            let boundaryBefore = before.map { !isWordASCII($0) } ?? true

            // MAC address: hh:hh:hh:hh:hh:hh (or with -).
            if boundaryBefore, index + 17 <= scalars.count, isHex(scalar) {
                let candidate = scalars[index..<index + 17]
                let separator = scalars[index + 2]
                var isMAC = separator == ":" || separator == "-"
                if isMAC {
                    for (offset, character) in candidate.enumerated() {
                        if offset % 3 == 2 {
                            if character != separator { isMAC = false; break }
                        } else if !isHex(character) {
                            isMAC = false
                            break
                        }
                    }
                }
                let after: Unicode.Scalar? = index + 17 < scalars.count ? scalars[index + 17] : nil
                if isMAC, after.map({ !isHex($0) && $0 != separator }) ?? true {
                    let head = String(String.UnicodeScalarView(candidate.prefix(8)))
                    let s = String(separator)
                    emit("macAddress", original: candidate, masked: head + s + "**" + s + "**" + s + "**")
                    index += 17
                    continue
                }
            }

            // A run of digits (with an ID card's final X): a mobile number or an ID-card number.
            if boundaryBefore, isDigit(scalar) {
                var end = index
                while end < scalars.count, isDigit(scalars[end]) { end += 1 }
                var length = end - index
                var withX = false
                if length == 17, end < scalars.count, scalars[end] == "X" || scalars[end] == "x" {
                    withX = true
                    end += 1
                    length += 1
                }
                let after: Unicode.Scalar? = end < scalars.count ? scalars[end] : nil
                let boundaryAfter = after.map { !isWordASCII($0) } ?? true
                let run = scalars[index..<end]
                let digits = String(String.UnicodeScalarView(run))
                if boundaryAfter {
                    if let mobile = mobileNumber(digits) {
                        let prefix = String(digits.dropLast(mobile.count))
                        emit(
                            "mobileNumber", original: run,
                            masked: prefix + String(mobile.prefix(3)) + "****" + String(mobile.suffix(4)))
                        index = end
                        continue
                    }
                    if length == 18 || (length == 15 && !withX), isPlausibleIDCard(digits) {
                        emit(
                            "idCardNumber", original: run,
                            masked: String(digits.prefix(4)) + String(repeating: "*", count: length - 8)
                                + String(digits.suffix(4)))
                        index = end
                        continue
                    }
                }
                out.append(contentsOf: run)
                index = end
                continue
            }

            // E-mail: scan back is not needed; an address starts at a word boundary with a local-part character.
            if boundaryBefore || before == "." || before == "-" || before == "+" {
                if let (length, masked) = email(scalars, from: index) {
                    emit("emailAddress", original: scalars[index..<index + length], masked: masked)
                    index += length
                    continue
                }
            }
            out.append(scalar)
            index += 1
        }
        return String(out)
    }

    /// The mobile number in a run of digits: 11 digits `1[3-9]…`, or 13 with a leading 86.
    private static func mobileNumber(_ digits: String) -> String? {
        var number = Substring(digits)
        if number.count == 13, number.hasPrefix("86") { number = number.dropFirst(2) }
        guard number.count == 11, number.first == "1", let second = number.dropFirst().first,
            ("3"..."9").contains(second)
        else { return nil }
        return String(number)
    }

    /// An 18-digit number whose birth date (digits 7–14) is a plausible date, or a 15-digit one (yymmdd at 7–12).
    private static func isPlausibleIDCard(_ digits: String) -> Bool {
        let characters = Array(digits)
        func number(_ range: Range<Int>) -> Int? { Int(String(characters[range])) }
        if characters.count == 18 {
            guard let year = number(6..<10), let month = number(10..<12), let day = number(12..<14) else {
                return false
            }
            return (1900...2100).contains(year) && (1...12).contains(month) && (1...31).contains(day)
        }
        if characters.count == 15 {
            guard let month = number(8..<10), let day = number(10..<12) else { return false }
            return (1...12).contains(month) && (1...31).contains(day)
        }
        return false
    }

    /// An e-mail address starting at `start`: its length and masked form.
    private static func email(_ scalars: [Unicode.Scalar], from start: Int) -> (Int, String)? {
        func isLocal(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || "._%+-".unicodeScalars.contains(scalar))
        }
        func isDomain(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-"
                || scalar == ".")
        }
        var at = start
        while at < scalars.count, isLocal(scalars[at]) { at += 1 }
        guard at > start, at < scalars.count, scalars[at] == "@" else { return nil }
        var end = at + 1
        while end < scalars.count, isDomain(scalars[end]) { end += 1 }
        while end > at + 1, scalars[end - 1] == "." || scalars[end - 1] == "-" { end -= 1 }
        let domain = String(String.UnicodeScalarView(scalars[(at + 1)..<end]))
        let labels = domain.split(separator: ".")
        guard labels.count >= 2, let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter) else { return nil }
        let first = String(scalars[start])
        return (end - start, first + "***@" + domain)
    }
}

extension StatementResult {
    /// The result with every text that came from a mall's systems or an inspector masked: reason, observations,
    /// checkpoint and area reasons, evidence descriptions, an N/A justification. Ids, verdicts, numbers and digests
    /// are kept.
    public func masked(by masker: PersonalData) -> StatementResult {
        var copy = self
        copy.reason = masker.mask(reason)
        copy.observations = observations.map {
            Observation(name: masker.mask($0.name), value: masker.mask($0.value), items: $0.items?.map(masker.mask))
        }
        copy.evidence = evidence.map { $0.masked(by: masker) }
        copy.checkpoints = checkpoints.map { checkpoint in
            var masked = checkpoint
            masked.reason = masker.mask(checkpoint.reason)
            masked.evidence = checkpoint.evidence.map { $0.masked(by: masker) }
            masked.areas = checkpoint.areas.map { AreaResult(area: $0.area, verdict: $0.verdict, reason: masker.mask($0.reason)) }
            return masked
        }
        copy.areas = areas.map { AreaResult(area: $0.area, verdict: $0.verdict, reason: masker.mask($0.reason)) }
        if var decision = notApplicable {
            decision.justification = masker.mask(decision.justification)
            copy.notApplicable = decision
        }
        return copy
    }
}

extension EvidenceRef {
    /// The reference with its description masked (the file itself is the inspector's and is never rewritten).
    public func masked(by masker: PersonalData) -> EvidenceRef {
        var copy = self
        copy.description = description.map(masker.mask)
        return copy
    }
}

extension PersonalData {
    /// Warnings for an evidence file that holds personal identifiers (text files up to 20 MB that are UTF-8): one
    /// per line and kind, naming the file and line, never the value. Evidence is the inspector's choice and is kept
    /// as given (a photo cannot be masked); the warning says how to keep it out of what travels.
    public func evidenceWarnings(_ url: URL, shownAs name: String? = nil) -> [Diagnostic] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            (attributes[.type] as? FileAttributeType) == .typeRegular,
            let size = attributes[.size] as? NSNumber, size.intValue <= 20_000_000,
            let data = FileManager.default.contents(atPath: url.path),
            let text = String(data: data, encoding: .utf8)
        else { return [] }
        var seen: Set<Match> = []
        return matches(in: text).filter { seen.insert($0).inserted }.map {
            Diagnostic(
                .warning, file: name ?? url.path, line: $0.line,
                message: "evidence holds what looks like a \($0.kind): the file is kept as given; reports and the "
                    + "store never quote it",
                expected: "evidence without personal data, or leave it out of a bundle (mallaudit bundle --leave-out)")
        }
    }
}
