
/*
 * Cryptography of the module, over OpenSSL: the CSPRNG, constant-time
 * comparison, key loading, AES-256-GCM sealing of TOTP secrets and
 * HMAC-SHA256 tokens.
 */


#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "mfa_base64.h"
#include "mfa_crypto.h"


static int mfa_key_printable(const uint8_t *buf);
static int mfa_hkdf(const uint8_t *ikm, size_t ikm_len, const char *info,
    uint8_t *out, size_t out_len);
static size_t mfa_seal_ad(int version, const mfa_seal_ad_t *ad,
    uint8_t *out);
static int mfa_gcm(int enc, const uint8_t *key, const uint8_t *nonce,
    const uint8_t *ad1, size_t ad1_len, const void *ad2, size_t ad2_len,
    const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag);
static EVP_MAC_CTX *mfa_session_mac(const uint8_t *key);
static int mfa_token_mac(const uint8_t *key, const char *purpose,
    const void *binding, size_t binding_len, const uint8_t *expiry,
    uint8_t *mac);


int
mfa_random(uint8_t *buf, size_t len)
{
    if (len > 0x7fffffff || RAND_bytes(buf, (int) len) != 1) {
        return MFA_ERROR;
    }

    return MFA_OK;
}


int
mfa_ct_equal(const void *a, const void *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}


/*
 * 32 random bytes are all printable once in about 10^14 keys; 32 typed
 * characters always are
 */

static int
mfa_key_printable(const uint8_t *buf)
{
    size_t  i;

    for (i = 0; i < MFA_KEY_LEN; i++) {
        if (buf[i] < 0x20 || buf[i] > 0x7e) {
            return 0;
        }
    }

    return 1;
}


int
mfa_key_load(const char *path, mfa_key_t *key, mfa_err_t *err)
{
    int          fd;
    ssize_t      n;
    uint8_t      buf[MFA_KEY_LEN + 1];
    struct stat  st;

    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    if (fd == -1) {
        if (errno == ELOOP) {
            mfa_err_set(err, "key file \"%s\" is a symbolic link: name the "
                        "file itself", path);

        } else {
            mfa_err_set(err, "cannot open key file \"%s\": %s", path,
                        strerror(errno));
        }

        return MFA_ERROR;
    }

    if (fstat(fd, &st) == -1) {
        mfa_err_set(err, "cannot stat key file \"%s\": %s", path,
                    strerror(errno));
        goto failed;
    }

    if (!S_ISREG(st.st_mode)) {
        mfa_err_set(err, "key file \"%s\" is not a regular file", path);
        goto failed;
    }

    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        mfa_err_set(err, "key file \"%s\" is accessible by group or others "
                    "(mode %04o); make it 0600 or 0400", path,
                    (unsigned) (st.st_mode & 07777));
        goto failed;
    }

    n = read(fd, buf, sizeof(buf));

    if (n == -1) {
        mfa_err_set(err, "cannot read key file \"%s\": %s", path,
                    strerror(errno));
        goto failed;
    }

    if (n != MFA_KEY_LEN) {
        mfa_err_set(err, "key file \"%s\" must hold exactly %d bytes "
                    "(\"mfactl genkey\" makes one)", path, MFA_KEY_LEN);
        goto failed;
    }

    if (mfa_key_printable(buf)) {
        mfa_err_set(err, "key file \"%s\" holds %d printable characters, "
                    "a passphrase rather than random bytes (\"mfactl "
                    "genkey\" makes a key)", path, MFA_KEY_LEN);
        goto failed;
    }

    close(fd);

    if (mfa_key_from_bytes(key, buf) != MFA_OK) {
        mfa_err_set(err, "key file \"%s\": OpenSSL cannot derive the "
                    "sealing key", path);
        OPENSSL_cleanse(buf, sizeof(buf));
        return MFA_ERROR;
    }

    OPENSSL_cleanse(buf, sizeof(buf));

    return MFA_OK;

