
/*
 * Base32 (RFC 4648, section 6): encoding without padding, forgiving
 * decoding.
 */


#ifndef MFA_BASE32_H
#define MFA_BASE32_H


#include "mfa_core.h"


#define mfa_base32_encoded_len(n)  (((n) * 8 + 4) / 5)


/* upper case, no padding, no NUL; returns the length written */
size_t mfa_base32_encode(const uint8_t *in, size_t len, char *out);

/*
 * Accepts upper and lower case and ignores spaces, hyphens and "="
 * padding.  Fails on any other character, on a length no encoder
 * produces, and when the result would not fit in out_size bytes.
 */
int mfa_base32_decode(const char *in, size_t len, uint8_t *out,
    size_t out_size, size_t *out_len, mfa_err_t *err);


#endif /* MFA_BASE32_H */
