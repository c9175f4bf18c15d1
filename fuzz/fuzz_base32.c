
/*
 * Fuzz target for base32 (src/mfa_base32.c) and base64url
 * (src/mfa_base64.c).
 *
 * The input is used twice for each encoding:
 *
 *   as text to decode into heap buffers of exact sizes, so that ASan
 *   sees a write one byte past the limit: the return code and the bytes
 *   must agree with a bit-by-bit reference decoder written from RFC 4648
 *   and the header comments (base32: any case, " ", "-" and "=" ignored,
 *   1, 3 or 6 symbols in the last group refused; base64url: the url
 *   alphabet only, a length of 4n + 1 refused, bits after the last byte
 *   zero), MFA_TOO_LARGE exactly
 *   when the value does not fit, and the decoded bytes must round-trip
 *   through the encoder and the decoder again;
 *
 *   as bytes to encode: the length is the one *_encoded_len() promises,
 *   only the alphabet is used, and decoding gives the bytes back (for
 *   base32 in lower case too, as people type it).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mfa_base32.h"
#include "mfa_base64.h"
#include "fuzz.h"


#define FUZZ_OUT_MAX  64

typedef int (*fuzz_decode_pt)(const char *in, size_t len, uint8_t *out,
    size_t out_size, size_t *out_len);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_base32_decode(const char *in, size_t len, uint8_t *out,
    size_t out_size, size_t *out_len);
static int fuzz_base32_value(unsigned char c);
static int fuzz_base64_value(unsigned char c);
static size_t fuzz_ref_decode(const char *in, size_t len, int base32,
    uint8_t *out, int *ok);
static void fuzz_decode_text(const char *in, size_t len, int base32);
static void fuzz_encode_bytes(const uint8_t *in, size_t len, int base32);


static const char  fuzz_base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char  fuzz_base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


static int
fuzz_base32_decode(const char *in, size_t len, uint8_t *out, size_t out_size,
    size_t *out_len)
{
    mfa_err_t  err;

    return mfa_base32_decode(in, len, out, out_size, out_len, &err);
}


/* the symbol's value, -1 for an ignored character, -2 for a bad one */

static int
fuzz_base32_value(unsigned char c)
{
    const char  *p;

    if (c == ' ' || c == '-' || c == '=') {
        return -1;
    }

    if (c >= 'a' && c <= 'z') {
        c = (unsigned char) (c - 'a' + 'A');
    }

    p = (c == '\0') ? NULL : strchr(fuzz_base32_alphabet, c);

    return (p == NULL) ? -2 : (int) (p - fuzz_base32_alphabet);
}


static int
fuzz_base64_value(unsigned char c)
{
    const char  *p;

    p = (c == '\0') ? NULL : strchr(fuzz_base64_alphabet, c);

    return (p == NULL) ? -2 : (int) (p - fuzz_base64_alphabet);
}


/*
 * Writes the value into out (room for len bytes) bit by bit; *ok is 0
 * when the text is not an encoding at all.  Returns the decoded length.
 */

static size_t
fuzz_ref_decode(const char *in, size_t len, int base32, uint8_t *out, int *ok)
{
    int     v;
    size_t  i, b, nbits, width;

    *ok = 1;
    nbits = 0;
    width = base32 ? 5 : 6;

    memset(out, 0, len);

    if (!base32 && len % 4 == 1) {
        *ok = 0;
        return 0;
    }

    for (i = 0; i < len; i++) {
        v = base32 ? fuzz_base32_value((unsigned char) in[i])
                   : fuzz_base64_value((unsigned char) in[i]);

        if (v == -1) {
            continue;
        }

        if (v == -2) {
            *ok = 0;
            return 0;
        }

        for (b = 0; b < width; b++) {
            if (v & (1 << (width - 1 - b))) {
                if ((nbits + b) / 8 < len) {
                    out[(nbits + b) / 8] |= (uint8_t) (0x80 >> ((nbits + b)
                                                                % 8));
                }
            }
        }

        nbits += width;
    }

    if (base32) {
        switch ((nbits / 5) % 8) {
        case 1:
        case 3:
        case 6:
            *ok = 0;
            return 0;
        }

    } else if (nbits % 8 != 0 && out[nbits / 8] != 0) {
        /* bits after the last byte: not the canonical text */
        *ok = 0;
        return 0;
    }

    return nbits / 8;
}


