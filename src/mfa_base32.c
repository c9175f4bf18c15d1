
/*
 * Base32 (RFC 4648).  Authenticator apps show and accept the secret in
 * upper case without padding; people type it back in any case, with the
 * spaces of its grouped display.
 */


#include "mfa_base32.h"


static const char  mfa_base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";


size_t
mfa_base32_encode(const uint8_t *in, size_t len, char *out)
{
    size_t    i, n;
    unsigned  bits;
    uint32_t  buf;

    n = 0;
    buf = 0;
    bits = 0;

    for (i = 0; i < len; i++) {
        buf = (buf << 8) | in[i];
        bits += 8;

        while (bits >= 5) {
            out[n++] = mfa_base32_alphabet[(buf >> (bits - 5)) & 0x1f];
            bits -= 5;
        }
    }

    if (bits > 0) {
        out[n++] = mfa_base32_alphabet[(buf << (5 - bits)) & 0x1f];
    }

    return n;
}


int
mfa_base32_decode(const char *in, size_t len, uint8_t *out,
    size_t out_size, size_t *out_len, mfa_err_t *err)
{
    char      c;
    size_t    i, n, chars;
    unsigned  bits, v;
    uint32_t  buf;

    n = 0;
    buf = 0;
    bits = 0;
    chars = 0;

    for (i = 0; i < len; i++) {
        c = in[i];

        if (c == ' ' || c == '-' || c == '=') {
            continue;
        }

        if (c >= 'a' && c <= 'z') {
            c = (char) (c - 'a' + 'A');
        }

        if (c >= 'A' && c <= 'Z') {
            v = (unsigned) (c - 'A');

        } else if (c >= '2' && c <= '7') {
            v = (unsigned) (c - '2' + 26);

        } else {
            mfa_err_set(err, "invalid base32 character at offset %zu", i);
            return MFA_ERROR;
        }

        chars++;
        buf = (buf << 5) | v;
        bits += 5;

        if (bits >= 8) {
            if (n == out_size) {
                mfa_err_set(err, "base32 value longer than %zu bytes",
                            out_size);
                return MFA_TOO_LARGE;
            }

            out[n++] = (uint8_t) (buf >> (bits - 8));
            bits -= 8;
        }
    }

    /* 1, 3 or 6 characters in the last group cannot end on a byte */

    switch (chars % 8) {
    case 1:
    case 3:
    case 6:
        mfa_err_set(err, "base32 value has an impossible length");
        return MFA_ERROR;
    }

    *out_len = n;

    return MFA_OK;
}