failed:

    close(fd);
    OPENSSL_cleanse(buf, sizeof(buf));

    return MFA_ERROR;
}


int
mfa_key_from_bytes(mfa_key_t *key, const uint8_t *bytes)
{
    uint8_t  digest[SHA256_DIGEST_LENGTH];

    memcpy(key->key, bytes, MFA_KEY_LEN);

    if (SHA256(bytes, MFA_KEY_LEN, digest) == NULL) {
        return MFA_ERROR;
    }

    key->id = digest[0];

    return mfa_hkdf(bytes, MFA_KEY_LEN, "mfa/seal", key->seal, MFA_KEY_LEN);
}


/* HKDF-SHA256 (RFC 5869) without a salt */

static int
mfa_hkdf(const uint8_t *ikm, size_t ikm_len, const char *info, uint8_t *out,
    size_t out_len)
{
    int           rc;
    EVP_KDF      *kdf;
    OSSL_PARAM    params[4];
    EVP_KDF_CTX  *ctx;

    kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (kdf == NULL) {
        return MFA_ERROR;
    }

    ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);

    if (ctx == NULL) {
        return MFA_ERROR;
    }

    params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *) "SHA256",
                                                 0);
    params[1] = OSSL_PARAM_construct_octet_string("key", (void *) ikm,
                                                  ikm_len);
    params[2] = OSSL_PARAM_construct_octet_string("info", (void *) info,
                                                  strlen(info));
    params[3] = OSSL_PARAM_construct_end();

    rc = EVP_KDF_derive(ctx, out, out_len, params);
    EVP_KDF_CTX_free(ctx);

    return (rc == 1) ? MFA_OK : MFA_ERROR;
}


int
mfa_key_derive(const mfa_key_t *master, const char *label, uint8_t *out)
{
    size_t  len;
    char    msg[64];

    len = strlen(label);

    if (len > sizeof(msg) - 4) {
        len = sizeof(msg) - 4;
    }

    memcpy(msg, "mfa/", 4);
    memcpy(msg + 4, label, len);

    return mfa_hmac_sha256(master->key, MFA_KEY_LEN, msg, len + 4, out);
}


int
mfa_hmac_sha256(const uint8_t *key, size_t key_len, const void *msg,
    size_t msg_len, uint8_t *out)
{
    unsigned  len;

    if (HMAC(EVP_sha256(), key, (int) key_len, msg, msg_len, out, &len)
        == NULL)
    {
        return MFA_ERROR;
    }

    return MFA_OK;
}


int
mfa_hmac_sha1(const uint8_t *key, size_t key_len, const void *msg,
    size_t msg_len, uint8_t *out)
{
    unsigned  len;

    if (HMAC(EVP_sha1(), key, (int) key_len, msg, msg_len, out, &len)
        == NULL)
    {
        return MFA_ERROR;
    }

    return MFA_OK;
}


void
mfa_hex(const uint8_t *in, size_t len, char *out)
{
    size_t  i;

    static const char  hex[] = "0123456789abcdef";

    for (i = 0; i < len; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 0x0f];
    }
}


int
mfa_sha256_hex(const void *data, size_t len, char *out)
{
    unsigned char  md[SHA256_DIGEST_LENGTH];

    if (EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL) != 1) {
        return MFA_ERROR;
    }

    mfa_hex(md, SHA256_DIGEST_LENGTH, out);
    out[2 * SHA256_DIGEST_LENGTH] = '\0';

    return MFA_OK;
}


