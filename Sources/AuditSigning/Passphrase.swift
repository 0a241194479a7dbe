import Foundation

/// Where a key's passphrase comes from: an environment variable (`--passphrase-env VAR`), else the terminal
/// (`/dev/tty`, echo off). Never an argument, a file or a log line.
public enum Passphrase {
    /// The passphrase from `variable` in `environment`, or read from the terminal after printing `prompt` (asked
    /// twice when `confirm`). Throws when the variable is named but unset or empty, when there is no terminal, or
    /// when the two entries differ.
    public static func obtain(
        variable: String?, environment: [String: String] = ProcessInfo.processInfo.environment, prompt: String,
        confirm: Bool = false
    ) throws -> [UInt8] {
        if let variable {
            guard let value = environment[variable], !value.isEmpty else {
                throw SigningError(.passphraseRequired, "the environment variable \(variable) is not set or empty")
            }
            return Array(value.utf8)
        }
        let first = try readFromTerminal(prompt)
        guard !first.isEmpty else { throw SigningError(.passphraseRequired, "an empty passphrase cannot protect a key") }
        if confirm {
            let second = try readFromTerminal("again: ")
            guard second == first else { throw SigningError(.passphraseRequired, "the two passphrases differ") }
        }
        return first
    }

    /// One line from `/dev/tty` with echo switched off (and restored, whatever happens).
    static func readFromTerminal(_ prompt: String) throws -> [UInt8] {
        let descriptor = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw SigningError(
                .passphraseRequired,
                "no terminal to ask for the passphrase: name an environment variable with --passphrase-env")
        }
        defer { close(descriptor) }
        _ = prompt.withCString { Foundation.write(descriptor, $0, strlen($0)) }
        var saved = termios()
        let isTerminal = tcgetattr(descriptor, &saved) == 0
        if isTerminal {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            quiet.c_lflag |= tcflag_t(ECHONL)
            _ = tcsetattr(descriptor, TCSAFLUSH, &quiet)
        }
        defer { if isTerminal { _ = tcsetattr(descriptor, TCSAFLUSH, &saved) } }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(descriptor, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
            line.append(byte)
            if line.count > 1024 { throw SigningError(.passphraseRequired, "the passphrase is longer than 1024 bytes") }
        }
        return line
    }
}
