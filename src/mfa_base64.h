
/*
 * Base64url (RFC 4648, section 5) without padding, for tokens that travel
 * in forms, cookies and URLs; and standard base64 as Java reads and
 * writes it, for Spring Session's cookie.
 */


#ifndef MFA_BASE64_H
#define MFA_BASE64_H


#include "mfa_core.h"


#define mfa_base64url_encoded_len(n)  (((n) * 4 + 2) / 3)


size_t mfa_base64url_encode(const uint8_t *in, size_t len, char *out);
/* the standard alphabet ("+", "/"), without padding */
size_t mfa_base64_encode(const uint8_t *in, size_t len, char *out);

/* the standard alphabet with "=" padding, as java.util.Base64's encoder
   writes it: mfa_base64_padded_len(len) bytes */
#define mfa_base64_padded_len(n)  (((n) + 2) / 3 * 4)
size_t mfa_base64_encode_padded(const uint8_t *in, size_t len, char *out);

/* strict: only the url alphabet, no padding, no white space, and the
   bits after the last byte zero (the one canonical text of a value) */
int mfa_base64url_decode(const char *in, size_t len, uint8_t *out,
    size_t out_size, size_t *out_len);

/*
 * java.util.Base64.getDecoder(): the standard alphabet, padding optional
 * but, when there, complete and last; the bits after the last byte are
 * ignored (so several texts decode to one value).
 */
int mfa_base64_java_decode(const char *in, size_t len, uint8_t *out,
    size_t out_size, size_t *out_len);


#endif /* MFA_BASE64_H */
