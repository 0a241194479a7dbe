/// Text from outside (exports, logs, HTTP answers, SNMP strings, file names) made safe for a terminal.
///
/// A mall's systems decide what their values say: `\u{1B}]0;…\u{07}\u{1B}[2J` in a log line would retitle and clear
/// the inspector's terminal if printed raw, a carriage return would overwrite the line before it, and a bidi
/// override would reorder what the inspector reads. Every control character except line feed and tab — C0, DEL, C1
/// and the bidirectional controls — is printed as a visible escape (`\x1B`, `\x00`, `\u{202E}`) instead.
public enum ConsoleText {
    /// `text` with every control character except `\n` and `\t` shown as an escape.
    public static func neutralised(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isControl(scalar) else {
                out.append(scalar)
                continue
            }
            let escape = scalar.value <= 0xFF ? "\\x" + hex(scalar.value, width: 2) : "\\u{" + hex(scalar.value, width: 4) + "}"
            out.append(contentsOf: escape.unicodeScalars)
        }
        return String(out)
    }

    /// C0 controls but line feed and tab, DEL, C1 controls, and the bidirectional formatting characters.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
