
/*
 * Unit tests of src/mfa_crypto.c: AES-256-GCM sealing (round trip,
 * tampering, wrong key, wrong owner, key ids, fresh nonces), key files
 * (size, mode, type, symlinks), signed expiring tokens, constant-time
 * comparison, key derivation and the session digest.
 */


#include "mfa_test.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "mfa_base64.h"
#include "mfa_crypto.h"


#define PLAIN      "twenty byte secret!!"
#define PLAIN_LEN  20


typedef struct {
    char        dir[64];
    char        path[128];
} tmp_t;


/* what the tests' sealed values are bound to: an owner's secret */
#define AD(owner)                                                             \
    (&(mfa_seal_ad_t) { { "mfa:", 4 }, "secret", { (owner), strlen(owner) } })


static mfa_key_t
random_key(void)
{
    uint8_t    bytes[MFA_KEY_LEN];
    mfa_key_t  key;

    mfa_test_random(bytes, sizeof(bytes));
    mfa_key_from_bytes(&key, bytes);

    return key;
}


/* a key whose id differs from the one given */

static mfa_key_t
random_key_other_id(uint8_t id)
{
    mfa_key_t  key;

    do {
        key = random_key();
    } while (key.id == id);

    return key;
}


static void
seal(const mfa_key_t *key, const char *ad, uint8_t *out, size_t *out_len)
{
    assert_int_equal(mfa_seal(key, AD(ad), (const uint8_t *) PLAIN, PLAIN_LEN, out, out_len), MFA_OK);
    assert_int_equal(*out_len, PLAIN_LEN + MFA_SEAL_OVERHEAD);
}


static void
test_seal_open_round_trip(void **state)
{
    size_t     n, len, plen;
    uint8_t    sealed[256], out[256], plain[200];
    mfa_err_t  err;
    mfa_key_t  key;

    key = random_key();

    seal(&key, "42", sealed, &n);

    assert_int_equal(sealed[0], MFA_SEAL_VERSION);
    assert_int_equal(sealed[1], key.id);
    assert_int_equal(mfa_sealed_key_id(sealed, n), key.id);

    /* the plaintext does not appear in the sealed value */
    assert_false(mfa_test_memmem(sealed, n, PLAIN, 8));

    len = 0;
    assert_int_equal(mfa_open(&key, 1, AD("42"), sealed, n, out, &len, &err),
                     MFA_OK);
    assert_int_equal(len, PLAIN_LEN);
    assert_memory_equal(out, PLAIN, PLAIN_LEN);

    /* every length, the empty one included */

    for (plen = 0; plen <= sizeof(plain); plen += 7) {
        mfa_test_random(plain, plen);

        assert_int_equal(mfa_seal(&key, AD("user"), plain, plen, sealed, &n),
                         MFA_OK);
        assert_int_equal(n, plen + MFA_SEAL_OVERHEAD);

        len = 999;
        assert_int_equal(mfa_open(&key, 1, AD("user"), sealed, n, out, &len, &err), MFA_OK);
        assert_int_equal(len, plen);
        assert_memory_equal(out, plain, plen);
    }
}


/* the text form Redis keeps: base64url of the sealed value */

static void
test_sealed_text(void **state)
{
    char       text[MFA_SEALED_TEXT_MAX + 1], big[MFA_SEALED_TEXT_MAX + 2];
    size_t     n, len, tlen;
    uint8_t    sealed[MFA_SEALED_MAX], out[MFA_SEALED_MAX];
    uint8_t    plain[MFA_SEALED_MAX];
    mfa_err_t  err;
    mfa_key_t  key;

    key = random_key();

    assert_int_equal(mfa_seal_text(&key, AD("42"), (const uint8_t *) PLAIN, PLAIN_LEN, text, &tlen), MFA_OK);
    assert_int_equal(tlen, strlen(text));
    assert_int_equal(tlen, mfa_base64url_encoded_len(PLAIN_LEN
                                                     + MFA_SEAL_OVERHEAD));
    assert_int_equal(mfa_sealed_text_key_id(text, tlen), key.id);

    assert_int_equal(mfa_sealed_from_text(text, tlen, sealed, &n), MFA_OK);
    assert_int_equal(n, PLAIN_LEN + MFA_SEAL_OVERHEAD);
    assert_int_equal(mfa_open(&key, 1, AD("42"), sealed, n, out, &len, &err),
                     MFA_OK);
    assert_memory_equal(out, PLAIN, PLAIN_LEN);

    /* the largest plaintext fits, one byte more does not */

    mfa_test_random(plain, sizeof(plain));
    assert_int_equal(mfa_seal_text(&key, AD("u"), plain, MFA_SEALED_MAX - MFA_SEAL_OVERHEAD, text, &tlen), MFA_OK);
    assert_int_equal(tlen, MFA_SEALED_TEXT_MAX);
    assert_int_equal(mfa_sealed_from_text(text, tlen, sealed, &n), MFA_OK);
    assert_int_equal(n, MFA_SEALED_MAX);
    assert_int_equal(mfa_seal_text(&key, AD("u"), plain, MFA_SEALED_MAX - MFA_SEAL_OVERHEAD + 1, text, &tlen), MFA_TOO_LARGE);

    /* not base64url, too long, not a sealed value */

    assert_int_not_equal(mfa_sealed_from_text("a b", 3, sealed, &n), MFA_OK);
    memset(big, 'A', sizeof(big));
    assert_int_equal(mfa_sealed_from_text(big, sizeof(big), sealed, &n),
                     MFA_TOO_LARGE);
    assert_int_equal(mfa_sealed_text_key_id(big, sizeof(big)), -1);
    assert_int_equal(mfa_sealed_text_key_id("AAAA", 4), -1);
}