static void
fuzz_decode_text(const char *in, size_t len, int base32)
{
    int             ok, rc;
    char           *enc;
    size_t          want, n, n2, elen;
    uint8_t        *ref, *out, *out2;
    fuzz_decode_pt  decode;

    decode = base32 ? fuzz_base32_decode : mfa_base64url_decode;

    ref = malloc(len + 1);
    FUZZ_CHECK(ref != NULL);

    want = fuzz_ref_decode(in, len, base32, ref, &ok);

    /* a bounded buffer, as the module gives for a secret or a token */

    out = malloc(FUZZ_OUT_MAX);
    FUZZ_CHECK(out != NULL);

    n = (size_t) -1;
    rc = decode(in, len, out, FUZZ_OUT_MAX, &n);

    if (!ok) {
        /* a value too long may be refused before the bad character */
        FUZZ_CHECK(rc == MFA_ERROR || rc == MFA_TOO_LARGE);

    } else if (want > FUZZ_OUT_MAX) {
        FUZZ_CHECK(rc == MFA_TOO_LARGE);

    } else {
        FUZZ_CHECK(rc == MFA_OK);
        FUZZ_CHECK(n == want);
        FUZZ_CHECK(memcmp(out, ref, n) == 0);
    }

    if (rc == MFA_TOO_LARGE) {
        FUZZ_CHECK(want > FUZZ_OUT_MAX || !ok);
    }

    free(out);

    if (!ok) {
        free(ref);
        return;
    }

    /* exactly the room needed, then one byte less */

    out = malloc(want);
    FUZZ_CHECK(out != NULL);

    n = (size_t) -1;
    rc = decode(in, len, out, want, &n);
    FUZZ_CHECK(rc == MFA_OK && n == want);
    FUZZ_CHECK(memcmp(out, ref, n) == 0);

    if (want > 0) {
        out2 = malloc(want - 1);
        FUZZ_CHECK(out2 != NULL);

        rc = decode(in, len, out2, want - 1, &n2);
        FUZZ_CHECK(rc == MFA_TOO_LARGE);

        free(out2);
    }

    /* decode(encode(decode(x))) == decode(x) */

    elen = base32 ? mfa_base32_encoded_len(n) : mfa_base64url_encoded_len(n);

    enc = malloc(elen);
    FUZZ_CHECK(enc != NULL);

    FUZZ_CHECK((base32 ? mfa_base32_encode(out, n, enc)
                       : mfa_base64url_encode(out, n, enc))
               == elen);

    out2 = malloc(n);
    FUZZ_CHECK(out2 != NULL);

    rc = decode(enc, elen, out2, n, &n2);
    FUZZ_CHECK(rc == MFA_OK && n2 == n);
    FUZZ_CHECK(memcmp(out2, out, n) == 0);

    free(out2);
    free(enc);
    free(out);
    free(ref);
}


static void
fuzz_encode_bytes(const uint8_t *in, size_t len, int base32)
{
    int             rc;
    char           *enc;
    size_t          i, elen, n;
    uint8_t        *out;
    const char     *alphabet;
    fuzz_decode_pt  decode;

    decode = base32 ? fuzz_base32_decode : mfa_base64url_decode;
    alphabet = base32 ? fuzz_base32_alphabet : fuzz_base64_alphabet;

    elen = base32 ? mfa_base32_encoded_len(len)
                  : mfa_base64url_encoded_len(len);

    enc = malloc(elen);
    FUZZ_CHECK(enc != NULL);

    FUZZ_CHECK((base32 ? mfa_base32_encode(in, len, enc)
                       : mfa_base64url_encode(in, len, enc))
               == elen);

    for (i = 0; i < elen; i++) {
        FUZZ_CHECK(enc[i] != '\0' && strchr(alphabet, enc[i]) != NULL);
    }

    out = malloc(len);
    FUZZ_CHECK(out != NULL);

    n = (size_t) -1;
    rc = decode(enc, elen, out, len, &n);
    FUZZ_CHECK(rc == MFA_OK && n == len);
    FUZZ_CHECK(memcmp(out, in, len) == 0);

    if (base32) {
        for (i = 0; i < elen; i++) {
            if (enc[i] >= 'A' && enc[i] <= 'Z') {
                enc[i] = (char) (enc[i] - 'A' + 'a');
            }
        }

        n = (size_t) -1;
        rc = decode(enc, elen, out, len, &n);
        FUZZ_CHECK(rc == MFA_OK && n == len);
        FUZZ_CHECK(memcmp(out, in, len) == 0);
    }

    free(out);
    free(enc);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_decode_text((const char *) data, size, 1);
    fuzz_decode_text((const char *) data, size, 0);

    fuzz_encode_bytes(data, size, 1);
    fuzz_encode_bytes(data, size, 0);

    return 0;
}
