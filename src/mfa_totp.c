
/*
 * HOTP (RFC 4226) and TOTP (RFC 6238) over OpenSSL's HMAC.
 *
 * The counter is 8 bytes big-endian, the truncation offset is the low
 * nibble of the last byte of the HMAC (not byte 19: SHA-256/512 have
 * longer digests) and time is 64-bit.
 */


#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mfa_totp.h"


static const EVP_MD *mfa_totp_md(mfa_totp_alg_e alg);
static int mfa_totp_number(const char *s, size_t len, unsigned *n);


static const uint32_t  mfa_pow10[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
};


static const EVP_MD *
mfa_totp_md(mfa_totp_alg_e alg)
{
    switch (alg) {
    case MFA_TOTP_SHA1:
        return EVP_sha1();
    case MFA_TOTP_SHA256:
        return EVP_sha256();
    case MFA_TOTP_SHA512:
        return EVP_sha512();
    }

    return NULL;
}


int
mfa_hotp(const uint8_t *key, size_t key_len, uint64_t counter,
    mfa_totp_alg_e alg, unsigned digits, uint32_t *code)
{
    int            i;
    uint8_t        msg[8], mac[EVP_MAX_MD_SIZE];
    uint32_t       bin;
    unsigned       mac_len, offset;
    const EVP_MD  *md;

    md = mfa_totp_md(alg);

    if (md == NULL || digits < MFA_TOTP_MIN_DIGITS
        || digits > MFA_TOTP_MAX_DIGITS || key_len == 0)
    {
        return MFA_ERROR;
    }

    for (i = 7; i >= 0; i--) {
        msg[i] = (uint8_t) (counter & 0xff);
        counter >>= 8;
    }

    if (HMAC(md, key, (int) key_len, msg, sizeof(msg), mac, &mac_len)
        == NULL)
    {
        return MFA_ERROR;
    }

    offset = mac[mac_len - 1] & 0x0f;

    bin = ((uint32_t) (mac[offset] & 0x7f) << 24)
          | ((uint32_t) mac[offset + 1] << 16)
          | ((uint32_t) mac[offset + 2] << 8)
          | (uint32_t) mac[offset + 3];

    *code = bin % mfa_pow10[digits];

    OPENSSL_cleanse(mac, sizeof(mac));

    return MFA_OK;
}


void
mfa_hotp_format(uint32_t code, unsigned digits, char *out)
{
    unsigned  i;

    for (i = digits; i > 0; i--) {
        out[i - 1] = (char) ('0' + code % 10);
        code /= 10;
    }

    out[digits] = '\0';
}


uint64_t
mfa_totp_step(int64_t now, unsigned period)
{
    if (now < 0 || period == 0) {
        return 0;
    }

    return (uint64_t) now / period;
}


int
mfa_totp_verify(const mfa_totp_params_t *params, const uint8_t *key,
    size_t key_len, int64_t now, const char *code, size_t code_len,
    uint64_t *step)
{
    int       matched;
    char      given[MFA_TOTP_MAX_DIGITS + 1], want[MFA_TOTP_MAX_DIGITS + 1];
    size_t    i, n;
    int64_t   d;
    uint32_t  value;
    uint64_t  t, candidate, found;

    if (mfa_totp_params_check(params, NULL) != MFA_OK) {
        return MFA_ERROR;
    }

    n = 0;

    for (i = 0; i < code_len; i++) {
        if (code[i] == ' ') {
            continue;
        }

        if (code[i] < '0' || code[i] > '9' || n == params->digits) {
            return 0;
        }

        given[n++] = code[i];
    }

    if (n != params->digits) {
        return 0;
    }

    given[n] = '\0';

    t = mfa_totp_step(now, params->period);
    matched = 0;
    found = 0;

    for (d = -(int64_t) params->skew; d <= (int64_t) params->skew; d++) {

        if (d < 0 && (uint64_t) -d > t) {
            continue;
        }

        candidate = t + d;

        if (mfa_hotp(key, key_len, candidate, params->alg, params->digits,
                     &value)
            != MFA_OK)
        {
            return MFA_ERROR;
        }

        mfa_hotp_format(value, params->digits, want);

        if (CRYPTO_memcmp(want, given, n) == 0 && !matched) {
            matched = 1;
            found = candidate;
        }
    }

    OPENSSL_cleanse(want, sizeof(want));
    OPENSSL_cleanse(given, sizeof(given));

    if (matched && step != NULL) {
        *step = found;
    }

    return matched;
}


