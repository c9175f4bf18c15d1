
/*
 * Django's signed session records (src/mfa_django.h): the envelope of
 * TimestampSigner checked as Django 3.2's signing.loads() checks it (the
 * signature first, over the payload and the timestamp), then the payload
 * decoded and, when compressed, inflated into the caller's buffer, in
 * pieces from a small stack buffer: nothing is allocated but zlib's own
 * state, and inflation stops at the buffer's end.
 */


#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "mfa_base64.h"
#include "mfa_crypto.h"
#include "mfa_django.h"


/* base64url characters decoded at a time, a multiple of 4 */
#define MFA_DJANGO_CHUNK    1024
/* the signature: base64url of HMAC-SHA256, no padding */
#define MFA_DJANGO_SIG_LEN  mfa_base64url_encoded_len(MFA_HMAC_LEN)
/* the old encoding: base64 of 40 hex digits and ':' (and more) */
#define MFA_DJANGO_LEGACY   56


static int mfa_django_legacy(const char *rec, size_t len);
static int mfa_django_b64_check(const char *rec, size_t from, size_t to,
    const char *what, mfa_err_t *err);
static int mfa_django_b64_value(char c);
static int mfa_django_verify(const char *salt, size_t salt_len,
    const mfa_str_t *secrets, size_t nsecrets, const char *value,
    size_t value_len, const uint8_t *sig, mfa_err_t *err);
static int mfa_django_key(const char *salt, size_t salt_len,
    const mfa_str_t *secret, uint8_t *key);
static int mfa_django_inflate(const char *b64, size_t len, char *out,
    size_t out_size, size_t *out_len, mfa_err_t *err);


int
mfa_django_decode(const char *rec, size_t len, const char *salt,
    size_t salt_len, const mfa_str_t *secrets, size_t nsecrets, char *out,
    size_t out_size, size_t *out_len, mfa_err_t *err)
{
    int          rc, compressed;
    size_t       i, sig_at, ts_at, start, n;
    uint8_t      sig[MFA_HMAC_LEN];

    if (salt == NULL || salt_len == 0) {
        salt = MFA_DJANGO_SALT;
        salt_len = sizeof(MFA_DJANGO_SALT) - 1;
    }

    for (i = 0; i < nsecrets; i++) {
        if (secrets[i].len == 0) {
            mfa_err_set(err, "Django secret %zu of %zu is empty", i + 1,
                        nsecrets);
            return MFA_ERROR;
        }
    }

    if (len == 0) {
        mfa_err_set(err, "Django session record is empty");
        return MFA_ERROR;
    }

    /* "<payload>:<timestamp>:<signature>", split at the last two ':' */

    for (sig_at = len; sig_at > 0 && rec[sig_at - 1] != ':'; sig_at--) {
        /* void */
    }

    if (sig_at == 0) {
        if (mfa_django_legacy(rec, len)) {
            mfa_err_set(err, "Django session record in the encoding of "
                        "Django before 3.1 (or of DEFAULT_HASHING_ALGORITHM"
                        " = 'sha1'), which is not read");

        } else {
            mfa_err_set(err, "Django session record is not a signed value "
                        "(no ':')");
        }

        return MFA_ERROR;
    }

    for (ts_at = sig_at - 1; ts_at > 0 && rec[ts_at - 1] != ':'; ts_at--) {
        /* void */
    }

    if (ts_at == 0) {
        mfa_err_set(err, "Django session record has no timestamp (one ':')");
        return MFA_ERROR;
    }

    if (ts_at == sig_at - 1) {
        mfa_err_set(err, "Django session record has an empty timestamp at "
                    "byte %zu", ts_at);
        return MFA_ERROR;
    }

    for (i = ts_at; i < sig_at - 1; i++) {
        if (mfa_django_b64_value(rec[i]) < 0 || rec[i] == '-'
            || rec[i] == '_')
        {
            mfa_err_set(err, "Django session record's timestamp is not "
                        "base62 at byte %zu", i);
            return MFA_ERROR;
        }
    }

    if (len - sig_at != MFA_DJANGO_SIG_LEN) {
        mfa_err_set(err, "Django session record's signature is %zu "
                    "characters long, not %d", len - sig_at,
                    (int) MFA_DJANGO_SIG_LEN);
        return MFA_ERROR;
    }

    if (mfa_django_b64_check(rec, sig_at, len, "signature", err) != MFA_OK) {
        return MFA_ERROR;
    }

    /* checked: decodes */
    (void) mfa_base64url_decode(rec + sig_at, MFA_DJANGO_SIG_LEN, sig,
                                sizeof(sig), &n);

    compressed = (rec[0] == '.');
    start = compressed ? 1 : 0;

    if (mfa_django_b64_check(rec, start, ts_at - 1, "payload", err)
        != MFA_OK)
    {
        return MFA_ERROR;
    }

    if (nsecrets > 0
        && mfa_django_verify(salt, salt_len, secrets, nsecrets, rec,
                             sig_at - 1, sig, err) != MFA_OK)
    {
        return MFA_ERROR;
    }

    if (compressed) {
        return mfa_django_inflate(rec + start, ts_at - 1 - start, out,
                                  out_size, out_len, err);
    }

    rc = mfa_base64url_decode(rec, ts_at - 1, (uint8_t *) out, out_size,
                              out_len);

    if (rc != MFA_OK) {
        mfa_err_set(err, "Django session record's payload is larger than "
                    "%zu bytes", out_size);
        return MFA_ERROR;
    }

    return MFA_OK;
}