static void
test_open_tampered(void **state)
{
    size_t     i, n, len;
    uint8_t    sealed[128], copy[128], out[128];
    unsigned   bit;
    mfa_err_t  err;
    mfa_key_t  key;

    key = random_key();
    seal(&key, "42", sealed, &n);

    /* every bit of every byte: version, key id, nonce, ciphertext, tag */

    for (i = 0; i < n; i++) {
        for (bit = 0; bit < 8; bit++) {
            memcpy(copy, sealed, n);
            copy[i] ^= (uint8_t) (1 << bit);
            memset(out, 0, sizeof(out));
            err.msg[0] = '\0';

            if (mfa_open(&key, 1, AD("42"), copy, n, out, &len, &err)
                != MFA_ERROR)
            {
                fail_msg("byte %zu bit %u flipped: opened", i, bit);
            }

            assert_true(err.msg[0] != '\0');

            /* no plaintext left behind */
            assert_false(mfa_test_memmem(out, sizeof(out), PLAIN, 4));
        }
    }

    /* truncated or extended */

    for (i = 0; i < n; i++) {
        assert_int_equal(mfa_open(&key, 1, AD("42"), sealed, i, out, &len, &err), MFA_ERROR);
    }

    memcpy(copy, sealed, n);
    copy[n] = 0;
    assert_int_equal(mfa_open(&key, 1, AD("42"), copy, n + 1, out, &len, &err), MFA_ERROR);

    /* the untouched value still opens */
    assert_int_equal(mfa_open(&key, 1, AD("42"), sealed, n, out, &len, &err),
                     MFA_OK);
}


static void
test_open_malformed(void **state)
{
    size_t     n, len;
    uint8_t    sealed[128], out[128];
    mfa_err_t  err;
    mfa_key_t  key;

    key = random_key();
    seal(&key, "42", sealed, &n);

    err.msg[0] = '\0';
    assert_int_equal(mfa_open(&key, 1, AD("42"), sealed, MFA_SEAL_OVERHEAD - 1, out, &len, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "malformed"));
    assert_int_equal(mfa_sealed_key_id(sealed, MFA_SEAL_OVERHEAD - 1), -1);

    sealed[0] = MFA_SEAL_VERSION + 1;
    err.msg[0] = '\0';
    assert_int_equal(mfa_open(&key, 1, AD("42"), sealed, n, out, &len, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "malformed"));
    assert_int_equal(mfa_sealed_key_id(sealed, n), -1);
}


static void
test_open_wrong_key(void **state)
{
    size_t     n, len;
    uint8_t    sealed[128], out[128];
    mfa_err_t  err;
    mfa_key_t  key, other;

    key = random_key();
    seal(&key, "42", sealed, &n);

    /* another key that happens to carry the same id byte */

    other = random_key();
    other.id = key.id;

    err.msg[0] = '\0';
    assert_int_equal(mfa_open(&other, 1, AD("42"), sealed, n, out, &len, &err), MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "fails authentication"));

    /* no key at all */
    err.msg[0] = '\0';
    assert_int_equal(mfa_open(&key, 0, AD("42"), sealed, n, out, &len, &err),
                     MFA_ERROR);
    assert_true(err.msg[0] != '\0');
}


