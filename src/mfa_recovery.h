
/*
 * Recovery codes: "xxxxx-xxxxx" from an alphabet without look-alikes,
 * stored only as keyed hashes.
 */


#ifndef MFA_RECOVERY_H
#define MFA_RECOVERY_H


#include "mfa_core.h"


#define MFA_RECOVERY_COUNT     10
#define MFA_RECOVERY_CHARS     10
/* "xxxxx-xxxxx" */
#define MFA_RECOVERY_LEN       (MFA_RECOVERY_CHARS + 1)
#define MFA_RECOVERY_HASH_LEN  32


/* writes MFA_RECOVERY_LEN characters and a NUL */
int mfa_recovery_generate(char *out);

/*
 * Brings user input to the canonical "xxxxx-xxxxx": any case, spaces
 * anywhere, with or without the hyphen.  Fails on anything else.
 */
int mfa_recovery_normalize(const char *in, size_t len, char *out);

/*
 * HMAC-SHA256(key, HMAC-SHA256(key, user) 0 code) of a canonical code:
 * the user id salts the hash, the key (derived from the master key)
 * peppers it.
 */
void mfa_recovery_hash(const uint8_t *key, const char *user,
    size_t user_len, const char *code, uint8_t *out);


#endif /* MFA_RECOVERY_H */
