/// The one bound of every network timeout mallaudit accepts (HTTP systems of the site profile, `mallaudit http
/// fetch|tls --timeout`, HTTP requests, SNMP agents): more than 0 and at most an hour. Without an upper bound a
/// timeout of `1e308` seconds waits forever on a server that accepts and says nothing.
public enum NetworkTimeout {
    /// The longest timeout, in seconds: one hour.
    public static let maximum: Double = 3_600

    /// What a timeout must be, for diagnostics.
    public static let expected = "seconds, more than 0 and at most 3600, e.g. 2.5"

    /// Why `seconds` cannot be a timeout (not a finite number, 0 or less, more than an hour), or nil.
    public static func problem(_ seconds: Double) -> String? {
        guard seconds.isFinite, seconds > 0 else { return "timeout \(seconds) s is not a positive number of seconds" }
        guard seconds <= maximum else { return "timeout \(seconds) s is longer than an hour (3600 s)" }
        return nil
    }
}