static void
test_open_wrong_owner(void **state)
{
    size_t     i, n, len;
    uint8_t    sealed[128], out[128];
    mfa_err_t  err;
    mfa_key_t  key;

    static const char  *others[] = { "43", "4", "420", "", "42 ", "user:42" };

    key = random_key();
    seal(&key, "42", sealed, &n);

    for (i = 0; i < mfa_test_nelts(others); i++) {
        err.msg[0] = '\0';

        if (mfa_open(&key, 1, AD(others[i]), sealed, n, out, &len, &err)
            != MFA_ERROR)
        {
            fail_msg("a secret sealed for \"42\" opens for \"%s\"",
                     others[i]);
        }

        assert_true(mfa_test_contains(err.msg, "another owner"));
    }

    assert_int_equal(mfa_open(&key, 1, AD("42"), sealed, n, out, &len, &err),
                     MFA_OK);
}


static void
test_open_unknown_key_id(void **state)
{
    char       want[64];
    size_t     n, len;
    uint8_t    sealed[128], out[128];
    mfa_err_t  err;
    mfa_key_t  key, other;

    key = random_key();
    other = random_key_other_id(key.id);

    seal(&key, "42", sealed, &n);

    err.msg[0] = '\0';
    assert_int_equal(mfa_open(&other, 1, AD("42"), sealed, n, out, &len, &err), MFA_ERROR);

    snprintf(want, sizeof(want), "key id %d,", key.id);
    assert_true(mfa_test_contains(err.msg, want));
    assert_true(mfa_test_contains(err.msg, "no loaded key"));
}


static void
test_open_two_keys(void **state)
{
    size_t     n, len;
    uint8_t    sealed[128], out[128];
    mfa_err_t  err;
    mfa_key_t  keys[2], same_id[2];

    keys[0] = random_key();
    keys[1] = random_key_other_id(keys[0].id);

    /* sealed with either, opened with the pair */

    seal(&keys[1], "42", sealed, &n);
    assert_int_equal(mfa_sealed_key_id(sealed, n), keys[1].id);
    memset(out, 0, sizeof(out));
    assert_int_equal(mfa_open(keys, 2, AD("42"), sealed, n, out, &len, &err),
                     MFA_OK);
    assert_memory_equal(out, PLAIN, PLAIN_LEN);

    seal(&keys[0], "42", sealed, &n);
    memset(out, 0, sizeof(out));
    assert_int_equal(mfa_open(keys, 2, AD("42"), sealed, n, out, &len, &err),
                     MFA_OK);
    assert_memory_equal(out, PLAIN, PLAIN_LEN);

    /* two keys with the same id: the one that sealed it opens it */

    same_id[0] = random_key();
    same_id[0].id = keys[1].id;
    same_id[1] = keys[1];

    seal(&keys[1], "42", sealed, &n);
    memset(out, 0, sizeof(out));
    assert_int_equal(mfa_open(same_id, 2, AD("42"), sealed, n, out, &len, &err), MFA_OK);
    assert_int_equal(len, PLAIN_LEN);
    assert_memory_equal(out, PLAIN, PLAIN_LEN);

    /* the old key alone no longer opens it */
    assert_int_equal(mfa_open(&keys[0], 1, AD("42"), sealed, n, out, &len, &err), MFA_ERROR);
}


/* the sealing key is HKDF-SHA256(master, info "mfa/seal"), RFC 5869 */

static void
test_seal_key_hkdf(void **state)
{
    uint8_t    zeros[32], prk[32], okm[32], msg[9];
    unsigned   len;
    mfa_key_t  key;

    key = random_key();

    /* extract with an empty salt (HashLen zeros), expand one block */
    memset(zeros, 0, sizeof(zeros));
    assert_non_null(HMAC(EVP_sha256(), zeros, sizeof(zeros), key.key,
                         MFA_KEY_LEN, prk, &len));
    memcpy(msg, "mfa/seal", 8);
    msg[8] = 0x01;
    assert_non_null(HMAC(EVP_sha256(), prk, sizeof(prk), msg, sizeof(msg),
                         okm, &len));

    assert_memory_equal(key.seal, okm, MFA_KEY_LEN);
    assert_memory_not_equal(key.seal, key.key, MFA_KEY_LEN);
}


/* version 2 is bound to the deployment and the field, not only the owner */

static void
test_seal_bound_to_field_and_prefix(void **state)
{
    size_t         n, len;
    uint8_t        sealed[128], out[128];
    mfa_err_t      err;
    mfa_key_t      key;
    mfa_seal_ad_t  ad;

    key = random_key();
    seal(&key, "42", sealed, &n);

    assert_int_equal(sealed[0], 2);
    assert_int_equal(mfa_sealed_version(sealed, n), MFA_SEAL_VERSION);

    ad = *AD("42");
    ad.field = "pending";
    err.msg[0] = '\0';
    assert_int_equal(mfa_open(&key, 1, &ad, sealed, n, out, &len, &err),
                     MFA_ERROR);
    assert_true(mfa_test_contains(err.msg, "field"));

    ad = *AD("42");
    ad.prefix.data = "app:";
    assert_int_equal(mfa_open(&key, 1, &ad, sealed, n, out, &len, &err),
                     MFA_ERROR);

    ad = *AD("42");
    ad.prefix.data = "mfa:x";
    ad.prefix.len = 5;
    assert_int_equal(mfa_open(&key, 1, &ad, sealed, n, out, &len, &err),
                     MFA_ERROR);

    assert_int_equal(mfa_open(&key, 1, AD("42"), sealed, n, out, &len, &err),
                     MFA_OK);
}


