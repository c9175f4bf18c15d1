
/*
 * otpauth://totp/ URIs per the Key Uri Format that authenticator apps
 * read from QR codes.
 */


#ifndef MFA_OTPAUTH_H
#define MFA_OTPAUTH_H


#include "mfa_totp.h"


/*
 * Writes "otpauth://totp/<Issuer>:<account>?secret=<base32>&issuer=<Issuer>"
 * (with algorithm, digits and period when they are not the defaults) and a
 * NUL.  Neither issuer nor account may contain a colon.  Returns the
 * length, or MFA_TOO_LARGE / MFA_ERROR.
 */
int mfa_otpauth_uri(const char *issuer, const char *account,
    const uint8_t *secret, size_t secret_len,
    const mfa_totp_params_t *params, char *out, size_t out_size,
    size_t *out_len, mfa_err_t *err);


#endif /* MFA_OTPAUTH_H */
