
/*
 * ngx_http_mfa_module: a table of verified decisions.
 *
 * Two sets a key, because with one the keys of the sets that drew more
 * than MFA_CACHE_WAYS evicted each other at every turn: the benchmark's
 * 10,000 sessions in 32,768 slots missed on 3.6 % of requests.  Two sets
 * alone still lost a few keys; moving an entry to its other set when
 * both of a new key's sets are full keeps them all.
 */


#include <stdlib.h>
#include <string.h>

#include "mfa_cache.h"


struct mfa_cache_entry_s {
    const void  *scope;
    uint64_t     expires;
    uint16_t     key_len;
    uint16_t     ttl;
    uint8_t      user_len;
    uint8_t      refreshing;
    char         key[MFA_CACHE_KEY_MAX];
    char         user[MFA_CACHE_USER_MAX];
};


static size_t mfa_cache_sets(mfa_cache_t *c, mfa_str_t key,
    mfa_cache_entry_t **sets);
static mfa_cache_entry_t *mfa_cache_find(mfa_cache_t *c, const void *scope,
    mfa_str_t key);
static mfa_cache_entry_t *mfa_cache_find_in(mfa_cache_entry_t **sets,
    size_t n, const void *scope, mfa_str_t key);
static mfa_cache_entry_t *mfa_cache_room(mfa_cache_t *c,
    mfa_cache_entry_t **sets, size_t n, uint64_t now);


/* how long before "expires" "now" is; negative once it passed */
#define mfa_cache_left(expires, now)  ((int64_t) ((expires) - (now)))


int
mfa_cache_init(mfa_cache_t *c, size_t slots)
{
    c->sets = slots / MFA_CACHE_WAYS;

    if (c->sets == 0 || slots % MFA_CACHE_WAYS != 0) {
        c->entries = NULL;
        return MFA_ERROR;
    }

    c->entries = calloc(slots, sizeof(mfa_cache_entry_t));

    return c->entries != NULL ? MFA_OK : MFA_ERROR;
}


void
mfa_cache_free(mfa_cache_t *c)
{
    free(c->entries);
    c->entries = NULL;
}


/*
 * The first entries of the key's two sets: how many differ, 0 for a key
 * that is never kept.  FNV-1a, then a multiply-xorshift finish so that
 * both halves of the hash depend on every byte.
 */

static size_t
mfa_cache_sets(mfa_cache_t *c, mfa_str_t key, mfa_cache_entry_t **sets)
{
    size_t    i;
    uint64_t  h;

    if (c->entries == NULL || key.len > MFA_CACHE_KEY_MAX) {
        return 0;
    }

    h = 0xcbf29ce484222325ULL;

    for (i = 0; i < key.len; i++) {
        h ^= (unsigned char) key.data[i];
        h *= 0x100000001b3ULL;
    }

    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;

    sets[0] = &c->entries[(h & 0xffffffff) % c->sets * MFA_CACHE_WAYS];
    sets[1] = &c->entries[(h >> 32) % c->sets * MFA_CACHE_WAYS];

    return sets[0] == sets[1] ? 1 : 2;
}


/* the key's entry, expired or not, or NULL */

static mfa_cache_entry_t *
mfa_cache_find(mfa_cache_t *c, const void *scope, mfa_str_t key)
{
    size_t              n;
    mfa_cache_entry_t  *sets[2];

    n = mfa_cache_sets(c, key, sets);

    return mfa_cache_find_in(sets, n, scope, key);
}


/* the key's entry in its "n" sets, or NULL */

static mfa_cache_entry_t *
mfa_cache_find_in(mfa_cache_entry_t **sets, size_t n, const void *scope,
    mfa_str_t key)
{
    size_t              i, s;
    mfa_cache_entry_t  *e;

    for (s = 0; s < n; s++) {
        e = sets[s];

        for (i = 0; i < MFA_CACHE_WAYS; i++, e++) {
            if (e->scope == scope && e->key_len == key.len
                && e->user_len != 0
                && memcmp(e->key, key.data, key.len) == 0)
            {
                return e;
            }
        }
    }

    return NULL;
}