static int
mfa_gcm(int enc, const uint8_t *key, const uint8_t *nonce,
    const uint8_t *ad1, size_t ad1_len, const void *ad2, size_t ad2_len,
    const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
    int              n, rc;
    EVP_CIPHER_CTX  *ctx;

    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        return MFA_ERROR;
    }

    rc = MFA_ERROR;

    if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc)
        != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
                               MFA_SEAL_NONCE_LEN, NULL) != 1
        || EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc) != 1
        || EVP_CipherUpdate(ctx, NULL, &n, ad1, (int) ad1_len) != 1
        || EVP_CipherUpdate(ctx, NULL, &n, ad2, (int) ad2_len) != 1)
    {
        goto done;
    }

    if (len > 0 && EVP_CipherUpdate(ctx, out, &n, in, (int) len) != 1) {
        goto done;
    }

    if (!enc
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, MFA_SEAL_TAG_LEN,
                               tag) != 1)
    {
        goto done;
    }

    if (EVP_CipherFinal_ex(ctx, out + len, &n) != 1) {
        goto done;
    }

    if (enc
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, MFA_SEAL_TAG_LEN,
                               tag) != 1)
    {
        goto done;
    }

    rc = MFA_OK;

done:

    EVP_CIPHER_CTX_free(ctx);

    return rc;
}


/*
 * The associated data after the 2-byte header: version 1, the owner;
 * version 2, "mfa-seal" 0 prefix 0 field 0 owner.  out needs
 * MFA_SEAL_AD_MAX bytes; returns the length.
 */

#define MFA_SEAL_AD_MAX  (9 + 33 + 17 + MFA_ID_AD_MAX)
#define MFA_ID_AD_MAX    256

static size_t
mfa_seal_ad(int version, const mfa_seal_ad_t *ad, uint8_t *out)
{
    size_t  n, flen, plen, olen;

    olen = ad->owner.len < MFA_ID_AD_MAX ? ad->owner.len : MFA_ID_AD_MAX;

    if (version == MFA_SEAL_VERSION_1) {
        memcpy(out, ad->owner.data, olen);
        return olen;
    }

    plen = ad->prefix.len < 32 ? ad->prefix.len : 32;
    flen = strlen(ad->field);
    flen = flen < 16 ? flen : 16;

    memcpy(out, "mfa-seal", 9);
    n = 9;
    memcpy(out + n, ad->prefix.data, plen);
    n += plen;
    out[n++] = '\0';
    memcpy(out + n, ad->field, flen);
    n += flen;
    out[n++] = '\0';
    memcpy(out + n, ad->owner.data, olen);

    return n + olen;
}


int
mfa_seal(const mfa_key_t *key, const mfa_seal_ad_t *ad, const uint8_t *plain,
    size_t len, uint8_t *out, size_t *out_len)
{
    size_t    n;
    uint8_t  *nonce, data[MFA_SEAL_AD_MAX];

    out[0] = MFA_SEAL_VERSION;
    out[1] = key->id;
    nonce = out + 2;

    if (mfa_random(nonce, MFA_SEAL_NONCE_LEN) != MFA_OK) {
        return MFA_ERROR;
    }

    n = mfa_seal_ad(MFA_SEAL_VERSION, ad, data);

    if (mfa_gcm(1, key->seal, nonce, out, 2, data, n, plain, len,
                nonce + MFA_SEAL_NONCE_LEN,
                nonce + MFA_SEAL_NONCE_LEN + len)
        != MFA_OK)
    {
        return MFA_ERROR;
    }

    *out_len = len + MFA_SEAL_OVERHEAD;

    return MFA_OK;
}


int
mfa_sealed_version(const uint8_t *sealed, size_t len)
{
    if (len < MFA_SEAL_OVERHEAD
        || (sealed[0] != MFA_SEAL_VERSION_1 && sealed[0] != MFA_SEAL_VERSION))
    {
        return -1;
    }

    return sealed[0];
}


int
mfa_sealed_key_id(const uint8_t *sealed, size_t len)
{
    return (mfa_sealed_version(sealed, len) < 0) ? -1 : sealed[1];
}