/*
 * The encoding before Django 3.1: standard base64, its first 56
 * characters the 40 hex digits of a SHA-1 and ':'
 */

static int
mfa_django_legacy(const char *rec, size_t len)
{
    char     c, head[MFA_DJANGO_LEGACY];
    size_t   i, n;
    uint8_t  raw[MFA_DJANGO_LEGACY / 4 * 3];

    if (len < MFA_DJANGO_LEGACY) {
        return 0;
    }

    for (i = 0; i < MFA_DJANGO_LEGACY; i++) {
        c = rec[i];
        head[i] = (c == '+') ? '-' : (c == '/') ? '_' : c;
    }

    if (mfa_base64url_decode(head, MFA_DJANGO_LEGACY, raw, sizeof(raw), &n)
        != MFA_OK
        || raw[40] != ':')
    {
        return 0;
    }

    for (i = 0; i < 40; i++) {
        if (!((raw[i] >= '0' && raw[i] <= '9')
              || (raw[i] >= 'a' && raw[i] <= 'f')))
        {
            return 0;
        }
    }

    return 1;
}


/*
 * rec[from..to) is base64url as Django's b64_encode() writes it: the url
 * alphabet, no padding, a length base64 can have, the unused bits of the
 * last character zero
 */

static int
mfa_django_b64_check(const char *rec, size_t from, size_t to,
    const char *what, mfa_err_t *err)
{
    int     v;
    size_t  i;

    for (i = from; i < to; i++) {
        if (mfa_django_b64_value(rec[i]) < 0) {
            mfa_err_set(err, "Django session record's %s is not base64url "
                        "at byte %zu", what, i);
            return MFA_ERROR;
        }
    }

    if ((to - from) % 4 == 1) {
        mfa_err_set(err, "Django session record's %s is %zu base64 "
                    "characters long, a length base64 never has", what,
                    to - from);
        return MFA_ERROR;
    }

    if ((to - from) % 4 != 0) {
        v = mfa_django_b64_value(rec[to - 1]);

        if (v & ((to - from) % 4 == 2 ? 0x0f : 0x03)) {
            mfa_err_set(err, "Django session record's %s does not end as "
                        "base64 does at byte %zu", what, to - 1);
            return MFA_ERROR;
        }
    }

    return MFA_OK;
}


static int
mfa_django_b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }

    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }

    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }

    if (c == '-') {
        return 62;
    }

    if (c == '_') {
        return 63;
    }

    return -1;
}


/*
 * Signer.unsign(): the signature is HMAC-SHA256 of "<payload>:<timestamp>"
 * under salted_hmac()'s key, with each secret in turn
 */

