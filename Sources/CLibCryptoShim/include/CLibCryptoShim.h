#ifndef CLIBCRYPTOSHIM_H
#define CLIBCRYPTOSHIM_H
#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/bio.h>

// What Swift cannot call directly in OpenSSL 3's libcrypto: macros (BIO_get_mem_data, OPENSSL_free), the
// ERR_GET_* inline helpers, and a PEM passphrase callback that never falls back to OpenSSL's terminal prompt.

/// Reads a PEM private key (PKCS#8, encrypted or not) from `bio`. `passphrase` (`length` bytes, may contain no NUL)
/// is handed to OpenSSL when the key is encrypted; when it is NULL an encrypted key fails instead of prompting.
/// Returns NULL on failure, with the reasons on OpenSSL's error queue. The caller frees the key (EVP_PKEY_free).
EVP_PKEY *clibcryptoshim_read_private_key(BIO *bio, const char *passphrase, size_t length);

/// Writes `key` as PKCS#8 PEM into `bio`: encrypted with PBES2 (PBKDF2 with HMAC-SHA256, AES-256-CBC) under
/// `passphrase` (`length` bytes) when it is not NULL, else unencrypted (`-----BEGIN PRIVATE KEY-----`).
/// Returns 1 on success.
int clibcryptoshim_write_pkcs8(BIO *bio, EVP_PKEY *key, const char *passphrase, size_t length);

/// The bytes a memory BIO holds (BIO_get_mem_data); `*data` stays owned by the BIO.
long clibcryptoshim_bio_mem_data(BIO *bio, char **data);

/// ERR_GET_LIB / ERR_GET_REASON of a packed error code.
int clibcryptoshim_err_lib(unsigned long code);
int clibcryptoshim_err_reason(unsigned long code);

/// OPENSSL_free.
void clibcryptoshim_free(void *pointer);

/// OpenSSL's library and reason codes that mallaudit names in its errors.
int clibcryptoshim_reason_bad_decrypt(void);
#endif
