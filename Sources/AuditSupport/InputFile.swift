import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading the files mallaudit is given (profiles, probe and findings files, exports, evidence) so that hostile or
/// unlucky paths get a clear refusal instead of a hang, an endless read or a secret:
///
/// - only a regular file is read: a FIFO, a socket, a device or a folder is refused by what it is (`/dev/zero` would
///   be read forever, a FIFO would block the command);
/// - a file on a kernel pseudo file system is refused by what that file system is (`statfs`'s type), not by its
///   path: procfs says `/proc/self/environ` is a regular, empty file, and it holds the environment's secrets; the
///   same goes for sysfs, devpts, debugfs and the like, for devtmpfs and for whatever file system is mounted on
///   `/dev`;
/// - the open never blocks (`O_NONBLOCK`, cleared once the file is known to be regular) and the size is limited.
///
/// Symbolic links are followed by `open` and `stat` like any program does; the checks apply to what they reach.
public enum InputFile {
    /// Why a file was refused, in words that follow "the file": `is a FIFO (named pipe), not a regular file`,
    /// `cannot be read: Permission denied`.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        /// What would have been accepted.
        public var expected: String

        public init(_ reason: String, expected: String = "a regular file") {
            self.reason = reason
            self.expected = expected
        }

        public var description: String { reason }
    }

    /// What a path is, as `stat` (following links) sees it.
    public enum Kind: String, Sendable, Hashable {
        case regular = "a regular file"
        case directory = "a folder"
        case fifo = "a FIFO (named pipe)"
        case socket = "a socket"
        case characterDevice = "a character device"
        case blockDevice = "a block device"
        case symbolicLink = "a symbolic link"
        case other = "not a regular file"

        public init(mode: mode_t) {
            switch mode & S_IFMT {
            case S_IFREG: self = .regular
            case S_IFDIR: self = .directory
            case S_IFIFO: self = .fifo
            case S_IFSOCK: self = .socket
            case S_IFCHR: self = .characterDevice
            case S_IFBLK: self = .blockDevice
            case S_IFLNK: self = .symbolicLink
            default: self = .other
            }
        }
    }

    /// The kind of `path` after following symbolic links (`stat`), or the system's reason it cannot be looked at.
    public static func kind(_ path: String) -> Result<Kind, Refusal> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(Refusal("cannot be read: " + systemReason())) }
        return .success(Kind(mode: info.st_mode))
    }

    /// Why `path` may not be read as an input file (not regular, on a pseudo file system, unreadable), or nil.
    /// Never opens the file, so never blocks: for checking a list of files before any is read.
    public static func refusal(_ path: String) -> Refusal? {
        var info = stat()
        guard stat(path, &info) == 0 else { return Refusal("cannot be read: " + systemReason()) }
        if let refusal = kindRefusal(Kind(mode: info.st_mode)) { return refusal }
        if let type = FileSystemType.of(path: path), let refusal = fileSystemRefusal(type: type, device: info.st_dev) {
            return refusal
        }
        guard access(path, R_OK) == 0 else {
            return Refusal("cannot be read: " + systemReason(), expected: "a readable regular file")
        }
        return nil
    }

    /// Opens `path` for reading after checking what it is; the caller closes the descriptor. The descriptor is in
    /// blocking mode and close-on-exec.
    public static func open(_ path: String) throws(Refusal) -> Int32 {
        let descriptor = systemOpen(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { throw Refusal("cannot be read: " + systemReason()) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, let type = FileSystemType.of(descriptor: descriptor) else {
            let reason = systemReason()
            close(descriptor)
            throw Refusal("cannot be read: " + reason)
        }
        if let refusal = kindRefusal(Kind(mode: info.st_mode)) ?? fileSystemRefusal(type: type, device: info.st_dev) {
            close(descriptor)
            throw refusal
        }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        return descriptor
    }

    /// The size of the open regular file `descriptor`.
    public static func size(_ descriptor: Int32) -> Int64 {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// The whole file at `path`, at most `limit` bytes (a larger file is refused, whatever its size claims).
    public static func contents(_ path: String, limit: Int) throws(Refusal) -> Data {
        let descriptor = try open(path)
        defer { close(descriptor) }
        if size(descriptor) > Int64(limit) { throw tooLarge(limit) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw Refusal("cannot be read: " + systemReason())
            }
            data.append(contentsOf: buffer[0..<count])
            if data.count > limit { throw tooLarge(limit) }
        }
    }

    /// The refusal of a file larger than `limit` bytes.
    public static func tooLarge(_ limit: Int) -> Refusal {
        Refusal("is larger than \(sizeText(Int64(limit)))", expected: "a file of at most \(sizeText(Int64(limit)))")
    }

    /// `200 MB`, `16 MiB`-style size for messages (decimal megabytes, or bytes below one).
    public static func sizeText(_ bytes: Int64) -> String {
        if bytes >= 1_000_000, bytes % 1_000_000 == 0 { return "\(bytes / 1_000_000) MB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        return "\(bytes) bytes"
    }

    static func kindRefusal(_ kind: Kind) -> Refusal? {
        switch kind {
        case .regular: nil
        case .directory: Refusal("is a folder, not a file")
        default: Refusal("is \(kind.rawValue), not a regular file")
        }
    }

    private static func systemOpen(_ path: String, _ flags: Int32) -> Int32 {
        #if canImport(Glibc)
            Glibc.open(path, flags)
        #else
            Darwin.open(path, flags)
        #endif
    }

    /// glibc's `makedev` (a macro Swift does not import).
    static func deviceNumber(major: UInt64, minor: UInt64) -> UInt64 {
        (minor & 0xFF) | ((major & 0xFFF) << 8) | ((minor & ~0xFF) << 12) | ((major & ~0xFFF) << 32)
    }

    // MARK: pseudo file systems

    /// Kernel pseudo file systems by their `statfs` magic number (linux/magic.h): their "files" are views of the
    /// kernel's state, never evidence or exports.
    static let pseudoFileSystems: [Int64: String] = [
        0x9FA0: "procfs (the kernel's process information)",
        0x6265_6572: "sysfs (the kernel's device tree)",
        0x1CD1: "devpts (terminals)",
        0x6462_6720: "debugfs",
        0x7472_6163: "tracefs",
        0x7363_6673: "securityfs",
        0x0027_E0EB: "cgroupfs",
        0x6367_7270: "cgroup2fs",
        0x6265_6570: "configfs",
        0xCAFE_4A11: "bpffs",
        0x6165_676C: "pstorefs",
        0xDE5E_81E4: "efivarfs",
        0xF97C_FF8C: "selinuxfs",
        0x6573_5543: "fusectl",
        0x1980_0202: "mqueue",
    ]

    /// Devices (`st_dev`) of the device file systems: every devtmpfs mount, and whatever is mounted on `/dev`
    /// (a tmpfs in many containers). Read once.
    static let deviceFileSystems: Set<UInt64> = {
        var devices: Set<UInt64> = []
        var dev = stat()
        var root = stat()
        if stat("/dev", &dev) == 0, stat("/", &root) == 0, dev.st_dev != root.st_dev {
            devices.insert(UInt64(dev.st_dev))
        }
        // /proc/self/mountinfo: `ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS... - FSTYPE SOURCE SUPEROPTIONS`.
        if let text = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count > 2, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count,
                    fields[dash + 1] == "devtmpfs"
                else { continue }
                let numbers = fields[2].split(separator: ":").compactMap { UInt64($0) }
                guard numbers.count == 2 else { continue }
                devices.insert(deviceNumber(major: numbers[0], minor: numbers[1]))
            }
        }
        return devices
    }()

    static func fileSystemRefusal(type: Int64, device: dev_t) -> Refusal? {
        let expected = "a regular file on a disk (not under /proc, /sys or /dev)"
        if let name = pseudoFileSystems[type & 0xFFFF_FFFF] {
            return Refusal("is on \(name), a view of the kernel's state, not a file", expected: expected)
        }
        if deviceFileSystems.contains(UInt64(device)) {
            return Refusal("is on the device file system (/dev), not a file of data", expected: expected)
        }
        return nil
    }

    static func systemReason() -> String { String(cString: strerror(errno)) }
}