int
mfa_open(const mfa_key_t *keys, size_t nkeys, const mfa_seal_ad_t *ad,
    const uint8_t *sealed, size_t len, uint8_t *out, size_t *out_len,
    mfa_err_t *err)
{
    int             id, tried, version;
    size_t          i, n, adlen;
    uint8_t         tag[MFA_SEAL_TAG_LEN], data[MFA_SEAL_AD_MAX];
    const uint8_t  *nonce;

    version = mfa_sealed_version(sealed, len);

    if (version < 0) {
        mfa_err_set(err, "sealed secret is malformed");
        return MFA_ERROR;
    }

    id = sealed[1];
    n = len - MFA_SEAL_OVERHEAD;
    nonce = sealed + 2;
    tried = 0;
    adlen = mfa_seal_ad(version, ad, data);

    /* two keys may share an id byte: the tag tells which one sealed it */

    for (i = 0; i < nkeys; i++) {
        if (keys[i].id != id) {
            continue;
        }

        tried = 1;
        memcpy(tag, nonce + MFA_SEAL_NONCE_LEN + n, MFA_SEAL_TAG_LEN);

        if (mfa_gcm(0, version == MFA_SEAL_VERSION ? keys[i].seal
                                                   : keys[i].key,
                    nonce, sealed, 2, data, adlen,
                    nonce + MFA_SEAL_NONCE_LEN, n, out, tag)
            == MFA_OK)
        {
            *out_len = n;
            return MFA_OK;
        }
    }

    OPENSSL_cleanse(out, n);

    if (!tried) {
        mfa_err_set(err, "sealed secret uses key id %d, which no loaded "
                    "key has", id);

    } else {
        mfa_err_set(err, "sealed secret fails authentication (tampered, "
                    "wrong key, or another owner, field or deployment)");
    }

    return MFA_ERROR;
}


int
mfa_seal_text(const mfa_key_t *key, const mfa_seal_ad_t *ad,
    const uint8_t *plain, size_t len, char *out, size_t *out_len)
{
    int      rc;
    size_t   n;
    uint8_t  sealed[MFA_SEALED_MAX];

    if (len > MFA_SEALED_MAX - MFA_SEAL_OVERHEAD) {
        return MFA_TOO_LARGE;
    }

    rc = mfa_seal(key, ad, plain, len, sealed, &n);

    if (rc == MFA_OK) {
        *out_len = mfa_base64url_encode(sealed, n, out);
        out[*out_len] = '\0';
    }

    return rc;
}


int
mfa_sealed_from_text(const char *text, size_t len, uint8_t *sealed,
    size_t *sealed_len)
{
    if (len > MFA_SEALED_TEXT_MAX) {
        return MFA_TOO_LARGE;
    }

    return mfa_base64url_decode(text, len, sealed, MFA_SEALED_MAX,
                                sealed_len);
}


int
mfa_sealed_text_key_id(const char *text, size_t len)
{
    size_t   n;
    uint8_t  sealed[MFA_SEALED_MAX];

    if (mfa_sealed_from_text(text, len, sealed, &n) != MFA_OK) {
        return -1;
    }

    return mfa_sealed_key_id(sealed, n);
}


/*
 * HMAC-SHA256 under the session digest's key, fetched and keyed once (a
 * one-shot HMAC() fetches every time); the key itself is kept nowhere else
 */
static EVP_MAC_CTX  *mfa_session_ctx;


static EVP_MAC_CTX *
mfa_session_mac(const uint8_t *key)
{
    EVP_MAC      *mac;
    OSSL_PARAM    params[2];
    EVP_MAC_CTX  *ctx;

    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) {
        return NULL;
    }

    ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);

    if (ctx == NULL) {
        return NULL;
    }

    params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *) "SHA256",
                                                 0);
    params[1] = OSSL_PARAM_construct_end();

    if (EVP_MAC_init(ctx, key, MFA_HMAC_LEN, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return NULL;
    }

    return ctx;
}


