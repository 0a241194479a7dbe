import Foundation

/// Independent checks of written reports: the JSON report against its schema (Python `jsonschema`), the OSCAL export
/// with `trestle validate` (compliance-trestle), a PDF with poppler's `pdfinfo` and `pdftotext`. The Python tools come
/// from the virtual environment scripts/test.sh makes (`$MALLAUDIT_TEST_PYTHON`, pinned in
/// scripts/test-requirements.txt); a test that needs them fails — never skips — without it.
public enum ReportVerifiers {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    /// The test environment's Python.
    public static func python() throws -> URL {
        guard let path = ProcessInfo.processInfo.environment["MALLAUDIT_TEST_PYTHON"], !path.isEmpty else {
            throw Missing(
                description: "MALLAUDIT_TEST_PYTHON is not set: the report verifiers (jsonschema, compliance-trestle) "
                    + "come from the virtual environment scripts/test.sh makes — run the tests with bash scripts/test.sh")
        }
        return URL(fileURLWithPath: path)
    }

    /// Problems `jsonschema` (Draft 2020-12) finds in `document` against `schema`; empty when it is valid.
    public static func jsonSchemaProblems(document: URL, schema: URL) throws -> [String] {
        let script = """
            import json, sys
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1], encoding="utf-8"))
            Draft202012Validator.check_schema(schema)
            document = json.load(open(sys.argv[2], encoding="utf-8"))
            for error in sorted(Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path)):
                print("/".join(str(p) for p in error.path) + ": " + error.message)
            """
        let outcome = try runProcess(try python(), ["-c", script, schema.path, document.path])
        guard outcome.status == 0 else {
            throw Missing(description: "jsonschema could not run: \(outcome.stderr)")
        }
        return outcome.stdout.split(separator: "\n").map(String.init)
    }

    /// What `trestle validate` says of an OSCAL assessment-results file, checked in a fresh trestle workspace (the
    /// only place trestle validates): `valid` when its output says `VALID:`.
    public static func trestleValidate(_ file: URL) throws -> (valid: Bool, output: String) {
        let trestle = try python().deletingLastPathComponent().appendingPathComponent("trestle")
        let workspace = try temporaryDirectory("mallaudit-trestle")
        defer { try? FileManager.default.removeItem(at: workspace) }
        let initialised = try runProcess(trestle, ["init"], currentDirectory: workspace)
        guard initialised.status == 0 else {
            throw Missing(description: "trestle init failed: \(initialised.stdout)\(initialised.stderr)")
        }
        let folder = workspace.appendingPathComponent("assessment-results/run")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("assessment-results.json")
        try FileManager.default.copyItem(at: file, to: target)
        let outcome = try runProcess(
            trestle, ["validate", "-f", "assessment-results/run/assessment-results.json"],
            currentDirectory: workspace)
        let output = outcome.stdout + outcome.stderr
        return (outcome.status == 0 && output.contains("VALID:") && !output.contains("INVALID"), output)
    }

    /// `pdfinfo`'s fields (`Pages`, `Page size`, …).
    public static func pdfInfo(_ pdf: URL) throws -> [String: String] {
        let outcome = try runProcess(URL(fileURLWithPath: "/usr/bin/pdfinfo"), [pdf.path])
        guard outcome.status == 0 else { throw Missing(description: "pdfinfo failed: \(outcome.stderr)") }
        var fields: [String: String] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// The text of each page of a PDF (`pdftotext`), in order.
    public static func pdfPages(_ pdf: URL) throws -> [String] {
        let outcome = try runProcess(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-layout", pdf.path, "-"])
        guard outcome.status == 0 else { throw Missing(description: "pdftotext failed: \(outcome.stderr)") }
        var pages = outcome.stdout.components(separatedBy: "\u{0C}")
        if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return pages
    }

    /// Fonts of a PDF as `pdffonts` lists them: name and whether each is embedded.
    public static func pdfFonts(_ pdf: URL) throws -> [(name: String, embedded: Bool)] {
        let outcome = try runProcess(URL(fileURLWithPath: "/usr/bin/pdffonts"), [pdf.path])
        guard outcome.status == 0 else { throw Missing(description: "pdffonts failed: \(outcome.stderr)") }
        return outcome.stdout.split(separator: "\n").dropFirst(2).map { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // name … emb sub uni object ID: "emb" is the fifth field from the end.
            let embedded = fields.count >= 5 ? fields[fields.count - 5] == "yes" : false
            return (String(fields.first ?? ""), embedded)
        }
    }

    /// The visible text of an HTML document: tags become spaces (so a run of words across inline elements stays one
    /// run; the `<style>` and `<title>` elements go with their content), entities decoded.
    public static func htmlText(_ html: String) -> String {
        var text = html
        for element in ["style", "title"] {
            while let open = text.range(of: "<\(element)"), let close = text.range(of: "</\(element)>", range: open.upperBound..<text.endIndex) {
                text.removeSubrange(open.lowerBound..<close.upperBound)
            }
        }
        var out = ""
        var inTag = false
        for character in text {
            if character == "<" {
                inTag = true
                out += " "
            } else if character == ">" {
                inTag = false
            } else if !inTag {
                out.append(character)
            }
        }
        return out.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
