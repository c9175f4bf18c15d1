
/*
 * HOTP (RFC 4226) and TOTP (RFC 6238).
 */


#ifndef MFA_TOTP_H
#define MFA_TOTP_H


#include "mfa_core.h"


#define MFA_TOTP_MIN_DIGITS   6
#define MFA_TOTP_MAX_DIGITS   8
#define MFA_TOTP_MAX_SKEW     10
#define MFA_TOTP_MAX_PERIOD   3600
/* the most seconds the steps of the skew may span either side */
#define MFA_TOTP_MAX_DRIFT    120


typedef enum {
    MFA_TOTP_SHA1 = 0,
    MFA_TOTP_SHA256,
    MFA_TOTP_SHA512
} mfa_totp_alg_e;


typedef struct {
    mfa_totp_alg_e  alg;
    unsigned        digits;
    unsigned        period;
    unsigned        skew;
} mfa_totp_params_t;


/* the HOTP value of (key, counter), already reduced modulo 10^digits */
int mfa_hotp(const uint8_t *key, size_t key_len, uint64_t counter,
    mfa_totp_alg_e alg, unsigned digits, uint32_t *code);

/* writes exactly "digits" characters, zero-padded, and a NUL */
void mfa_hotp_format(uint32_t code, unsigned digits, char *out);

/* the RFC 6238 time step T for a Unix time; times before 1970 give 0 */
uint64_t mfa_totp_step(int64_t now, unsigned period);

/*
 * Checks "code" (ASCII digits; spaces ignored) against the steps
 * T - skew .. T + skew.  Every candidate is computed and compared in
 * constant time.  Returns 1 and the matching step in *step on a match,
 * 0 on no match, MFA_ERROR on bad parameters.
 */
int mfa_totp_verify(const mfa_totp_params_t *params, const uint8_t *key,
    size_t key_len, int64_t now, const char *code, size_t code_len,
    uint64_t *step);

/* "SHA1", "SHA256", "SHA512" */
const char *mfa_totp_alg_name(mfa_totp_alg_e alg);

/* parses "sha1"/"sha256"/"sha512" in any case */
int mfa_totp_alg_parse(const char *s, size_t len, mfa_totp_alg_e *alg);

int mfa_totp_params_check(const mfa_totp_params_t *params, mfa_err_t *err);

/*
 * A credential's parameters as stored with it: "<algorithm> <digits>
 * <period>", e.g. "SHA1 6 30" (the skew is not the credential's).  The
 * parser keeps params->skew and takes only what mfa_totp_params_check()
 * accepts.
 */
#define MFA_TOTP_PARAMS_TEXT_MAX  16

size_t mfa_totp_params_format(const mfa_totp_params_t *params, char *out);
int mfa_totp_params_parse(const char *s, size_t len,
    mfa_totp_params_t *params, mfa_err_t *err);


#endif /* MFA_TOTP_H */
