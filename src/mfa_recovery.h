
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
#define MFA_RECOVERY_SALT_LEN  16
/* "<key id> <salt, 32 hex digits>" */
#define MFA_RECOVERY_SET_TEXT_MAX  (3 + 1 + MFA_RECOVERY_SALT_LEN * 2)


/*
 * What a set of recovery codes was hashed with, stored with the set: the
 * id of the master key the hash key was derived from, and a random salt
 * of its own.
 */
typedef struct {
    unsigned  key_id;
    uint8_t   salt[MFA_RECOVERY_SALT_LEN];
} mfa_recovery_set_t;


/* writes MFA_RECOVERY_LEN characters and a NUL */
int mfa_recovery_generate(char *out);

/*
 * Brings user input to the canonical "xxxxx-xxxxx": any case, spaces
 * anywhere, with or without the hyphen.  Fails on anything else.
 */
int mfa_recovery_normalize(const char *in, size_t len, char *out);

/* what the user typed in a code field */
typedef enum {
    MFA_CODE_NONE = 0,          /* neither: checked as a wrong code */
    MFA_CODE_TOTP,              /* digits, spaces anywhere */
    MFA_CODE_RECOVERY           /* a recovery code, normalized */
} mfa_code_kind_e;

/*
 * Which kind of code "in" is; a recovery code is written normalized to
 * out (MFA_RECOVERY_LEN characters and a NUL).  Ten digits are a recovery
 * code made of digits only: no TOTP code is that long.
 */
mfa_code_kind_e mfa_code_classify(const char *in, size_t len, char *out);

/* a new set's description: the key id and a fresh random salt */
int mfa_recovery_set_new(unsigned key_id, mfa_recovery_set_t *set);

/* writes the text form and a NUL; returns its length */
size_t mfa_recovery_set_format(const mfa_recovery_set_t *set, char *out);
/* the text form, exactly (lower-case hex); set untouched on failure */
int mfa_recovery_set_parse(const char *s, size_t len,
    mfa_recovery_set_t *set);

/*
 * The hash of a canonical code, under a key derived from the master key
 * (the pepper): HMAC-SHA256(key, salt HMAC-SHA256(key, user) code) for a
 * set, or, for a set made before sets were described (set NULL),
 * HMAC-SHA256(key, HMAC-SHA256(key, user) 0 code).
 */
int mfa_recovery_hash(const uint8_t *key, const mfa_recovery_set_t *set,
    const char *user, size_t user_len, const char *code, uint8_t *out);


#endif /* MFA_RECOVERY_H */