/// `statfs(2)`'s `f_type`, the magic number of a file system. Swift's Glibc module does not bring `<sys/vfs.h>`, so
/// the two functions are looked up in the C library once and called with the C calling convention; `f_type` is the
/// first member of `struct statfs` on every Linux architecture (a `long`).
enum FileSystemType {
    private typealias ByPath = @convention(c) (UnsafePointer<CChar>, UnsafeMutableRawPointer) -> Int32
    private typealias ByDescriptor = @convention(c) (Int32, UnsafeMutableRawPointer) -> Int32

    nonisolated(unsafe) private static let library = dlopen(nil, RTLD_NOW)
    private static let byPath: ByPath? = dlsym(library, "statfs").map { unsafeBitCast($0, to: ByPath.self) }
    private static let byDescriptor: ByDescriptor? = dlsym(library, "fstatfs").map {
        unsafeBitCast($0, to: ByDescriptor.self)
    }

    /// Larger than `struct statfs` (120 bytes on x86_64 and aarch64).
    private static let bufferSize = 512

    static func of(path: String) -> Int64? {
        guard let byPath else { return 0 }
        return read { buffer in path.withCString { byPath($0, buffer) } }
    }

    static func of(descriptor: Int32) -> Int64? {
        guard let byDescriptor else { return 0 }
        return read { buffer in byDescriptor(descriptor, buffer) }
    }

    private static func read(_ call: (UnsafeMutableRawPointer) -> Int32) -> Int64? {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: bufferSize)
        guard call(buffer) == 0 else { return nil }
        return Int64(buffer.load(as: Int.self))
    }
}
