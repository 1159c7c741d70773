// HMAC_* is deprecated in OpenSSL 3 in favour of EVP_MAC, which needs OSSL_PARAM arrays;
// the HMAC calls are still supported and far simpler to call from Swift.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
