
/*
 * Randomness, constant-time comparison, the master key, secret sealing
 * (AES-256-GCM) and HMAC-SHA256 signed tokens.
 */


#ifndef MFA_CRYPTO_H
#define MFA_CRYPTO_H


#include "mfa_core.h"
#include "mfa_base64.h"


#define MFA_KEY_LEN          32
#define MFA_HMAC_LEN         32

/* sealed = version(1) key_id(1) nonce(12) ciphertext tag(16) */
/*
 * Version 1: AES-256-GCM under the master key itself, the owner as
 * associated data (still opened, never made).  Version 2: under
 * HKDF-SHA256(master, info "mfa/seal"), with the deployment's key prefix,
 * the field and the owner as associated data.
 */
#define MFA_SEAL_VERSION_1   1
#define MFA_SEAL_VERSION     2
#define MFA_SEAL_NONCE_LEN   12
#define MFA_SEAL_TAG_LEN     16
#define MFA_SEAL_OVERHEAD    (2 + MFA_SEAL_NONCE_LEN + MFA_SEAL_TAG_LEN)

/* token = base64url(expiry(8) mac(16)) */
#define MFA_TOKEN_MAC_LEN    16
#define MFA_TOKEN_LEN        32
#define MFA_TOKEN_PURPOSE_MAX  32


typedef struct {
    uint8_t     id;
    uint8_t     key[MFA_KEY_LEN];
    /* HKDF-SHA256(key, info "mfa/seal"): what seals version 2 */
    uint8_t     seal[MFA_KEY_LEN];
} mfa_key_t;


/*
 * What a sealed value is bound to: the deployment (the key prefix, so
 * that a value does not open under another prefix), the field ("secret",
 * "pending": a value does not move from one to the other) and the owner
 * (the user id).
 */
typedef struct {
    mfa_str_t   prefix;
    const char *field;
    mfa_str_t   owner;
} mfa_seal_ad_t;


int mfa_random(uint8_t *buf, size_t len);

/* 1 when equal; the time depends on len only */
int mfa_ct_equal(const void *a, const void *b, size_t len);

/*
 * Reads a key file: exactly 32 bytes, a regular file that neither group
 * nor others may read.  The key id is the first byte of SHA-256(key).
 */
int mfa_key_load(const char *path, mfa_key_t *key, mfa_err_t *err);

/* MFA_ERROR only when OpenSSL cannot derive the sealing key */
int mfa_key_from_bytes(mfa_key_t *key, const uint8_t *bytes);

/*
 * Every keyed hash below returns MFA_ERROR when OpenSSL fails, with out
 * undefined: the caller must not use it (fail closed).
 */

/* a subkey for one purpose: HMAC-SHA256(master, "mfa/" label) */
int mfa_key_derive(const mfa_key_t *master, const char *label,
    uint8_t *out);

int mfa_hmac_sha256(const uint8_t *key, size_t key_len, const void *msg,
    size_t msg_len, uint8_t *out);
/* len bytes as 2 * len lower-case hex digits (no NUL) */
void mfa_hex(const uint8_t *in, size_t len, char *out);

/* for the keys of other software's sessions (Rack's private ids): the
   SHA-256 of data in lower-case hex, NUL-terminated; out needs
   MFA_SHA256_HEX_LEN + 1 bytes */
#define MFA_SHA256_HEX_LEN   64
int mfa_sha256_hex(const void *data, size_t len, char *out);
/* for the signatures of other software's cookies only (koa, Flask) */
#define MFA_SHA1_LEN         20
int mfa_hmac_sha1(const uint8_t *key, size_t key_len, const void *msg,
    size_t msg_len, uint8_t *out);

/*
 * Seals (version 2): AES-256-GCM with a fresh random nonce under the key's
 * sealing key, bound to ad.  out needs len + MFA_SEAL_OVERHEAD bytes.
 */
int mfa_seal(const mfa_key_t *key, const mfa_seal_ad_t *ad,
    const uint8_t *plain, size_t len, uint8_t *out, size_t *out_len);

/*
 * Opens a sealed value (version 1 or 2) with whichever of the keys
 * carries its key id.  Fails (MFA_ERROR, with a reason) on an unknown key
 * id, a tampered value, a wrong key or other associated data (another
 * owner, field or deployment).  out needs len bytes.
 */
int mfa_open(const mfa_key_t *keys, size_t nkeys, const mfa_seal_ad_t *ad,
    const uint8_t *sealed, size_t len, uint8_t *out, size_t *out_len,
    mfa_err_t *err);

/* the key id a sealed value names, or -1; its version, or -1 */
int mfa_sealed_key_id(const uint8_t *sealed, size_t len);
int mfa_sealed_version(const uint8_t *sealed, size_t len);

/*
 * Sealed values as Redis keeps them: base64url text.  A sealed value is at
 * most MFA_SEALED_MAX bytes, its text MFA_SEALED_TEXT_MAX characters.
 */
#define MFA_SEALED_MAX       256
#define MFA_SEALED_TEXT_MAX  mfa_base64url_encoded_len(MFA_SEALED_MAX)

/*
 * mfa_seal(), then base64url into out (MFA_SEALED_TEXT_MAX + 1 bytes),
 * NUL-terminated; plain is at most MFA_SEALED_MAX - MFA_SEAL_OVERHEAD.
 */
int mfa_seal_text(const mfa_key_t *key, const mfa_seal_ad_t *ad,
    const uint8_t *plain, size_t len, char *out, size_t *out_len);

/* a sealed text back to the sealed value (MFA_SEALED_MAX bytes) */
int mfa_sealed_from_text(const char *text, size_t len, uint8_t *sealed,
    size_t *sealed_len);

/* the key id a sealed text names, or -1 */
int mfa_sealed_text_key_id(const char *text, size_t len);

/*
 * Signed, expiring tokens (CSRF tokens, signed values):
 * base64url(expiry || HMAC(key, purpose 0 binding 0 expiry)[0..16]),
 * MFA_TOKEN_LEN characters, no NUL.
 */
int mfa_token_make(const uint8_t *key, const char *purpose,
    const void *binding, size_t binding_len, int64_t expires, char *out);

/*
 * The digest that stands for a dashboard session id in the module's keys:
 * hex(HMAC-SHA256(HMAC-SHA256(master, "mfa/session"), id))[0..32], so
 * that session ids never appear in Redis keys or logs, and a Redis reader
 * cannot tell which marker is which session's.  mfa_session_digest_init()
 * first, with the last key listed (the oldest).  out gets
 * MFA_SESSION_DIGEST_LEN chars.
 */
#define MFA_SESSION_DIGEST_LEN  32

int mfa_session_digest_init(const mfa_key_t *master);
int mfa_session_digest(const char *id, size_t len, char *out);

/*
 * 1 when the token is authentic for (purpose, binding) and not expired; 0
 * otherwise, and when the HMAC cannot be computed
 */
int mfa_token_check(const uint8_t *key, const char *purpose,
    const void *binding, size_t binding_len, const char *token,
    size_t token_len, int64_t now);


#endif /* MFA_CRYPTO_H */