int
mfa_session_digest_init(const mfa_key_t *master)
{
    uint8_t  key[MFA_HMAC_LEN];

    EVP_MAC_CTX_free(mfa_session_ctx);
    mfa_session_ctx = NULL;

    if (mfa_key_derive(master, "session", key) == MFA_OK) {
        mfa_session_ctx = mfa_session_mac(key);
    }

    OPENSSL_cleanse(key, sizeof(key));

    return (mfa_session_ctx != NULL) ? MFA_OK : MFA_ERROR;
}


int
mfa_session_digest(const char *id, size_t len, char *out)
{
    size_t   n;
    uint8_t  md[MFA_HMAC_LEN];

    /* this runs for every gated request that asks Redis */

    if (mfa_session_ctx == NULL
        || EVP_MAC_init(mfa_session_ctx, NULL, 0, NULL) != 1
        || EVP_MAC_update(mfa_session_ctx, (const unsigned char *) id, len)
           != 1
        || EVP_MAC_final(mfa_session_ctx, md, &n, sizeof(md)) != 1)
    {
        return MFA_ERROR;
    }

    mfa_hex(md, MFA_SESSION_DIGEST_LEN / 2, out);

    return MFA_OK;
}


static int
mfa_token_mac(const uint8_t *key, const char *purpose, const void *binding,
    size_t binding_len, const uint8_t *expiry, uint8_t *mac)
{
    size_t   plen;
    uint8_t  msg[MFA_TOKEN_PURPOSE_MAX + 1 + SHA256_DIGEST_LENGTH + 8];
    uint8_t  full[MFA_HMAC_LEN];

    /* purpose 0 SHA-256(binding) expiry: fixed size whatever the binding */

    plen = strlen(purpose);

    if (plen > MFA_TOKEN_PURPOSE_MAX) {
        plen = MFA_TOKEN_PURPOSE_MAX;
    }

    memcpy(msg, purpose, plen);
    msg[plen] = 0;
    memcpy(msg + plen + 1 + SHA256_DIGEST_LENGTH, expiry, 8);

    if (SHA256(binding, binding_len, msg + plen + 1) == NULL
        || mfa_hmac_sha256(key, MFA_KEY_LEN, msg,
                           plen + 1 + SHA256_DIGEST_LENGTH + 8, full)
           != MFA_OK)
    {
        return MFA_ERROR;
    }

    memcpy(mac, full, MFA_TOKEN_MAC_LEN);
    OPENSSL_cleanse(full, sizeof(full));

    return MFA_OK;
}


int
mfa_token_make(const uint8_t *key, const char *purpose, const void *binding,
    size_t binding_len, int64_t expires, char *out)
{
    int       i;
    uint8_t   raw[8 + MFA_TOKEN_MAC_LEN];
    uint64_t  e;

    e = (uint64_t) expires;

    for (i = 7; i >= 0; i--) {
        raw[i] = (uint8_t) (e & 0xff);
        e >>= 8;
    }

    if (mfa_token_mac(key, purpose, binding, binding_len, raw, raw + 8)
        != MFA_OK)
    {
        return MFA_ERROR;
    }

    mfa_base64url_encode(raw, sizeof(raw), out);

    return MFA_OK;
}


int
mfa_token_check(const uint8_t *key, const char *purpose, const void *binding,
    size_t binding_len, const char *token, size_t token_len, int64_t now)
{
    int       i;
    size_t    n;
    uint8_t   raw[8 + MFA_TOKEN_MAC_LEN], mac[MFA_TOKEN_MAC_LEN];
    uint64_t  e;

    if (token_len != MFA_TOKEN_LEN
        || mfa_base64url_decode(token, token_len, raw, sizeof(raw), &n)
           != MFA_OK
        || n != sizeof(raw))
    {
        return 0;
    }

    if (mfa_token_mac(key, purpose, binding, binding_len, raw, mac)
        != MFA_OK
        || !mfa_ct_equal(mac, raw + 8, MFA_TOKEN_MAC_LEN))
    {
        return 0;
    }

    e = 0;

    for (i = 0; i < 8; i++) {
        e = (e << 8) | raw[i];
    }

    return (int64_t) e > now;
}
