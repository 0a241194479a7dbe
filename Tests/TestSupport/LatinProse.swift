import Foundation

/// Finds English prose left in a report that should be Chinese throughout: runs of four or more Latin-script words.
///
/// A word is a token of Latin letters (an apostrophe or hyphen inside it allowed: `tool's`, `e-CNY`); a token with a
/// digit, an underscore, a slash or a dot inside (`gateway_3f`, `1F`, `udp:127.0.0.1`, `$.features.points`) is an id
/// and ends a run, as does any character that is not a space or ASCII punctuation between words (a Chinese character
/// or punctuation mark, a line break). Ids, units and names are therefore never prose, and a run that is inside one of
/// the `allowed` strings (names and data the mall's own systems return, quoted as they are) is not reported.
public enum LatinProse {
    /// The runs of four or more words in `text` that no `allowed` string contains, in order of appearance.
    public static func runs(in text: String, allowing allowed: [String] = [], minimumWords: Int = 4) -> [String] {
        var runs: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            var words: [String] = []
            var run = ""
            func close() {
                if words.count >= minimumWords {
                    let trimmed = run.trimmingCharacters(in: .whitespaces.union(.punctuationCharacters))
                    if !allowed.contains(where: { $0.contains(trimmed) }) { runs.append(trimmed) }
                }
                words = []
                run = ""
            }
            // Tokens split at spaces; ASCII punctuation around a token is kept with the run.
            for token in line.split(separator: " ", omittingEmptySubsequences: false) {
                let core = token.trimmingCharacters(in: CharacterSet(charactersIn: ",;:.!?()\"'[]“”‘’"))
                if isWord(core) {
                    words.append(core)
                    run += (run.isEmpty ? "" : " ") + token
                } else if core.isEmpty && token.allSatisfy({ $0.isASCII && !$0.isLetter && !$0.isNumber }) {
                    // Punctuation on its own (`—`, `-`) between words keeps the run going.
                    if !run.isEmpty { run += " " + token }
                } else {
                    close()
                }
            }
            close()
        }
        return runs
    }

    static func isWord(_ token: String) -> Bool {
        guard let first = token.unicodeScalars.first, isLatinLetter(first) else { return false }
        return token.unicodeScalars.allSatisfy { isLatinLetter($0) || $0 == "'" || $0 == "’" || $0 == "-" }
    }

    static func isLatinLetter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 0x41 && scalar.value <= 0x5A) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
    }
}
