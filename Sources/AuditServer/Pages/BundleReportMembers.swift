import Foundation
import ZIPFoundation

/// The report members of a stored bundle (`reports/report.html`, `reports/report.pdf`, … — docs/bundles.md), served
/// as they were filed. A run without its bundle file in the store (rows loaded with SQL by the benchmark) has none,
/// and a page says so.
///
/// The bundle was verified at ingest (every member against the signed statement); `BundleStore.read` checks the
/// file still has its digest before a member is taken out of it.
enum BundleReportMembers {
    /// Largest report member served (the verifier's own limits are larger; a report is a few MiB).
    static let maximumBytes: UInt64 = 64 << 20

    /// What a report member is, by its file name.
    static func mediaType(_ name: String) -> String? {
        if name.hasSuffix(".html") { return "text/html; charset=utf-8" }
        if name.hasSuffix(".pdf") { return "application/pdf" }
        if name.hasSuffix(".xml") { return "application/xml" }
        if name.hasSuffix(".json") { return "application/json" }
        return nil
    }

    /// A report file name as a URL may name it: lowercase letters, digits, `.`, `-`, `_` (no folders).
    static func isReportName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 100 && !name.hasPrefix(".")
            && name.utf8.allSatisfy {
                (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F
            } && mediaType(name) != nil
    }

    /// The names of the report members (`report.html`, …) in a stored bundle file; empty when it is not a zip.
    static func names(inBundleAt url: URL) -> [String] {
        guard isZip(url) else { return [] }
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch { return [] }
        return archive.compactMap { entry -> String? in
            guard entry.type == .file, entry.path.hasPrefix("reports/") else { return nil }
            let name = String(entry.path.dropFirst("reports/".count))
            return isReportName(name) ? name : nil
        }.sorted()
    }

    /// The bytes of `reports/NAME` in a bundle's bytes, or nil when the bundle is not a zip or has no such member.
    static func member(_ name: String, in bundle: Data) -> Data? {
        guard isReportName(name), bundle.starts(with: [0x50, 0x4B, 0x03, 0x04]) else { return nil }
        let archive: Archive
        do { archive = try Archive(data: bundle, accessMode: .read) } catch { return nil }
        guard let entry = archive["reports/" + name], entry.type == .file,
            UInt64(entry.uncompressedSize) <= maximumBytes
        else { return nil }
        var data = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard UInt64(data.count + chunk.count) <= maximumBytes else { throw TooLarge() }
                data.append(chunk)
            }
        } catch {
            return nil
        }
        return data
    }

    private struct TooLarge: Error {}

    /// Whether a file starts like a zip (`PK\u{3}\u{4}`).
    static func isZip(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4)) ?? Data()
        return head == Data([0x50, 0x4B, 0x03, 0x04])
    }
}
