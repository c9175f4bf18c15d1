
/*
 * Base64url without padding, the standard alphabet's encoding without
 * padding that Node.js cookie signatures use, and standard base64 as Java
 * reads and writes it (Spring Session's cookie).
 */


#include "mfa_base64.h"


static size_t mfa_base64_encode_with(const char *alphabet,
    const uint8_t *in, size_t len, char *out);


static const char  mfa_b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char  mfa_b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";


size_t
mfa_base64url_encode(const uint8_t *in, size_t len, char *out)
{
    return mfa_base64_encode_with(mfa_b64url_alphabet, in, len, out);
}


size_t
mfa_base64_encode(const uint8_t *in, size_t len, char *out)
{
    return mfa_base64_encode_with(mfa_b64_alphabet, in, len, out);
}


static size_t
mfa_base64_encode_with(const char *alphabet, const uint8_t *in, size_t len,
    char *out)
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

        while (bits >= 6) {
            out[n++] = alphabet[(buf >> (bits - 6)) & 0x3f];
            bits -= 6;
        }
    }

    if (bits > 0) {
        out[n++] = alphabet[(buf << (6 - bits)) & 0x3f];
    }

    return n;
}


size_t
mfa_base64_encode_padded(const uint8_t *in, size_t len, char *out)
{
    size_t  n;

    n = mfa_base64_encode_with(mfa_b64_alphabet, in, len, out);

    while (n % 4 != 0) {
        out[n++] = '=';
    }

    return n;
}


/*
 * The characters of an alphabet, no padding; *loose: whether the bits
 * after the last byte are not all zero.
 */

static int
mfa_base64_decode_with(const char *in, size_t len, int url, uint8_t *out,
    size_t out_size, size_t *out_len, int *loose)
{
    char      c;
    size_t    i, n;
    unsigned  bits, v;
    uint32_t  buf;

    if (len % 4 == 1) {
        return MFA_ERROR;
    }

    n = 0;
    buf = 0;
    bits = 0;

    for (i = 0; i < len; i++) {
        c = in[i];

        if (c >= 'A' && c <= 'Z') {
            v = (unsigned) (c - 'A');

        } else if (c >= 'a' && c <= 'z') {
            v = (unsigned) (c - 'a' + 26);

        } else if (c >= '0' && c <= '9') {
            v = (unsigned) (c - '0' + 52);

        } else if (c == (url ? '-' : '+')) {
            v = 62;

        } else if (c == (url ? '_' : '/')) {
            v = 63;

        } else {
            return MFA_ERROR;
        }

        buf = (buf << 6) | v;
        bits += 6;

        if (bits >= 8) {
            if (n == out_size) {
                return MFA_TOO_LARGE;
            }

            out[n++] = (uint8_t) (buf >> (bits - 8));
            bits -= 8;
        }
    }

    *loose = (bits > 0 && (buf & ((1u << bits) - 1)) != 0);
    *out_len = n;

    return MFA_OK;
}


int
mfa_base64url_decode(const char *in, size_t len, uint8_t *out,
    size_t out_size, size_t *out_len)
{
    int  rc, loose;

    rc = mfa_base64_decode_with(in, len, 1, out, out_size, out_len, &loose);

    /* the bits left over must be zero: one text for one value */

    if (rc == MFA_OK && loose) {
        return MFA_ERROR;
    }

    return rc;
}


int
mfa_base64_java_decode(const char *in, size_t len, uint8_t *out,
    size_t out_size, size_t *out_len)
{
    int     loose;
    size_t  pad;

    pad = 0;

    while (pad < 2 && pad < len && in[len - 1 - pad] == '=') {
        pad++;
    }

    /* "==" ends a unit of two characters, "=" one of three */

    if (pad > 0 && (len % 4 != 0 || (len - pad) % 4 != 4 - pad)) {
        return MFA_ERROR;
    }

    return mfa_base64_decode_with(in, len - pad, 0, out, out_size, out_len,
                                  &loose);
}
