
/*
 * Base64url (RFC 4648, section 5) without padding, for tokens that travel
 * in forms, cookies and URLs.
 */


#ifndef MFA_BASE64_H
#define MFA_BASE64_H


#include "mfa_core.h"


#define mfa_base64url_encoded_len(n)  (((n) * 4 + 2) / 3)


size_t mfa_base64url_encode(const uint8_t *in, size_t len, char *out);
/* the standard alphabet ("+", "/"), without padding */
size_t mfa_base64_encode(const uint8_t *in, size_t len, char *out);

/* strict: only the url alphabet, no padding, no white space, and the
   bits after the last byte zero (the one canonical text of a value) */
int mfa_base64url_decode(const char *in, size_t len, uint8_t *out,
    size_t out_size, size_t *out_len);


#endif /* MFA_BASE64_H */
