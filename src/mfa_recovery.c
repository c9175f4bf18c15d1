
/*
 * Recovery codes.  31 symbols (lower case letters and digits without
 * 0 o 1 l i) drawn by rejection sampling from the CSPRNG give 49 bits a
 * code; brute force is stopped by the failure counter, not by length.
 */


#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mfa_crypto.h"
#include "mfa_recovery.h"
#include "mfa_totp.h"
#include "mfa_url.h"


#define MFA_RECOVERY_ALPHABET_LEN  31


static int mfa_recovery_symbol(char c);


static const char  mfa_recovery_alphabet[] =
    "23456789abcdefghjkmnpqrstuvwxyz";


static int
mfa_recovery_symbol(char c)
{
    return c != '\0' && memchr(mfa_recovery_alphabet, c,
                               MFA_RECOVERY_ALPHABET_LEN) != NULL;
}


int
mfa_recovery_generate(char *out)
{
    size_t   i, n;
    uint8_t  rnd[32];

    if (mfa_random(rnd, sizeof(rnd)) != MFA_OK) {
        return MFA_ERROR;
    }

    n = 0;
    i = 0;

    while (n < MFA_RECOVERY_LEN) {

        if (n == MFA_RECOVERY_CHARS / 2) {
            out[n++] = '-';
            continue;
        }

        if (i == sizeof(rnd)) {
            if (mfa_random(rnd, sizeof(rnd)) != MFA_OK) {
                OPENSSL_cleanse(rnd, sizeof(rnd));
                return MFA_ERROR;
            }

            i = 0;
        }

        /* 248 = 8 * 31: values above it would bias the first symbols */

        if (rnd[i] < 8 * MFA_RECOVERY_ALPHABET_LEN) {
            out[n++] = mfa_recovery_alphabet[rnd[i]
                                             % MFA_RECOVERY_ALPHABET_LEN];
        }

        i++;
    }

    out[n] = '\0';
    OPENSSL_cleanse(rnd, sizeof(rnd));

    return MFA_OK;
}


int
mfa_recovery_normalize(const char *in, size_t len, char *out)
{
    char    c;
    size_t  i, n, hyphens;

    n = 0;
    hyphens = 0;

    for (i = 0; i < len; i++) {
        c = in[i];

        if (c == ' ' || c == '\t') {
            continue;
        }

        if (c == '-') {
            /* only where the code shows it */
            if (n != MFA_RECOVERY_CHARS / 2 || hyphens++ > 0) {
                return MFA_ERROR;
            }

            continue;
        }

        if (c >= 'A' && c <= 'Z') {
            c = (char) (c - 'A' + 'a');
        }

        if (!mfa_recovery_symbol(c) || n == MFA_RECOVERY_CHARS) {
            return MFA_ERROR;
        }

        out[n < MFA_RECOVERY_CHARS / 2 ? n : n + 1] = c;
        n++;
    }

    if (n != MFA_RECOVERY_CHARS) {
        return MFA_ERROR;
    }

    out[MFA_RECOVERY_CHARS / 2] = '-';
    out[MFA_RECOVERY_LEN] = '\0';

    return MFA_OK;
}


_Static_assert(MFA_TOTP_MAX_DIGITS < MFA_RECOVERY_CHARS,
               "ten digits must not be a TOTP code");


mfa_code_kind_e
mfa_code_classify(const char *in, size_t len, char *out)
{
    size_t  i, digits;

    digits = 0;

    for (i = 0; i < len; i++) {
        if (in[i] >= '0' && in[i] <= '9') {
            digits++;

        } else if (in[i] != ' ') {
            break;
        }
    }

    if (i == len && digits > 0 && digits != MFA_RECOVERY_CHARS) {
        return MFA_CODE_TOTP;
    }

    if (mfa_recovery_normalize(in, len, out) == MFA_OK) {
        return MFA_CODE_RECOVERY;
    }

    return MFA_CODE_NONE;
}


int
mfa_recovery_set_new(unsigned key_id, mfa_recovery_set_t *set)
{
    set->key_id = key_id;

    return mfa_random(set->salt, MFA_RECOVERY_SALT_LEN);
}


size_t
mfa_recovery_set_format(const mfa_recovery_set_t *set, char *out)
{
    size_t  n;

    n = (size_t) snprintf(out, 5, "%u ", set->key_id);

    mfa_hex(set->salt, MFA_RECOVERY_SALT_LEN, out + n);
    n += 2 * MFA_RECOVERY_SALT_LEN;

    out[n] = '\0';

    return n;
}


int
mfa_recovery_set_parse(const char *s, size_t len, mfa_recovery_set_t *set)
{
    int       hi, lo;
    size_t    i, n;
    uint8_t   salt[MFA_RECOVERY_SALT_LEN];
    unsigned  id;

    /* a key id of 1 to 3 digits (0 to 255), without leading zeros */

    id = 0;

    for (n = 0; n < len && n < 4 && s[n] >= '0' && s[n] <= '9'; n++) {
        id = id * 10 + (unsigned) (s[n] - '0');
    }

    if (n == 0 || n > 3 || id > 255 || (s[0] == '0' && n > 1)
        || len != n + 1 + MFA_RECOVERY_SALT_LEN * 2 || s[n] != ' ')
    {
        return MFA_ERROR;
    }

    s += n + 1;

    for (i = 0; i < MFA_RECOVERY_SALT_LEN; i++) {
        hi = mfa_hex_value(s[2 * i]);
        lo = mfa_hex_value(s[2 * i + 1]);

        /* lower case only: one spelling per value */

        if (hi < 0 || lo < 0 || (s[2 * i] >= 'A' && s[2 * i] <= 'F')
            || (s[2 * i + 1] >= 'A' && s[2 * i + 1] <= 'F'))
        {
            return MFA_ERROR;
        }

        salt[i] = (uint8_t) (hi << 4 | lo);
    }

    set->key_id = id;
    memcpy(set->salt, salt, MFA_RECOVERY_SALT_LEN);

    return MFA_OK;
}


int
mfa_recovery_hash(const uint8_t *key, const mfa_recovery_set_t *set,
    const char *user, size_t user_len, const char *code, uint8_t *out)
{
    int      rc;
    size_t   n;
    uint8_t  msg[MFA_RECOVERY_SALT_LEN + MFA_RECOVERY_HASH_LEN + 1
                 + MFA_RECOVERY_LEN];

    /* an HMAC of the user id keeps the message a fixed size */

    n = 0;

    if (set != NULL) {
        memcpy(msg, set->salt, MFA_RECOVERY_SALT_LEN);
        n = MFA_RECOVERY_SALT_LEN;
    }

    rc = mfa_hmac_sha256(key, MFA_KEY_LEN, user, user_len, msg + n);
    n += MFA_RECOVERY_HASH_LEN;

    if (set == NULL) {
        msg[n++] = 0;
    }

    memcpy(msg + n, code, MFA_RECOVERY_LEN);
    n += MFA_RECOVERY_LEN;

    if (rc == MFA_OK) {
        rc = mfa_hmac_sha256(key, MFA_KEY_LEN, msg, n, out);
    }

    OPENSSL_cleanse(msg, sizeof(msg));

    return rc;
}
