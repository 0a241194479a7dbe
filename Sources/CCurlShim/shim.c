#define _GNU_SOURCE  // RTLD_DEFAULT for dlsym
#include "CCurlShim.h"
#include <pthread.h>

CURLcode ccurlshim_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
CURLcode ccurlshim_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
CURLcode ccurlshim_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
CURLcode ccurlshim_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
CURLcode ccurlshim_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
CURLcode ccurlshim_setopt_write_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fn);
}
CURLcode ccurlshim_setopt_header_function(CURL *h, size_t (*fn)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, fn);
}

CURLcode ccurlshim_setopt_debug_function(CURL *h, int (*fn)(CURL *, curl_infotype, char *, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, fn);
}

CURLcode ccurlshim_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
CURLcode ccurlshim_getinfo_string(CURL *h, CURLINFO i, char **v) { return curl_easy_getinfo(h, i, v); }
CURLcode ccurlshim_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
CURLcode ccurlshim_getinfo_certinfo(CURL *h, struct curl_certinfo **v) { return curl_easy_getinfo(h, CURLINFO_CERTINFO, v); }

static pthread_once_t ccurlshim_once = PTHREAD_ONCE_INIT;
static CURLcode ccurlshim_init_result = CURLE_OK;
static void ccurlshim_do_init(void) { ccurlshim_init_result = curl_global_init(CURL_GLOBAL_DEFAULT); }

CURLcode ccurlshim_global_init_once(void) {
    pthread_once(&ccurlshim_once, ccurlshim_do_init);
    return ccurlshim_init_result;
}

// MARK: multi interface

int ccurlshim_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = curl_multi_info_read(multi, &queued)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *easy = message->easy_handle;
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}

// MARK: TLS details (OpenSSL looked up at run time)

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef const char *(*ccurlshim_ssl_get_version_fn)(const void *ssl);
typedef const void *(*ccurlshim_ssl_get_current_cipher_fn)(const void *ssl);
typedef const char *(*ccurlshim_ssl_cipher_get_name_fn)(const void *cipher);

static pthread_once_t ccurlshim_ssl_once = PTHREAD_ONCE_INIT;
static ccurlshim_ssl_get_version_fn ccurlshim_ssl_get_version;
static ccurlshim_ssl_get_current_cipher_fn ccurlshim_ssl_get_current_cipher;
static ccurlshim_ssl_cipher_get_name_fn ccurlshim_ssl_cipher_get_name;

// The OpenSSL libcurl links against is already in the process; look its symbols up there. Returns NULL for
// every symbol when libcurl uses another TLS backend (callers then report the details as unknown).
static void ccurlshim_ssl_lookup(void) {
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    if (info == NULL || info->ssl_version == NULL || strncmp(info->ssl_version, "OpenSSL", 7) != 0) return;
    ccurlshim_ssl_get_version = (ccurlshim_ssl_get_version_fn)dlsym(RTLD_DEFAULT, "SSL_get_version");
    ccurlshim_ssl_get_current_cipher =
        (ccurlshim_ssl_get_current_cipher_fn)dlsym(RTLD_DEFAULT, "SSL_get_current_cipher");
    ccurlshim_ssl_cipher_get_name = (ccurlshim_ssl_cipher_get_name_fn)dlsym(RTLD_DEFAULT, "SSL_CIPHER_get_name");
}

static const void *ccurlshim_openssl_session(CURL *handle) {
    struct curl_tlssessioninfo *session = NULL;
    pthread_once(&ccurlshim_ssl_once, ccurlshim_ssl_lookup);
    if (curl_easy_getinfo(handle, CURLINFO_TLS_SSL_PTR, &session) != CURLE_OK || session == NULL) return NULL;
    if (session->backend != CURLSSLBACKEND_OPENSSL || session->internals == NULL) return NULL;
    return session->internals;
}

static int ccurlshim_copy(const char *text, char *buffer, size_t capacity) {
    if (text == NULL || buffer == NULL || capacity == 0) return 0;
    snprintf(buffer, capacity, "%s", text);
    return 1;
}

int ccurlshim_tls_protocol_version(CURL *handle, char *buffer, size_t capacity) {
    const void *ssl = ccurlshim_openssl_session(handle);
    if (ssl == NULL || ccurlshim_ssl_get_version == NULL) return 0;
    return ccurlshim_copy(ccurlshim_ssl_get_version(ssl), buffer, capacity);
}

int ccurlshim_tls_cipher(CURL *handle, char *buffer, size_t capacity) {
    const void *ssl = ccurlshim_openssl_session(handle);
    if (ssl == NULL || ccurlshim_ssl_get_current_cipher == NULL || ccurlshim_ssl_cipher_get_name == NULL) return 0;
    const void *cipher = ccurlshim_ssl_get_current_cipher(ssl);
    if (cipher == NULL) return 0;
    return ccurlshim_copy(ccurlshim_ssl_cipher_get_name(cipher), buffer, capacity);
}
