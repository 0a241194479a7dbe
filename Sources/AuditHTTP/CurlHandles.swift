import CCurl
import CCurlShim
import Foundation

// Owners of libcurl handles: each frees its handle in deinit. None of them may cross threads: they are created,
// used and released on the HTTP engine thread only (see `CurlMultiEngine`), except `CurlMulti.wakeUp()`,
// which libcurl documents as callable from any thread.

/// An easy handle (`CURL *`) and its error buffer, freed together.
final class CurlEasy {
    let handle: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`: libcurl's detailed message for the last failure of this handle.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        _ = ccurlshim_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// The detailed message of the last failure, or libcurl's generic text for `code`.
    func errorMessage(for code: CURLcode) -> String {
        let detail = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    @discardableResult
    func set(_ option: CURLoption, _ value: Int) -> CURLcode { ccurlshim_setopt_long(handle, option, value) }

    @discardableResult
    func set(_ option: CURLoption, _ value: String) -> CURLcode { ccurlshim_setopt_string(handle, option, value) }

    @discardableResult
    func set(_ option: CURLoption, _ value: Int64) -> CURLcode {
        ccurlshim_setopt_off_t(handle, option, curl_off_t(value))
    }

    func long(_ info: CURLINFO) -> Int? {
        var value = 0
        return ccurlshim_getinfo_long(handle, info, &value) == CURLE_OK ? value : nil
    }

    func string(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard ccurlshim_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    /// A `*_TIME_T` info (microseconds) in seconds.
    func seconds(_ info: CURLINFO) -> Double? {
        var value: curl_off_t = 0
        return ccurlshim_getinfo_off_t(handle, info, &value) == CURLE_OK ? Double(value) / 1_000_000 : nil
    }
}

/// A multi handle (`CURLM *`).
final class CurlMulti {
    let handle: UnsafeMutableRawPointer

    init?() {
        guard let handle = curl_multi_init() else { return nil }
        self.handle = handle
    }

    deinit { curl_multi_cleanup(handle) }

    /// Interrupts a `curl_multi_poll` in progress. Thread-safe (the only method that is).
    func wakeUp() { _ = curl_multi_wakeup(handle) }
}

/// A `struct curl_slist` of header lines, freed in deinit. Must outlive the transfer that uses it.
final class CurlHeaderList {
    private(set) var list: UnsafeMutablePointer<curl_slist>?

    init(_ lines: [String]) {
        for line in lines {
            guard let appended = curl_slist_append(list, line) else { continue }
            list = appended
        }
    }

    deinit { curl_slist_free_all(list) }
}