/*
 * Version 1, as earlier releases sealed: AES-256-GCM under the master key
 * itself, the header and the owner as associated data.  Still opened, for
 * any field, until mfactl key rotate seals it again.
 */

static void
test_open_version_1(void **state)
{
    int              n1;
    size_t           len;
    uint8_t          sealed[128], out[128];
    mfa_err_t        err;
    mfa_key_t        key;
    EVP_CIPHER_CTX  *ctx;

    key = random_key();

    sealed[0] = MFA_SEAL_VERSION_1;
    sealed[1] = key.id;
    mfa_test_random(sealed + 2, MFA_SEAL_NONCE_LEN);

    ctx = EVP_CIPHER_CTX_new();
    assert_non_null(ctx);
    assert_int_equal(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL,
                                        NULL), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
                                         MFA_SEAL_NONCE_LEN, NULL), 1);
    assert_int_equal(EVP_EncryptInit_ex(ctx, NULL, NULL, key.key,
                                        sealed + 2), 1);
    assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &n1, sealed, 2), 1);
    assert_int_equal(EVP_EncryptUpdate(ctx, NULL, &n1,
                                       (const uint8_t *) "42", 2), 1);
    assert_int_equal(EVP_EncryptUpdate(ctx, sealed + 2 + MFA_SEAL_NONCE_LEN,
                                       &n1, (const uint8_t *) PLAIN,
                                       PLAIN_LEN), 1);
    assert_int_equal(EVP_EncryptFinal_ex(ctx, sealed, &n1), 1);
    assert_int_equal(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
                                         MFA_SEAL_TAG_LEN,
                                         sealed + 2 + MFA_SEAL_NONCE_LEN
                                         + PLAIN_LEN), 1);
    EVP_CIPHER_CTX_free(ctx);

    assert_int_equal(mfa_sealed_version(sealed, PLAIN_LEN + MFA_SEAL_OVERHEAD),
                     MFA_SEAL_VERSION_1);
    assert_int_equal(mfa_open(&key, 1, AD("42"), sealed,
                              PLAIN_LEN + MFA_SEAL_OVERHEAD, out, &len, &err),
                     MFA_OK);
    assert_int_equal(len, PLAIN_LEN);
    assert_memory_equal(out, PLAIN, PLAIN_LEN);

    assert_int_equal(mfa_open(&key, 1, AD("43"), sealed,
                              PLAIN_LEN + MFA_SEAL_OVERHEAD, out, &len, &err),
                     MFA_ERROR);
}


static void
test_seal_fresh_nonces(void **state)
{
    size_t     n1, n2;
    uint8_t    a[128], b[128];
    mfa_key_t  key;

    key = random_key();

    seal(&key, "42", a, &n1);
    seal(&key, "42", b, &n2);

    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, 2);
    assert_memory_not_equal(a + 2, b + 2, MFA_SEAL_NONCE_LEN);
    assert_memory_not_equal(a + 2 + MFA_SEAL_NONCE_LEN,
                            b + 2 + MFA_SEAL_NONCE_LEN, PLAIN_LEN);
    assert_memory_not_equal(a + n1 - MFA_SEAL_TAG_LEN,
                            b + n2 - MFA_SEAL_TAG_LEN, MFA_SEAL_TAG_LEN);
}


/* setup and teardown of the key file tests: a private directory */

static int
tmp_setup(void **state)
{
    tmp_t  *t;

    t = calloc(1, sizeof(tmp_t));
    if (t == NULL) {
        return -1;
    }

    strcpy(t->dir, "/tmp/mfa-test-XXXXXX");

    if (mkdtemp(t->dir) == NULL) {
        free(t);
        return -1;
    }

    *state = t;

    return 0;
}


/* a file of len bytes, with the given mode; its path in t->path */

static void
tmp_key_file(tmp_t *t, const uint8_t *bytes, size_t len, mode_t mode)
{
    int  fd;

    snprintf(t->path, sizeof(t->path), "%s/key-XXXXXX", t->dir);

    fd = mkstemp(t->path);
    assert_true(fd >= 0);

    assert_int_equal(write(fd, bytes, len), (ssize_t) len);
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(close(fd), 0);
}


