
/*
 * otpauth:// URI builder.  The label is "Issuer:account", percent-encoded
 * part by part so that the separating colon stays literal; the issuer is
 * repeated as a parameter as the format recommends; the secret is base32
 * without padding.
 */


#include <stdio.h>
#include <string.h>

#include "mfa_base32.h"
#include "mfa_otpauth.h"
#include "mfa_url.h"


#define MFA_OTPAUTH_MAX_SECRET  64


typedef struct {
    const char  *s;
    size_t       len;
    int          encode;
} mfa_otpauth_part_t;


static int mfa_otpauth_append(char *out, size_t out_size, size_t *n,
    const char *s, size_t len, int encode);


static int
mfa_otpauth_append(char *out, size_t out_size, size_t *n, const char *s,
    size_t len, int encode)
{
    size_t  need;

    need = encode ? mfa_percent_encode(s, len, NULL) : len;

    if (*n + need >= out_size) {
        return MFA_TOO_LARGE;
    }

    if (encode) {
        mfa_percent_encode(s, len, out + *n);

    } else {
        memcpy(out + *n, s, len);
    }

    *n += need;

    return MFA_OK;
}


int
mfa_otpauth_uri(const char *issuer, const char *account,
    const uint8_t *secret, size_t secret_len,
    const mfa_totp_params_t *params, char *out, size_t out_size,
    size_t *out_len, mfa_err_t *err)
{
    int                 rc, plen;
    char                b32[mfa_base32_encoded_len(MFA_OTPAUTH_MAX_SECRET)];
    char                extra[64];
    size_t              i, n, b32_len, ilen, alen;
    mfa_otpauth_part_t  parts[9];

    ilen = strlen(issuer);
    alen = strlen(account);

    if (ilen == 0 || alen == 0) {
        mfa_err_set(err, "otpauth issuer and account must not be empty");
        return MFA_ERROR;
    }

    if (memchr(issuer, ':', ilen) != NULL
        || memchr(account, ':', alen) != NULL)
    {
        mfa_err_set(err, "otpauth issuer and account must not contain "
                    "a colon");
        return MFA_ERROR;
    }

    if (secret_len == 0 || secret_len > MFA_OTPAUTH_MAX_SECRET) {
        mfa_err_set(err, "otpauth secret of %zu bytes", secret_len);
        return MFA_ERROR;
    }

    if (mfa_totp_params_check(params, err) != MFA_OK) {
        return MFA_ERROR;
    }

    b32_len = mfa_base32_encode(secret, secret_len, b32);

    plen = 0;
    extra[0] = '\0';

    if (params->alg != MFA_TOTP_SHA1) {
        plen += snprintf(extra + plen, sizeof(extra) - plen,
                         "&algorithm=%s", mfa_totp_alg_name(params->alg));
    }

    if (params->digits != 6) {
        plen += snprintf(extra + plen, sizeof(extra) - plen,
                         "&digits=%u", params->digits);
    }

    if (params->period != 30) {
        plen += snprintf(extra + plen, sizeof(extra) - plen,
                         "&period=%u", params->period);
    }

    parts[0] = (mfa_otpauth_part_t) { "otpauth://totp/", 15, 0 };
    parts[1] = (mfa_otpauth_part_t) { issuer, ilen, 1 };
    parts[2] = (mfa_otpauth_part_t) { ":", 1, 0 };
    parts[3] = (mfa_otpauth_part_t) { account, alen, 1 };
    parts[4] = (mfa_otpauth_part_t) { "?secret=", 8, 0 };
    parts[5] = (mfa_otpauth_part_t) { b32, b32_len, 0 };
    parts[6] = (mfa_otpauth_part_t) { "&issuer=", 8, 0 };
    parts[7] = (mfa_otpauth_part_t) { issuer, ilen, 1 };
    parts[8] = (mfa_otpauth_part_t) { extra, (size_t) plen, 0 };

    n = 0;
    rc = MFA_OK;

    for (i = 0; i < 9 && rc == MFA_OK; i++) {
        rc = mfa_otpauth_append(out, out_size, &n, parts[i].s, parts[i].len,
                                parts[i].encode);
    }

    if (rc != MFA_OK) {
        mfa_err_set(err, "otpauth URI longer than %zu bytes", out_size);
        return rc;
    }

    out[n] = '\0';
    *out_len = n;

    return MFA_OK;
}
