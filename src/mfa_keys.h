
/*
 * The Redis key schema: the one place that names the module's keys.
 * docs/redis.md describes each of them.
 */


#ifndef MFA_KEYS_H
#define MFA_KEYS_H


#include "mfa_core.h"


/* hash <prefix>user:<uid>: gen, since, secret... */
#define MFA_KEY_USER              "user:"
/* set <prefix>user:<uid>:companies (written by the dashboard or mfactl) */
#define MFA_KEY_USER_COMPANIES    ":companies"
/* hash <prefix>company:<cid>: require_2fa, changed_by, changed_at */
#define MFA_KEY_COMPANY           "company:"
/* set <prefix>company:<cid>:members (written by the dashboard or mfactl) */
#define MFA_KEY_COMPANY_MEMBERS   ":members"
/* string <prefix>verified:<session digest> = "<uid> <gen>", with a TTL */
#define MFA_KEY_VERIFIED          "verified:"

/* string <prefix>pending:<session digest> = "<uid> <sealed secret>" */
#define MFA_KEY_PENDING           "pending:"
/* string <prefix>pending:<session digest>:replace = "<uid> <gen>", with a
   TTL: a current code allowed this session to replace that credential */
#define MFA_KEY_PENDING_REPLACE   ":replace"
/* string <prefix>addr:<client address>: failures in a window */
#define MFA_KEY_ADDR              "addr:"
/* stream <prefix>audit */
#define MFA_KEY_AUDIT             "audit"
/* set <prefix>user:<uid>:recovery: keyed hashes of the recovery codes */
#define MFA_KEY_USER_RECOVERY     ":recovery"
/* hash <prefix>user:<uid>:guard: n (failures), until (locked until) */
#define MFA_KEY_USER_GUARD        ":guard"

/* fields */
#define MFA_FIELD_GEN             "gen"
#define MFA_FIELD_SINCE           "since"
#define MFA_FIELD_SECRET          "secret"
/* the field a pending enrolment's sealed secret is bound to */
#define MFA_FIELD_PENDING         "pending"
#define MFA_FIELD_STEP            "step"
/* the credential's TOTP parameters: "<algorithm> <digits> <period>" */
#define MFA_FIELD_TOTP            "totp"
/* the recovery codes' set: "<key id> <salt>" (mfa_recovery.h) */
#define MFA_FIELD_RECOVERY        "recovery"
#define MFA_FIELD_REQUIRE_2FA     "require_2fa"
/* who changed require_2fa last ("mfactl:<login>", "admin:<uid>",
   "api:<uid>", "api:token") and when (Unix time) */
#define MFA_FIELD_CHANGED_BY      "changed_by"
#define MFA_FIELD_CHANGED_AT      "changed_at"
/* a company's display name */
#define MFA_FIELD_NAME            "name"
/* the guard's: failures in a row, and locked until (Unix time) */
#define MFA_FIELD_GUARD_COUNT     "n"
#define MFA_FIELD_GUARD_UNTIL     "until"

/* a pending secret lives 10 minutes */
#define MFA_PENDING_TTL           600

/*
 * Brute force: MFA_GUARD_FREE failures in a row are free, then each
 * failure locks the user out for MFA_GUARD_BASE * 2^(n - FREE) seconds,
 * at most MFA_GUARD_MAX; from MFA_GUARD_CAP failures on, each one locks
 * for MFA_GUARD_CAP_LOCK.  The counter lives MFA_GUARD_TTL after the
 * last failure and is reset by a success.
 */
#define MFA_GUARD_FREE            5
#define MFA_GUARD_BASE            30
#define MFA_GUARD_MAX             3600
#define MFA_GUARD_CAP             20
#define MFA_GUARD_CAP_LOCK        86400
#define MFA_GUARD_TTL             2592000

/* per client address: MFA_ADDR_CAP failures per MFA_ADDR_WINDOW seconds */
#define MFA_ADDR_CAP              50
#define MFA_ADDR_WINDOW           900

/* the audit stream keeps about this many entries */
#define MFA_AUDIT_MAX             100000
/* stream <prefix>audit:<cid>: one company's entries, about this many, so
   that no company's events push another's out */
#define MFA_AUDIT_COMPANY_MAX     10000
/* policy changes one actor may make a minute (<prefix>rate:policy:<who>) */
#define MFA_KEY_RATE_POLICY       "rate:policy:"
#define MFA_POLICY_RATE           20

/* the most companies "mfa_policy_scope any" reads for one user */
#define MFA_SCOPE_ANY_MAX         63



/* "<prefix><id><suffix>" (suffix may be NULL): its length, and the key
   written at p, which has room for it; returns the key's end */
size_t mfa_key_len(mfa_str_t prefix, mfa_str_t id, const char *suffix);
char *mfa_key_write(char *p, mfa_str_t prefix, mfa_str_t id,
    const char *suffix);


#endif /* MFA_KEYS_H */