static int
tmp_teardown(void **state)
{
    int     rc;
    char    cmd[128];
    tmp_t  *t;

    t = *state;

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
    rc = system(cmd);
    free(t);

    return rc == 0 ? 0 : -1;
}


static void
assert_load_fails(const char *path, const char *why)
{
    mfa_err_t  err;
    mfa_key_t  key;

    err.msg[0] = '\0';

    if (mfa_key_load(path, &key, &err) != MFA_ERROR) {
        fail_msg("key file \"%s\" loaded", path);
    }

    if (!mfa_test_contains(err.msg, path) || !mfa_test_contains(err.msg, why))
    {
        fail_msg("message \"%s\" lacks the path \"%s\" or \"%s\"",
                 err.msg, path, why);
    }
}


static void
test_key_load_good(void **state)
{
    tmp_t     *t;
    uint8_t    bytes[MFA_KEY_LEN], digest[SHA256_DIGEST_LENGTH];
    mfa_err_t  err;
    mfa_key_t  key;

    t = *state;
    mfa_test_random(bytes, sizeof(bytes));
    SHA256(bytes, sizeof(bytes), digest);

    tmp_key_file(t, bytes, sizeof(bytes), 0600);

    memset(&key, 0, sizeof(key));
    assert_int_equal(mfa_key_load(t->path, &key, &err), MFA_OK);
    assert_memory_equal(key.key, bytes, MFA_KEY_LEN);
    assert_int_equal(key.id, digest[0]);

    /* read-only for the owner is fine too */
    tmp_key_file(t, bytes, sizeof(bytes), 0400);
    assert_int_equal(mfa_key_load(t->path, &key, &err), MFA_OK);
    assert_memory_equal(key.key, bytes, MFA_KEY_LEN);
}


static void
test_key_load_sizes(void **state)
{
    tmp_t    *t;
    uint8_t   bytes[MFA_KEY_LEN + 64];

    t = *state;
    mfa_test_random(bytes, sizeof(bytes));

    tmp_key_file(t, bytes, 31, 0600);
    assert_load_fails(t->path, "exactly 32 bytes");

    tmp_key_file(t, bytes, 33, 0600);
    assert_load_fails(t->path, "exactly 32 bytes");

    tmp_key_file(t, bytes, 0, 0600);
    assert_load_fails(t->path, "exactly 32 bytes");

    /* 32 typed characters: a passphrase, not a key */
    tmp_key_file(t, (const uint8_t *) "correct horse battery staple 123", 32,
                 0600);
    assert_load_fails(t->path, "printable characters");

    tmp_key_file(t, bytes, 64, 0600);
    assert_load_fails(t->path, "exactly 32 bytes");

    /* a hex or base64 text of a key is not the key */
    tmp_key_file(t, (const uint8_t *) "0123456789abcdef0123456789abcdef\n",
                 33, 0600);
    assert_load_fails(t->path, "exactly 32 bytes");
}


static void
test_key_load_modes(void **state)
{
    tmp_t    *t;
    size_t    i;
    uint8_t   bytes[MFA_KEY_LEN];

    static const mode_t  bad[] = { 0640, 0604, 0644, 0620, 0602, 0610, 0601,
                                   0660, 0666, 0440, 0404 };

    t = *state;
    mfa_test_random(bytes, sizeof(bytes));

    for (i = 0; i < mfa_test_nelts(bad); i++) {
        tmp_key_file(t, bytes, sizeof(bytes), bad[i]);
        assert_load_fails(t->path, "accessible by group or others");
    }

    tmp_key_file(t, bytes, sizeof(bytes), 0640);
    assert_load_fails(t->path, "mode 0640");
}


static void
test_key_load_not_a_file(void **state)
{
    char       link[192], missing[192];
    tmp_t     *t;
    uint8_t    bytes[MFA_KEY_LEN];
    mfa_err_t  err;
    mfa_key_t  key;

    t = *state;
    mfa_test_random(bytes, sizeof(bytes));

    /* missing */
    snprintf(missing, sizeof(missing), "%s/no-such-key", t->dir);
    assert_load_fails(missing, "cannot open");

    /* a directory */
    assert_load_fails(t->dir, "not a regular file");

    /* a symlink to a good key file: refused, the target itself loads */

    tmp_key_file(t, bytes, sizeof(bytes), 0600);
    snprintf(link, sizeof(link), "%s/link", t->dir);
    assert_int_equal(symlink(t->path, link), 0);

    assert_load_fails(link, "is a symbolic link");

    assert_int_equal(mfa_key_load(t->path, &key, &err), MFA_OK);

    /* a character device */
    assert_load_fails("/dev/null", "not a regular file");
}


