#ifndef CCURLSHIM_H
#define CCURLSHIM_H
#include <curl/curl.h>

// curl_easy_setopt / curl_easy_getinfo / curl_multi_setopt are variadic and cannot be
// called from Swift: these typed wrappers are the only way the Swift side sets options.

CURLcode ccurlshim_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ccurlshim_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode ccurlshim_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode ccurlshim_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ccurlshim_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurlshim_setopt_write_function(CURL *handle, size_t (*fn)(char *, size_t, size_t, void *));
CURLcode ccurlshim_setopt_header_function(CURL *handle, size_t (*fn)(char *, size_t, size_t, void *));
/// `CURLOPT_DEBUGFUNCTION`: libcurl's informational texts (`SSL connection using TLSv1.3 / …`) reach `fn`.
CURLcode ccurlshim_setopt_debug_function(CURL *handle, int (*fn)(CURL *, curl_infotype, char *, size_t, void *));

CURLcode ccurlshim_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurlshim_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode ccurlshim_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode ccurlshim_getinfo_certinfo(CURL *handle, struct curl_certinfo **value);

/// `curl_global_init(CURL_GLOBAL_DEFAULT)` exactly once per process, thread-safe.
CURLcode ccurlshim_global_init_once(void);

// MARK: multi interface

/// Reads the next finished transfer from `multi`: stores its easy handle and result and returns 1, or returns 0
/// when no transfer has finished (other message kinds are skipped). Spares Swift the `CURLMsg` union.
int ccurlshim_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);

// MARK: TLS details of the connection a transfer uses

/// The negotiated TLS protocol of the connection `handle` is using (`TLSv1.3`, `TLSv1.2`, …), copied into
/// `buffer`; returns 1, or 0 when unknown (plain HTTP, no connection, or a TLS backend other than OpenSSL).
///
/// How: `CURLINFO_TLS_SSL_PTR` gives the OpenSSL `SSL *` of the live connection; `SSL_get_version` is looked up
/// with `dlsym` in the libssl that libcurl itself loaded, so mallaudit does not link OpenSSL at build time and
/// never calls it on another backend's session. Call it while the connection is alive: during the transfer
/// (from a header or write callback), because the server may close the connection when the transfer ends.
int ccurlshim_tls_protocol_version(CURL *handle, char *buffer, size_t capacity);

/// The negotiated cipher suite (`TLS_AES_256_GCM_SHA384`), as `ccurlshim_tls_protocol_version`.
int ccurlshim_tls_cipher(CURL *handle, char *buffer, size_t capacity);
#endif
