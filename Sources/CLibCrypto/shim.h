// OpenSSL 3 libcrypto (Debian's libssl-dev): keys, PEM/PKCS#8, SM2/SM3 and Ed25519 through EVP.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/objects.h>
#include <openssl/crypto.h>