static void
test_token_round_trip(void **state)
{
    char     tok[MFA_TOKEN_LEN + 1], again[MFA_TOKEN_LEN];
    size_t   i, n;
    uint8_t  key[MFA_KEY_LEN], raw[64];

    mfa_test_random(key, sizeof(key));

    memset(tok, '#', sizeof(tok));
    mfa_token_make(key, "csrf", "session-1", 9, 1000, tok);

    /* MFA_TOKEN_LEN characters of base64url, nothing more written */
    assert_int_equal(tok[MFA_TOKEN_LEN], '#');

    for (i = 0; i < MFA_TOKEN_LEN; i++) {
        assert_non_null(memchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz0123456789-_",
                               tok[i], 64));
    }

    /* it starts with the expiry, big-endian */
    assert_int_equal(mfa_base64url_decode(tok, MFA_TOKEN_LEN, raw,
                                          sizeof(raw), &n), MFA_OK);
    assert_int_equal(n, 8 + MFA_TOKEN_MAC_LEN);
    assert_memory_equal(raw, "\0\0\0\0\0\0\x03\xe8", 8);

    assert_int_equal(mfa_token_check(key, "csrf", "session-1", 9, tok,
                                     MFA_TOKEN_LEN, 0), 1);
    assert_int_equal(mfa_token_check(key, "csrf", "session-1", 9, tok,
                                     MFA_TOKEN_LEN, 999), 1);

    /* deterministic for the same inputs */

    mfa_token_make(key, "csrf", "session-1", 9, 1000, again);
    assert_memory_equal(tok, again, MFA_TOKEN_LEN);

    mfa_token_make(key, "csrf", "session-1", 9, 1001, again);
    assert_memory_not_equal(tok, again, MFA_TOKEN_LEN);
}


static void
test_token_expired(void **state)
{
    char     tok[MFA_TOKEN_LEN];
    uint8_t  key[MFA_KEY_LEN];

    mfa_test_random(key, sizeof(key));
    mfa_token_make(key, "csrf", "s", 1, 1000, tok);

    assert_int_equal(mfa_token_check(key, "csrf", "s", 1, tok, MFA_TOKEN_LEN,
                                     999), 1);
    assert_int_equal(mfa_token_check(key, "csrf", "s", 1, tok, MFA_TOKEN_LEN,
                                     1000), 0);
    assert_int_equal(mfa_token_check(key, "csrf", "s", 1, tok, MFA_TOKEN_LEN,
                                     1001), 0);
    assert_int_equal(mfa_token_check(key, "csrf", "s", 1, tok, MFA_TOKEN_LEN,
                                     INT64_MAX), 0);

    /* a negative expiry (a huge unsigned one) is always expired */
    mfa_token_make(key, "csrf", "s", 1, -1, tok);
    assert_int_equal(mfa_token_check(key, "csrf", "s", 1, tok, MFA_TOKEN_LEN,
                                     0), 0);
}


static void
test_token_other_purpose_or_binding(void **state)
{
    char     tok[MFA_TOKEN_LEN];
    uint8_t  key[MFA_KEY_LEN], other[MFA_KEY_LEN];

    mfa_test_random(key, sizeof(key));
    mfa_test_random(other, sizeof(other));
    mfa_token_make(key, "csrf", "session-1", 9, 1000, tok);

    assert_int_equal(mfa_token_check(key, "csrf", "session-1", 9, tok,
                                     MFA_TOKEN_LEN, 500), 1);

    assert_int_equal(mfa_token_check(key, "pending", "session-1", 9, tok,
                                     MFA_TOKEN_LEN, 500), 0);
    assert_int_equal(mfa_token_check(key, "csr", "session-1", 9, tok,
                                     MFA_TOKEN_LEN, 500), 0);
    assert_int_equal(mfa_token_check(key, "csrf", "session-2", 9, tok,
                                     MFA_TOKEN_LEN, 500), 0);
    assert_int_equal(mfa_token_check(key, "csrf", "session-1", 8, tok,
                                     MFA_TOKEN_LEN, 500), 0);
    assert_int_equal(mfa_token_check(key, "csrf", "", 0, tok,
                                     MFA_TOKEN_LEN, 500), 0);
    assert_int_equal(mfa_token_check(other, "csrf", "session-1", 9, tok,
                                     MFA_TOKEN_LEN, 500), 0);

    /* the purpose/binding boundary is not ambiguous */
    mfa_token_make(key, "ab", "c", 1, 1000, tok);
    assert_int_equal(mfa_token_check(key, "a", "bc", 2, tok, MFA_TOKEN_LEN,
                                     500), 0);
}


