import Foundation

/// Why a file could not be read, in the system's words ("No such file or directory", "Is a directory").
public struct XMLFileError: Error, Sendable, Hashable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// Reading the XML files mallaudit is given (checklists, schemas) with POSIX calls, so that the reason of a
/// failure is the system's own, and with a size limit that stops `/dev/zero` and the like.
public enum XMLFile {
    /// The default limit: the whole standard encodes in about 150 KB.
    public static let defaultLimit = 16 * 1024 * 1024

    /// The whole file at `url`.
    ///
    /// - Parameter tooLarge: the reason given when the file is larger than `limit`.
    public static func contents(
        of url: URL, limit: Int = defaultLimit, tooLarge: String? = nil
    ) throws(XMLFileError) -> Data {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw XMLFileError(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw XMLFileError(reason: String(cString: strerror(errno)))
            }
            data.append(contentsOf: buffer[0..<count])
            if data.count > limit {
                throw XMLFileError(reason: tooLarge ?? "larger than \(limit / 1024 / 1024) MiB")
            }
        }
    }
}