static int
mfa_django_verify(const char *salt, size_t salt_len,
    const mfa_str_t *secrets, size_t nsecrets, const char *value,
    size_t value_len, const uint8_t *sig, mfa_err_t *err)
{
    int      rc;
    size_t   i;
    uint8_t  key[MFA_HMAC_LEN], mac[MFA_HMAC_LEN];

    rc = MFA_ERROR;

    for (i = 0; i < nsecrets; i++) {
        if (mfa_django_key(salt, salt_len, &secrets[i], key) != MFA_OK
            || mfa_hmac_sha256(key, sizeof(key), value, value_len, mac)
               != MFA_OK)
        {
            mfa_err_set(err, "Django session record: OpenSSL cannot "
                        "compute HMAC-SHA256");
            break;
        }

        if (mfa_ct_equal(mac, sig, MFA_HMAC_LEN)) {
            rc = MFA_OK;
            break;
        }
    }

    if (i == nsecrets) {
        mfa_err_set(err, "Django session record's signature does not "
                    "verify with any of the %zu secrets (salt \"%.*s\")",
                    nsecrets, (int) (salt_len > 64 ? 64 : salt_len), salt);
    }

    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(mac, sizeof(mac));

    return rc;
}


/* salted_hmac()'s key: SHA-256(salt "signer" secret) */

static int
mfa_django_key(const char *salt, size_t salt_len, const mfa_str_t *secret,
    uint8_t *key)
{
    int          rc;
    EVP_MD_CTX  *ctx;

    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        return MFA_ERROR;
    }

    rc = (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1
          && EVP_DigestUpdate(ctx, salt, salt_len) == 1
          && EVP_DigestUpdate(ctx, "signer", sizeof("signer") - 1) == 1
          && EVP_DigestUpdate(ctx, secret->data, secret->len) == 1
          && EVP_DigestFinal_ex(ctx, key, NULL) == 1)
         ? MFA_OK : MFA_ERROR;

    EVP_MD_CTX_free(ctx);

    return rc;
}


/*
 * zlib.decompress() of the payload (a zlib stream), its base64url decoded
 * a piece at a time; when out is full, inflate() gets one byte more to
 * write: if it writes it, the session is larger than out
 */

static int
mfa_django_inflate(const char *b64, size_t len, char *out, size_t out_size,
    size_t *out_len, mfa_err_t *err)
{
    int            rc, zrc;
    size_t         i, n, piece;
    uint8_t        buf[MFA_DJANGO_CHUNK / 4 * 3];
    z_stream       z;
    unsigned char  spill;

    memset(&z, 0, sizeof(z));

    if (inflateInit(&z) != Z_OK) {
        mfa_err_set(err, "Django session record: zlib cannot start");
        return MFA_ERROR;
    }

    if (out_size > UINT_MAX) {
        out_size = UINT_MAX;
    }

    z.next_out = (Bytef *) out;
    z.avail_out = (uInt) out_size;

    rc = MFA_OK;
    zrc = Z_OK;

    for (i = 0; rc == MFA_OK && zrc != Z_STREAM_END && i < len; i += piece) {
        piece = (len - i < MFA_DJANGO_CHUNK) ? len - i : MFA_DJANGO_CHUNK;

        /* checked already: decodes */
        (void) mfa_base64url_decode(b64 + i, piece, buf, sizeof(buf), &n);

        z.next_in = buf;
        z.avail_in = (uInt) n;

        do {
            if (z.avail_out == 0) {
                z.next_out = &spill;
                z.avail_out = 1;
            }

            zrc = inflate(&z, Z_NO_FLUSH);

            if (z.next_out == &spill + 1) {
                mfa_err_set(err, "Django session record's compressed "
                            "payload is larger than %zu bytes", out_size);
                rc = MFA_ERROR;
                break;
            }

            if (zrc == Z_STREAM_END) {
                break;
            }

            if (zrc == Z_BUF_ERROR && z.avail_in == 0) {
                /* the next piece, please */
                zrc = Z_OK;
                break;
            }

            if (zrc != Z_OK) {
                mfa_err_set(err, "Django session record's compressed "
                            "payload: zlib error %d (%s)", zrc,
                            z.msg ? z.msg : "no message");
                rc = MFA_ERROR;
                break;
            }

        } while (z.avail_in > 0 || z.avail_out == 0 || z.next_out == &spill);
    }

    if (rc == MFA_OK && zrc != Z_STREAM_END) {
        mfa_err_set(err, "Django session record's compressed payload is "
                    "truncated");
        rc = MFA_ERROR;
    }

    if (rc == MFA_OK && (z.avail_in > 0 || i < len)) {
        mfa_err_set(err, "Django session record's compressed payload has "
                    "data after its end");
        rc = MFA_ERROR;
    }

    if (rc == MFA_OK) {
        *out_len = (size_t) z.total_out;
    }

    inflateEnd(&z);

    return rc;
}
