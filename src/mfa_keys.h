
/*
 * The Redis key schema: the one place that names the module's keys.
 * docs/redis.md describes each of them.
 */


#ifndef MFA_KEYS_H
#define MFA_KEYS_H


/* hash <prefix>user:<uid>: gen, since, secret... */
#define MFA_KEY_USER              "user:"
/* set <prefix>user:<uid>:companies (written by the dashboard or mfactl) */
#define MFA_KEY_USER_COMPANIES    ":companies"
/* hash <prefix>company:<cid>: require_2fa */
#define MFA_KEY_COMPANY           "company:"
/* string <prefix>verified:<session digest> = "<uid> <gen>", with a TTL */
#define MFA_KEY_VERIFIED          "verified:"

/* fields */
#define MFA_FIELD_GEN             "gen"
#define MFA_FIELD_SINCE           "since"
#define MFA_FIELD_REQUIRE_2FA     "require_2fa"

/* the most companies "mfa_policy_scope any" reads for one user */
#define MFA_SCOPE_ANY_MAX         63


#endif /* MFA_KEYS_H */
