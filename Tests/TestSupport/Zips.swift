import Foundation
import ZIPFoundation

// Reading and rewriting zips in tests (what an attacker or a careless tool would do to a bundle). The bundle library
// and the server never unpack a bundle this way: they read it through AuditBundle's SafeZip limits.

/// Every entry of a zip held in memory, in order, with its bytes.
public func zipEntries(_ zip: Data) throws -> [(path: String, data: Data)] {
    try entries(of: try Archive(data: zip, accessMode: .read))
}

/// Every entry of a zip file, in order, with its bytes.
public func zipEntries(of zip: URL) throws -> [(path: String, data: Data)] {
    try entries(of: try Archive(url: zip, accessMode: .read))
}

private func entries(of archive: Archive) throws -> [(path: String, data: Data)] {
    var out: [(String, Data)] = []
    for entry in archive {
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        out.append((entry.path, data))
    }
    return out
}

/// `entries` as a new zip (deflated), in memory.
public func zipBytes(_ entries: [(path: String, data: Data)]) throws -> Data {
    let archive = try Archive(data: Data(), accessMode: .create)
    for (path, data) in entries {
        try archive.addEntry(
            with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
        ) { position, size in data.subdata(in: Int(position)..<min(Int(position) + size, data.count)) }
    }
    guard let bytes = archive.data else { throw CocoaError(.fileWriteUnknown) }
    return bytes
}