int
mfa_cache_get(mfa_cache_t *c, const void *scope, mfa_str_t key,
    uint64_t now, mfa_str_t *user)
{
    int64_t             left;
    mfa_cache_entry_t  *e;

    e = mfa_cache_find(c, scope, key);

    if (e == NULL) {
        return MFA_CACHE_MISS;
    }

    left = mfa_cache_left(e->expires, now);

    if (left <= 0) {
        return MFA_CACHE_MISS;
    }

    user->data = e->user;
    user->len = e->user_len;

    if (left < e->ttl / 2 && !e->refreshing) {
        e->refreshing = 1;
        return MFA_CACHE_REFRESH;
    }

    return MFA_CACHE_HIT;
}


int
mfa_cache_user(mfa_cache_t *c, const void *scope, mfa_str_t key,
    mfa_str_t *user)
{
    mfa_cache_entry_t  *e;

    e = mfa_cache_find(c, scope, key);

    if (e == NULL) {
        return MFA_NOT_FOUND;
    }

    user->data = e->user;
    user->len = e->user_len;

    return MFA_OK;
}


void
mfa_cache_put(mfa_cache_t *c, const void *scope, mfa_str_t key,
    mfa_str_t user, uint64_t now, uint64_t ttl)
{
    size_t              i, n, s;
    mfa_cache_entry_t  *e, *room, *sets[2];

    if (ttl == 0 || user.len == 0 || user.len > MFA_CACHE_USER_MAX) {
        return;
    }

    n = mfa_cache_sets(c, key, sets);

    if (n == 0) {
        return;
    }

    e = mfa_cache_find_in(sets, n, scope, key);

    if (e == NULL) {
        /* of both sets, the entry closest to expiring, or expired longest */

        e = sets[0];

        for (s = 0; s < n; s++) {
            for (i = 0; i < MFA_CACHE_WAYS; i++) {
                if (mfa_cache_left(sets[s][i].expires, e->expires) < 0) {
                    e = &sets[s][i];
                }
            }
        }

        if (mfa_cache_left(e->expires, now) > 0) {
            room = mfa_cache_room(c, sets, n, now);

            if (room != NULL) {
                e = room;
            }
        }
    }

    if (ttl > MFA_CACHE_MAX_TTL) {
        ttl = MFA_CACHE_MAX_TTL;
    }

    e->scope = scope;
    e->expires = now + ttl;
    e->ttl = (uint16_t) ttl;
    e->refreshing = 0;
    e->key_len = (uint16_t) key.len;
    e->user_len = (uint8_t) user.len;
    memcpy(e->key, key.data, key.len);
    memcpy(e->user, user.data, user.len);
}


/*
 * Both sets of a new key hold live entries only: one of them moves to
 * its own other set if that has a free entry, and leaves its place.
 */

static mfa_cache_entry_t *
mfa_cache_room(mfa_cache_t *c, mfa_cache_entry_t **sets, size_t n,
    uint64_t now)
{
    size_t              i, j, k, m, s;
    mfa_str_t           key;
    mfa_cache_entry_t  *e, *other[2];

    for (s = 0; s < n; s++) {
        for (i = 0; i < MFA_CACHE_WAYS; i++) {
            e = &sets[s][i];
            key.data = e->key;
            key.len = e->key_len;

            m = mfa_cache_sets(c, key, other);

            for (k = 0; k < m; k++) {
                if (other[k] == sets[s]) {
                    continue;
                }

                for (j = 0; j < MFA_CACHE_WAYS; j++) {
                    if (mfa_cache_left(other[k][j].expires, now) <= 0) {
                        other[k][j] = *e;
                        return e;
                    }
                }
            }
        }
    }

    return NULL;
}


void
mfa_cache_drop(mfa_cache_t *c, const void *scope, mfa_str_t key,
    uint64_t now, int expire)
{
    mfa_cache_entry_t  *e;

    e = mfa_cache_find(c, scope, key);

    if (e == NULL) {
        return;
    }

    e->refreshing = 0;

    if (expire) {
        e->expires = now;
    }
}


void
mfa_cache_forget(mfa_cache_t *c, mfa_str_t user, uint64_t now)
{
    size_t              i;
    mfa_cache_entry_t  *e;

    if (c->entries == NULL || user.len == 0) {
        return;
    }

    for (i = 0; i < c->sets * MFA_CACHE_WAYS; i++) {
        e = &c->entries[i];

        if (e->user_len == user.len
            && memcmp(e->user, user.data, user.len) == 0)
        {
            e->expires = now;
        }
    }
}
