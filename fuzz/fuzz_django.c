
/*
 * Fuzz target for Django's signed session records (src/mfa_django.c).
 *
 * The input's first byte picks the size of the output buffer; the rest is
 * the record, in a heap buffer of exactly its size, decoded into a heap
 * buffer of exactly the output's size (ASan sees a byte read or written
 * past either), once without a secret and once with two (rotation: the
 * seeds are signed with one or the other).  Whatever the bytes: MFA_OK or
 * MFA_ERROR with a message; *out_len <= out_size; a record verifies
 * exactly when a reference signature (salted_hmac() over OpenSSL, here)
 * under one of the secrets is what it carries, and then decodes as it
 * does without a secret; a record that decodes reads back as its
 * payload: base64url that the output encodes to again, or a zlib stream
 * that zlib's uncompress() inflates to the output in full, to its end.
 *
 * The seeds (fuzz/corpus/fuzz_django/) were written by Django 3.2.25 with
 * SECRET_KEY "fuzz-secret" (by a script, not kept): SessionStore().encode()
 * of small JSON sessions, compressed or not; signing.dumps() with
 * PickleSerializer, with the other secret and with another store's salt;
 * TimestampSigner's signature over 1 MiB of zeros compressed, and over a
 * zlib stream with data after its end; the encoding before Django 3.1.
 */


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include "mfa_base64.h"
#include "mfa_django.h"
#include "fuzz.h"


#define FUZZ_SECRET  "fuzz-secret"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_signed(const char *rec, size_t len);
static void fuzz_payload(const char *rec, size_t len, const char *out,
    size_t out_size, size_t out_len);


static const size_t  fuzz_sizes[] = { 0, 1, 7, 64, 1024, 65536 };

static const mfa_str_t  fuzz_secrets[] = {
    { "fuzz-other-secret", sizeof("fuzz-other-secret") - 1 },
    { FUZZ_SECRET, sizeof(FUZZ_SECRET) - 1 }
};


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int         rc, rc1;
    char       *rec, *out, *out1;
    size_t      len, out_size, out_len, out_len1;
    mfa_err_t   err, err1;

    if (size < 1) {
        return 0;
    }

    out_size = fuzz_sizes[data[0] % 6];
    len = size - 1;

    rec = malloc(len ? len : 1);
    out = malloc(out_size ? out_size : 1);
    out1 = malloc(out_size ? out_size : 1);
    FUZZ_CHECK(rec != NULL && out != NULL && out1 != NULL);
    memcpy(rec, data + 1, len);

    err.msg[0] = '\0';
    rc = mfa_django_decode(rec, len, NULL, 0, NULL, 0, out, out_size,
                           &out_len, &err);
    FUZZ_CHECK(rc == MFA_OK || rc == MFA_ERROR);
    FUZZ_CHECK(rc == MFA_OK || err.msg[0] != '\0');

    err1.msg[0] = '\0';
    rc1 = mfa_django_decode(rec, len, NULL, 0, fuzz_secrets, 2, out1,
                            out_size, &out_len1, &err1);
    FUZZ_CHECK(rc1 == MFA_OK || rc1 == MFA_ERROR);
    FUZZ_CHECK(rc1 == MFA_OK || err1.msg[0] != '\0');

    if (rc == MFA_OK) {
        FUZZ_CHECK(out_len <= out_size);
        fuzz_payload(rec, len, out, out_size, out_len);
    }

    /* the secret changes whether the signature counts, nothing else */

    if (rc1 == MFA_OK) {
        FUZZ_CHECK(fuzz_signed(rec, len));
        FUZZ_CHECK(rc == MFA_OK && out_len1 == out_len
                   && memcmp(out1, out, out_len) == 0);

    } else if (rc == MFA_OK) {
        FUZZ_CHECK(!fuzz_signed(rec, len));
    }

    free(out1);
    free(out);
    free(rec);

    return 0;
}


/*
 * the reference: the text after the last ':' is Django's signature under
 * one of the secrets
 */

static int
fuzz_signed(const char *rec, size_t len)
{
    char                sig[64];
    size_t              at, i;
    uint8_t             key[32], mac[32];
    unsigned            n;
    EVP_MD_CTX         *ctx;
    static const char   salt[] = MFA_DJANGO_SALT "signer";

    for (at = len; at > 0 && rec[at - 1] != ':'; at--) {
        /* void */
    }

    if (at == 0) {
        return 0;
    }

    for (i = 0; i < 2; i++) {
        ctx = EVP_MD_CTX_new();
        FUZZ_CHECK(ctx != NULL);
        FUZZ_CHECK(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1
                   && EVP_DigestUpdate(ctx, salt, sizeof(salt) - 1) == 1
                   && EVP_DigestUpdate(ctx, fuzz_secrets[i].data,
                                       fuzz_secrets[i].len) == 1
                   && EVP_DigestFinal_ex(ctx, key, NULL) == 1);
        EVP_MD_CTX_free(ctx);

        FUZZ_CHECK(HMAC(EVP_sha256(), key, sizeof(key),
                        (const unsigned char *) rec, at - 1, mac, &n)
                   != NULL);
        n = mfa_base64url_encode(mac, sizeof(mac), sig);

        if (len - at == n && memcmp(rec + at, sig, n) == 0) {
            return 1;
        }
    }

    return 0;
}


/* what decoded is the payload's content */

static void
fuzz_payload(const char *rec, size_t len, const char *out, size_t out_size,
    size_t out_len)
{
    int       compressed;
    char     *text;
    size_t    i, end, n;
    uint8_t  *raw, *ref;
    uLong     src_len;
    uLongf    ref_len;

    /* the payload ends at the last ':' but one */

    for (i = 0, end = 0, n = 0; i < len; i++) {
        if (rec[i] == ':') {
            n++;
            end = (n == 1) ? i : end;
        }
    }

    FUZZ_CHECK(n == 2);

    compressed = (rec[0] == '.');

    if (!compressed) {
        text = malloc(mfa_base64url_encoded_len(out_len) + 1);
        FUZZ_CHECK(text != NULL);
        n = mfa_base64url_encode((const uint8_t *) out, out_len, text);
        FUZZ_CHECK(n == end && memcmp(text, rec, n) == 0);
        free(text);
        return;
    }

    raw = malloc(end);
    ref = malloc(out_size + 1);
    FUZZ_CHECK(raw != NULL && ref != NULL);
    FUZZ_CHECK(mfa_base64url_decode(rec + 1, end - 1, raw, end, &n)
               == MFA_OK);

    src_len = n;
    ref_len = out_size + 1;
    FUZZ_CHECK(uncompress2(ref, &ref_len, raw, &src_len) == Z_OK);
    FUZZ_CHECK(src_len == n && ref_len == out_len
               && memcmp(ref, out, out_len) == 0);

    free(ref);
    free(raw);
}