const char *
mfa_totp_alg_name(mfa_totp_alg_e alg)
{
    switch (alg) {
    case MFA_TOTP_SHA1:
        return "SHA1";
    case MFA_TOTP_SHA256:
        return "SHA256";
    case MFA_TOTP_SHA512:
        return "SHA512";
    }

    return "unknown";
}


int
mfa_totp_alg_parse(const char *s, size_t len, mfa_totp_alg_e *alg)
{
    if (len == 4 && strncasecmp(s, "sha1", 4) == 0) {
        *alg = MFA_TOTP_SHA1;
        return MFA_OK;
    }

    if (len == 6 && strncasecmp(s, "sha256", 6) == 0) {
        *alg = MFA_TOTP_SHA256;
        return MFA_OK;
    }

    if (len == 6 && strncasecmp(s, "sha512", 6) == 0) {
        *alg = MFA_TOTP_SHA512;
        return MFA_OK;
    }

    return MFA_ERROR;
}


int
mfa_totp_params_check(const mfa_totp_params_t *params, mfa_err_t *err)
{
    if (mfa_totp_md(params->alg) == NULL) {
        mfa_err_set(err, "unknown TOTP algorithm");
        return MFA_ERROR;
    }

    if (params->digits < MFA_TOTP_MIN_DIGITS
        || params->digits > MFA_TOTP_MAX_DIGITS)
    {
        mfa_err_set(err, "TOTP digits must be from %d to %d",
                    MFA_TOTP_MIN_DIGITS, MFA_TOTP_MAX_DIGITS);
        return MFA_ERROR;
    }

    if (params->period == 0 || params->period > MFA_TOTP_MAX_PERIOD) {
        mfa_err_set(err, "TOTP period must be from 1 to %d seconds",
                    MFA_TOTP_MAX_PERIOD);
        return MFA_ERROR;
    }

    if (params->skew > MFA_TOTP_MAX_SKEW) {
        mfa_err_set(err, "TOTP skew must be from 0 to %d steps",
                    MFA_TOTP_MAX_SKEW);
        return MFA_ERROR;
    }

    return MFA_OK;
}


size_t
mfa_totp_params_format(const mfa_totp_params_t *params, char *out)
{
    return (size_t) snprintf(out, MFA_TOTP_PARAMS_TEXT_MAX + 1, "%s %u %u",
                             mfa_totp_alg_name(params->alg), params->digits,
                             params->period);
}


/* a decimal number of 1 to 4 digits, no sign, no leading zero */

static int
mfa_totp_number(const char *s, size_t len, unsigned *n)
{
    size_t  i;

    if (len == 0 || len > 4 || s[0] == '0') {
        return MFA_ERROR;
    }

    *n = 0;

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return MFA_ERROR;
        }

        *n = *n * 10 + (unsigned) (s[i] - '0');
    }

    return MFA_OK;
}


int
mfa_totp_params_parse(const char *s, size_t len, mfa_totp_params_t *params,
    mfa_err_t *err)
{
    size_t             i, start, n, wlen[3];
    const char        *word[3];
    mfa_totp_params_t  p;

    n = 0;
    start = 0;

    for (i = 0; i <= len; i++) {
        if (i < len && s[i] != ' ') {
            continue;
        }

        if (n == 3 || i == start) {
            n = 4;
            break;
        }

        word[n] = s + start;
        wlen[n] = i - start;
        n++;
        start = i + 1;
    }

    if (n != 3) {
        mfa_err_set(err, "TOTP parameters are not \"<algorithm> <digits> "
                    "<period>\"");
        return MFA_ERROR;
    }

    p = *params;

    if (mfa_totp_alg_parse(word[0], wlen[0], &p.alg) != MFA_OK
        || mfa_totp_number(word[1], wlen[1], &p.digits) != MFA_OK
        || mfa_totp_number(word[2], wlen[2], &p.period) != MFA_OK)
    {
        mfa_err_set(err, "TOTP parameters are not \"<algorithm> <digits> "
                    "<period>\"");
        return MFA_ERROR;
    }

    if (mfa_totp_params_check(&p, err) != MFA_OK) {
        return MFA_ERROR;
    }

    *params = p;

    return MFA_OK;
}
