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

CURLcode ccurlshim_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode ccurlshim_getinfo_double(CURL *handle, CURLINFO info, double *value);
CURLcode ccurlshim_getinfo_string(CURL *handle, CURLINFO info, char **value);
CURLcode ccurlshim_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode ccurlshim_getinfo_certinfo(CURL *handle, struct curl_certinfo **value);
CURLcode ccurlshim_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

CURLMcode ccurlshim_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// `curl_global_init(CURL_GLOBAL_DEFAULT)` exactly once per process, thread-safe.
CURLcode ccurlshim_global_init_once(void);
#endif
