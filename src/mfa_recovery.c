
/*
 * Recovery codes.  31 symbols (lower case letters and digits without
 * 0 o 1 l i) drawn by rejection sampling from the CSPRNG give 49 bits a
 * code; brute force is stopped by the failure counter, not by length.
 */


#include <string.h>

#include <openssl/crypto.h>

#include "mfa_crypto.h"
#include "mfa_recovery.h"


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

    n = 0;
    i = sizeof(rnd);

    while (n < MFA_RECOVERY_LEN) {

        if (n == MFA_RECOVERY_CHARS / 2) {
            out[n++] = '-';
            continue;
        }

        if (i == sizeof(rnd)) {
            if (mfa_random(rnd, sizeof(rnd)) != MFA_OK) {
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


void
mfa_recovery_hash(const uint8_t *key, const char *user, size_t user_len,
    const char *code, uint8_t *out)
{
    uint8_t  msg[MFA_RECOVERY_HASH_LEN + 1 + MFA_RECOVERY_LEN];

    /* an HMAC of the user id keeps the message a fixed size */

    mfa_hmac_sha256(key, MFA_KEY_LEN, user, user_len, msg);
    msg[MFA_RECOVERY_HASH_LEN] = 0;
    memcpy(msg + MFA_RECOVERY_HASH_LEN + 1, code, MFA_RECOVERY_LEN);

    mfa_hmac_sha256(key, MFA_KEY_LEN, msg, sizeof(msg), out);
    OPENSSL_cleanse(msg, sizeof(msg));
}
