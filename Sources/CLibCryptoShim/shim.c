#include "CLibCryptoShim.h"
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/evperr.h>

typedef struct {
    const char *bytes;
    size_t length;
} clibcryptoshim_passphrase;

/// pem_password_cb: copies the passphrase, or refuses (-1) when there is none, so OpenSSL never prompts.
static int clibcryptoshim_passphrase_callback(char *buffer, int size, int rwflag, void *userdata) {
    (void)rwflag;
    const clibcryptoshim_passphrase *passphrase = userdata;
    if (passphrase == NULL || passphrase->bytes == NULL || size <= 0) return -1;
    if (passphrase->length > (size_t)size) return -1;
    memcpy(buffer, passphrase->bytes, passphrase->length);
    return (int)passphrase->length;
}

EVP_PKEY *clibcryptoshim_read_private_key(BIO *bio, const char *passphrase, size_t length) {
    clibcryptoshim_passphrase given = { passphrase, length };
    return PEM_read_bio_PrivateKey(bio, NULL, clibcryptoshim_passphrase_callback, &given);
}

int clibcryptoshim_write_pkcs8(BIO *bio, EVP_PKEY *key, const char *passphrase, size_t length) {
    if (passphrase == NULL) {
        return PEM_write_bio_PKCS8PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL);
    }
    if (length > 1024) return 0;
    clibcryptoshim_passphrase given = { passphrase, length };
    return PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), NULL, 0,
                                         clibcryptoshim_passphrase_callback, &given);
}

long clibcryptoshim_bio_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

int clibcryptoshim_err_lib(unsigned long code) { return ERR_GET_LIB(code); }

int clibcryptoshim_err_reason(unsigned long code) { return ERR_GET_REASON(code); }

void clibcryptoshim_free(void *pointer) { OPENSSL_free(pointer); }

int clibcryptoshim_reason_bad_decrypt(void) { return EVP_R_BAD_DECRYPT; }
