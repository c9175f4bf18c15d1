
/*
 * Fuzz target for the verified-decision table (src/mfa_cache.c): the
 * input is a sequence of puts, gets, drops and forgets on a table of four
 * sets, so that keys collide, fill both their sets and move, with time
 * going forward between them and puts dated up to 63 ms back, as the
 * module dates a decision from when it asked Redis.
 *
 * A shadow of what was put last for each key checks that the table never
 * answers with another user than the last one put for that key, never
 * after the entry's time (at most MFA_CACHE_MAX_TTL), never after a drop
 * that expired it or a forget of its user, and that a put is found at
 * once.  Evicting is allowed: a miss is never wrong.
 */


#include <string.h>

#include "mfa_cache.h"
#include "fuzz.h"


#define FUZZ_KEYS   16
#define FUZZ_USERS  4
#define FUZZ_SLOTS  (4 * MFA_CACHE_WAYS)


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


typedef struct {
    int       user;         /* index of the last user put, or -1 */
    uint64_t  expires;
} fuzz_shadow_t;


/* the module's location settings: entries of another scope never match */
static int   fuzz_scope;
static char  fuzz_long_key[MFA_CACHE_KEY_MAX + 1];
static char  fuzz_long_user[MFA_CACHE_USER_MAX + 1];


static mfa_str_t
fuzz_key(unsigned i)
{
    static char  keys[FUZZ_KEYS][8];

    if (i == FUZZ_KEYS - 1) {
        memset(fuzz_long_key, 'k', sizeof(fuzz_long_key));
        return (mfa_str_t) { fuzz_long_key, sizeof(fuzz_long_key) };
    }

    /* "k0" .. "k14", and "k1" vs "k10": one a prefix of the other */
    return (mfa_str_t) { keys[i], (size_t) snprintf(keys[i], 8, "k%u", i) };
}


static mfa_str_t
fuzz_user(unsigned i)
{
    static const char  *users[] = { "alice", "bob", "alic" };

    if (i == FUZZ_USERS - 1) {
        memset(fuzz_long_user, 'u', sizeof(fuzz_long_user));
        return (mfa_str_t) { fuzz_long_user, sizeof(fuzz_long_user) };
    }

    return (mfa_str_t) { users[i], strlen(users[i]) };
}


static int
fuzz_same(mfa_str_t a, mfa_str_t b)
{
    return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int            rc;
    size_t         i, pos;
    unsigned       k, u, ttl, back;
    uint64_t       now;
    mfa_str_t      user;
    mfa_cache_t    c;
    fuzz_shadow_t  shadow[FUZZ_KEYS];

    if (mfa_cache_init(&c, FUZZ_SLOTS) != MFA_OK) {
        return 0;
    }

    for (i = 0; i < FUZZ_KEYS; i++) {
        shadow[i].user = -1;
    }

    now = 1000;

    for (pos = 0; pos + 4 <= size; pos += 4) {
        k = data[pos + 1] % FUZZ_KEYS;
        u = data[pos + 2] % FUZZ_USERS;
        now += data[pos + 3] % 64;

        switch (data[pos] % 5) {

        case 0:
            ttl = (unsigned) data[pos + 3] * 8;
            back = data[pos + 2] >> 2;

            if (back >= ttl) {
                break;             /* the module keeps no late answer */
            }

            /* a decision counts from when Redis was asked, "back" ago */
            mfa_cache_put(&c, &fuzz_scope, fuzz_key(k), fuzz_user(u),
                          now - back, ttl);

            if (u == FUZZ_USERS - 1) {
                break;             /* refused: what was there stays */
            }

            if (k == FUZZ_KEYS - 1) {
                FUZZ_CHECK(mfa_cache_get(&c, &fuzz_scope, fuzz_key(k), now,
                                         &user)
                           == MFA_CACHE_MISS);
                break;
            }

            shadow[k].user = (int) u;
            shadow[k].expires = now - back + (ttl < MFA_CACHE_MAX_TTL
                                              ? ttl : MFA_CACHE_MAX_TTL);

            /* found at once, for that user */
            FUZZ_CHECK(mfa_cache_get(&c, &fuzz_scope, fuzz_key(k), now, &user)
                       != MFA_CACHE_MISS);
            FUZZ_CHECK(fuzz_same(user, fuzz_user(u)));
            break;

        case 1:
            rc = mfa_cache_get(&c, &fuzz_scope, fuzz_key(k), now, &user);

            if (rc != MFA_CACHE_MISS) {
                FUZZ_CHECK(shadow[k].user >= 0);
                FUZZ_CHECK(now < shadow[k].expires);
                FUZZ_CHECK(fuzz_same(user, fuzz_user(shadow[k].user)));
            }

            break;

        case 2:
            if (mfa_cache_user(&c, &fuzz_scope, fuzz_key(k), &user) == MFA_OK) {
                FUZZ_CHECK(shadow[k].user >= 0);
                FUZZ_CHECK(fuzz_same(user, fuzz_user(shadow[k].user)));
            }

            break;

        case 3:
            mfa_cache_drop(&c, &fuzz_scope, fuzz_key(k), now,
                           data[pos + 2] & 1);

            if (data[pos + 2] & 1) {
                FUZZ_CHECK(mfa_cache_get(&c, &fuzz_scope, fuzz_key(k), now,
                                         &user)
                           == MFA_CACHE_MISS);

                if (shadow[k].user >= 0 && shadow[k].expires > now) {
                    shadow[k].expires = now;
                }
            }

            break;

        default:
            mfa_cache_forget(&c, fuzz_user(u), now);

            for (i = 0; i < FUZZ_KEYS; i++) {
                if (shadow[i].user == (int) u && shadow[i].expires > now) {
                    shadow[i].expires = now;
                }
            }

            break;
        }

        /* another scope never sees any of it */
        FUZZ_CHECK(mfa_cache_get(&c, &c, fuzz_key(k), now, &user)
                   == MFA_CACHE_MISS);
    }

    mfa_cache_free(&c);

    return 0;
}
