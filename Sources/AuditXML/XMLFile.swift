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
        // Without blocking: a FIFO is refused by what it is, not waited on; only a regular file is read.
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { throw XMLFileError(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw XMLFileError(reason: String(cString: strerror(errno))) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw XMLFileError(reason: "Is a directory")
        case S_IFIFO: throw XMLFileError(reason: "is a FIFO (named pipe), not a regular file")
        case S_IFCHR, S_IFBLK: throw XMLFileError(reason: "is a device, not a regular file")
        default: throw XMLFileError(reason: "is not a regular file")
        }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
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