static void
test_token_tampered(void **state)
{
    char     tok[MFA_TOKEN_LEN], copy[MFA_TOKEN_LEN + 1];
    size_t   i, j;
    uint8_t  key[MFA_KEY_LEN];

    static const char  alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    mfa_test_random(key, sizeof(key));
    mfa_token_make(key, "csrf", "s", 1, 1000, tok);

    /* every position, every other character of the alphabet */

    for (i = 0; i < MFA_TOKEN_LEN; i++) {
        for (j = 0; j < 64; j++) {
            if (alphabet[j] == tok[i]) {
                continue;
            }

            memcpy(copy, tok, MFA_TOKEN_LEN);
            copy[i] = alphabet[j];

            if (mfa_token_check(key, "csrf", "s", 1, copy, MFA_TOKEN_LEN, 0)
                != 0)
            {
                fail_msg("token with '%c' at %zu accepted", alphabet[j], i);
            }
        }

        memcpy(copy, tok, MFA_TOKEN_LEN);
        copy[i] = '+';
        assert_int_equal(mfa_token_check(key, "csrf", "s", 1, copy,
                                         MFA_TOKEN_LEN, 0), 0);
    }

    /* wrong lengths */

    memcpy(copy, tok, MFA_TOKEN_LEN);
    copy[MFA_TOKEN_LEN] = 'A';

    assert_int_equal(mfa_token_check(key, "csrf", "s", 1, copy,
                                     MFA_TOKEN_LEN + 1, 0), 0);
    assert_int_equal(mfa_token_check(key, "csrf", "s", 1, tok,
                                     MFA_TOKEN_LEN - 1, 0), 0);
    assert_int_equal(mfa_token_check(key, "csrf", "s", 1, tok, 0, 0), 0);
    assert_int_equal(mfa_token_check(key, "csrf", "s", 1, tok + 1,
                                     MFA_TOKEN_LEN - 1, 0), 0);

    assert_int_equal(mfa_token_check(key, "csrf", "s", 1, tok, MFA_TOKEN_LEN,
                                     0), 1);
}


static void
test_ct_equal(void **state)
{
    uint8_t  a[64], b[64];
    size_t   i;

    mfa_test_random(a, sizeof(a));
    memcpy(b, a, sizeof(b));

    assert_int_equal(mfa_ct_equal(a, b, sizeof(a)), 1);
    assert_int_equal(mfa_ct_equal(a, b, 0), 1);

    for (i = 0; i < sizeof(a); i++) {
        b[i] ^= 0x80;
        assert_int_equal(mfa_ct_equal(a, b, sizeof(a)), 0);
        /* only the first len bytes count */
        assert_int_equal(mfa_ct_equal(a, b, i), 1);
        b[i] ^= 0x80;
    }

    assert_int_equal(mfa_ct_equal("abc", "abd", 3), 0);
    assert_int_equal(mfa_ct_equal("abc", "abd", 2), 1);
}


static void
test_key_derive(void **state)
{
    uint8_t    a[MFA_HMAC_LEN], b[MFA_HMAC_LEN], want[MFA_HMAC_LEN];
    unsigned   len;
    mfa_key_t  master, other;

    master = random_key();
    other = random_key();

    mfa_key_derive(&master, "csrf", a);
    mfa_key_derive(&master, "recovery", b);
    assert_memory_not_equal(a, b, MFA_HMAC_LEN);

    /* deterministic */
    mfa_key_derive(&master, "recovery", a);
    assert_memory_equal(a, b, MFA_HMAC_LEN);

    /* depends on the master key */
    mfa_key_derive(&other, "recovery", a);
    assert_memory_not_equal(a, b, MFA_HMAC_LEN);

    /* not the master key itself */
    mfa_key_derive(&master, "", a);
    assert_memory_not_equal(a, master.key, MFA_KEY_LEN);

    /* as documented: HMAC-SHA256(master, "mfa/" label) */
    assert_non_null(HMAC(EVP_sha256(), master.key, MFA_KEY_LEN,
                         (const uint8_t *) "mfa/recovery", 12, want, &len));
    assert_int_equal(len, MFA_HMAC_LEN);
    assert_memory_equal(b, want, MFA_HMAC_LEN);
}


