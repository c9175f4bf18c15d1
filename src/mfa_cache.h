
/*
 * ngx_http_mfa_module: a table of verified decisions, kept for at most a
 * second each (SPEC section 2.4).
 *
 * Each key (a session id and key) has two sets of MFA_CACHE_WAYS entries,
 * picked by two parts of one hash.  A new entry takes a free entry of
 * either set; when both hold live entries only, one of them moves to its
 * own other set if that has room, and otherwise the one closest to
 * expiring is replaced.  Entries match on a scope (the caller's
 * location settings) and the exact key, never on a hash alone.  Times are
 * milliseconds on the caller's clock, which must not wrap; nothing here
 * reads a clock or allocates after mfa_cache_init().
 */


#ifndef MFA_CACHE_H
#define MFA_CACHE_H


#include "mfa_core.h"


#define MFA_CACHE_WAYS      4
/* the longest a decision may be reused: SPEC section 2.4 */
#define MFA_CACHE_MAX_TTL   1000
/* longer keys, or user ids, are simply not kept */
#define MFA_CACHE_KEY_MAX   104
#define MFA_CACHE_USER_MAX  64

/* what mfa_cache_get() found */
#define MFA_CACHE_HIT       0
#define MFA_CACHE_REFRESH   1
#define MFA_CACHE_MISS      2


typedef struct mfa_cache_entry_s  mfa_cache_entry_t;

typedef struct {
    mfa_cache_entry_t  *entries;
    size_t              sets;
} mfa_cache_t;


/* "slots" entries, a multiple of MFA_CACHE_WAYS: MFA_OK or MFA_ERROR */
int mfa_cache_init(mfa_cache_t *c, size_t slots);
void mfa_cache_free(mfa_cache_t *c);

/*
 * The user of a key put less than its ttl ago in the same scope:
 * MFA_CACHE_HIT, or MFA_CACHE_REFRESH once half the time is gone (only
 * to the first caller: it confirms the decision and ends with
 * mfa_cache_put() or mfa_cache_drop()), or MFA_CACHE_MISS.  "user" points
 * into the table until the next put.
 */
int mfa_cache_get(mfa_cache_t *c, const void *scope, mfa_str_t key,
    uint64_t now, mfa_str_t *user);

/*
 * The user a key was last put for, expired or not: a hint, which the
 * caller checks.  MFA_OK or MFA_NOT_FOUND.
 */
int mfa_cache_user(mfa_cache_t *c, const void *scope, mfa_str_t key,
    mfa_str_t *user);

/*
 * A decision made at "now", which may be a little in the past (when the
 * question was asked); it also decides which entries count as free.  ttl
 * 0 keeps nothing; a ttl over MFA_CACHE_MAX_TTL is cut to it.
 */
void mfa_cache_put(mfa_cache_t *c, const void *scope, mfa_str_t key,
    mfa_str_t user, uint64_t now, uint64_t ttl);

/* a refresh could not tell (expire 0) or found the decision gone (1) */
void mfa_cache_drop(mfa_cache_t *c, const void *scope, mfa_str_t key,
    uint64_t now, int expire);

/* expires every decision kept for a user, in every scope */
void mfa_cache_forget(mfa_cache_t *c, mfa_str_t user, uint64_t now);


#endif /* MFA_CACHE_H */
