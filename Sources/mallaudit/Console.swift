import ArgumentParser
import AuditModel
import AuditReports
import Foundation

/// The options of the commands that print for a person: `--quiet` and the console language.
struct ConsoleOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print only errors and warnings; the exit status gives the outcome.")
    var quiet = false

    @Option(
        name: .customLong("lang"),
        help: ArgumentHelp(
            "The language of the console text: zh or en. Default: the locale's (zh for zh_CN).", valueName: "zh|en"))
    var language: Language?

    /// The style of standard output: the language asked for (else the locale's), coloured on a terminal.
    var style: ConsoleStyle {
        ConsoleStyle(colour: Console.colour(STDOUT_FILENO), language: language ?? Console.localeLanguage())
    }

    /// The console language.
    var lang: Language { language ?? Console.localeLanguage() }
}

/// Facts about where the console output goes.
enum Console {
    /// Colour only on a terminal, never with `NO_COLOR` set (https://no-color.org) or on a dumb terminal.
    static func colour(_ descriptor: Int32, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Bool
    {
        guard isatty(descriptor) == 1 else { return false }
        if let noColour = environment["NO_COLOR"], !noColour.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }

    /// The locale's language, as POSIX orders it: `LC_ALL`, else `LC_MESSAGES`, else `LANG`; Chinese for any
    /// `zh…` locale (`zh_CN.UTF-8`), English otherwise.
    static func localeLanguage(environment: [String: String] = ProcessInfo.processInfo.environment) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[key], !value.isEmpty else { continue }
            return value.hasPrefix("zh") ? .zh : .en
        }
        return .en
    }

    /// `en` or `zh` text, by `language`.
    static func text(_ language: Language, en: String, zh: String) -> String {
        language == .zh ? zh : en
    }
}