static void
test_session_digest(void **state)
{
    char       a[MFA_SESSION_DIGEST_LEN + 1], b[MFA_SESSION_DIGEST_LEN + 1];
    char       want[2 * MFA_HMAC_LEN + 1];
    size_t     i;
    uint8_t    md[MFA_HMAC_LEN], dkey[MFA_HMAC_LEN];
    unsigned   len;
    mfa_key_t  key, other;

    key = random_key();
    other = random_key();

    /* the documented key: HMAC-SHA256(master, "mfa/session") */
    assert_non_null(HMAC(EVP_sha256(), key.key, MFA_KEY_LEN,
                         (const uint8_t *) "mfa/session", 11, dkey, &len));

    assert_int_equal(mfa_session_digest_init(&key), MFA_OK);

    memset(a, '#', sizeof(a));
    mfa_session_digest("s3cr3t-session-id", 17, a);
    assert_int_equal(a[MFA_SESSION_DIGEST_LEN], '#');

    for (i = 0; i < MFA_SESSION_DIGEST_LEN; i++) {
        assert_non_null(memchr("0123456789abcdef", a[i], 16));
    }

    /* the id does not appear; the digest is the documented HMAC */

    assert_non_null(HMAC(EVP_sha256(), dkey, sizeof(dkey),
                         (const uint8_t *) "s3cr3t-session-id", 17, md,
                         &len));
    mfa_test_hex(md, sizeof(md), want);
    assert_memory_equal(a, want, MFA_SESSION_DIGEST_LEN);

    mfa_session_digest("s3cr3t-session-id", 17, b);
    assert_memory_equal(a, b, MFA_SESSION_DIGEST_LEN);

    mfa_session_digest("s3cr3t-session-iD", 17, b);
    assert_memory_not_equal(a, b, MFA_SESSION_DIGEST_LEN);

    /* not the public constant of earlier releases */
    assert_non_null(HMAC(EVP_sha256(), "mfa-session", 11,
                         (const uint8_t *) "s3cr3t-session-id", 17, md,
                         &len));
    mfa_test_hex(md, sizeof(md), want);
    assert_memory_not_equal(a, want, MFA_SESSION_DIGEST_LEN);

    /* the keyed MAC is reused call after call: still the documented HMAC */

    for (i = 0; i < 200; i++) {
        uint8_t  id[64];

        assert_int_equal(RAND_bytes(id, (int) (i % sizeof(id)) + 1), 1);
        mfa_session_digest((char *) id, i % sizeof(id) + 1, b);
        assert_non_null(HMAC(EVP_sha256(), dkey, sizeof(dkey), id,
                             i % sizeof(id) + 1, md, &len));
        mfa_test_hex(md, sizeof(md), want);
        assert_memory_equal(b, want, MFA_SESSION_DIGEST_LEN);
    }

    /* another key, another digest */
    assert_int_equal(mfa_session_digest_init(&other), MFA_OK);
    mfa_session_digest("s3cr3t-session-id", 17, b);
    assert_memory_not_equal(a, b, MFA_SESSION_DIGEST_LEN);
}


static void
test_random(void **state)
{
    uint8_t  a[32], b[32];

    memset(a, 0, sizeof(a));
    memset(b, 0, sizeof(b));

    assert_int_equal(mfa_random(a, sizeof(a)), MFA_OK);
    assert_int_equal(mfa_random(b, sizeof(b)), MFA_OK);
    assert_memory_not_equal(a, b, sizeof(a));
    assert_int_equal(mfa_random(a, 0), MFA_OK);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_seal_open_round_trip),
        cmocka_unit_test(test_sealed_text),
        cmocka_unit_test(test_open_tampered),
        cmocka_unit_test(test_open_malformed),
        cmocka_unit_test(test_open_wrong_key),
        cmocka_unit_test(test_open_wrong_owner),
        cmocka_unit_test(test_open_unknown_key_id),
        cmocka_unit_test(test_open_two_keys),
        cmocka_unit_test(test_seal_key_hkdf),
        cmocka_unit_test(test_seal_bound_to_field_and_prefix),
        cmocka_unit_test(test_open_version_1),
        cmocka_unit_test(test_seal_fresh_nonces),
        cmocka_unit_test_setup_teardown(test_key_load_good, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test_setup_teardown(test_key_load_sizes, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test_setup_teardown(test_key_load_modes, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test_setup_teardown(test_key_load_not_a_file, tmp_setup,
                                        tmp_teardown),
        cmocka_unit_test(test_token_round_trip),
        cmocka_unit_test(test_token_expired),
        cmocka_unit_test(test_token_other_purpose_or_binding),
        cmocka_unit_test(test_token_tampered),
        cmocka_unit_test(test_ct_equal),
        cmocka_unit_test(test_key_derive),
        cmocka_unit_test(test_session_digest),
        cmocka_unit_test(test_random),
    };

    return cmocka_run_group_tests_name("crypto", tests, NULL, NULL);
}
