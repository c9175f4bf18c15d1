
/*
 * A worker's cache of facts read in Redis: a chained hash table of
 * entries allocated one by one, in a list from the most to the least
 * recently used.
 */


#include <stdlib.h>
#include <string.h>

#include "mfa_fcache.h"


struct mfa_fcache_entry_s {
    mfa_fcache_entry_t  *next;          /* in its bucket */
    mfa_fcache_entry_t  *newer;
    mfa_fcache_entry_t  *older;
    const void          *scope;
    uint64_t             hash;
    uint64_t             expires;
    uint32_t             key_len;
    uint32_t             value_len;
    unsigned             kind;
    char                 data[];        /* the key, then the value */
};


/* what an entry costs: itself, its bytes and the allocator's share */
#define mfa_fcache_cost(key_len, value_len)                                   \
    (sizeof(mfa_fcache_entry_t) + (key_len) + (value_len) + 16)

/* the budget's share of each bucket and mark */
#define MFA_FCACHE_PER_BUCKET  128
#define MFA_FCACHE_MARKS       16384


static uint64_t mfa_fcache_hash(mfa_str_t key);
static mfa_fcache_entry_t **mfa_fcache_find(mfa_fcache_t *c,
    const void *scope, unsigned kind, mfa_str_t key, uint64_t hash);
static void mfa_fcache_remove(mfa_fcache_t *c, mfa_fcache_entry_t **link);
static void mfa_fcache_unlink(mfa_fcache_t *c, mfa_fcache_entry_t *e);
static void mfa_fcache_front(mfa_fcache_t *c, mfa_fcache_entry_t *e);


int
mfa_fcache_init(mfa_fcache_t *c, size_t max)
{
    size_t  n, index;

    memset(c, 0, sizeof(mfa_fcache_t));

    for (n = 1024; n * 2 * MFA_FCACHE_PER_BUCKET <= max; n *= 2) {
        /* void */
    }

    index = n * sizeof(mfa_fcache_entry_t *)
            + MFA_FCACHE_MARKS * sizeof(uint64_t);

    if (max < 2 * index) {
        return MFA_ERROR;
    }

    c->buckets = calloc(n, sizeof(mfa_fcache_entry_t *));
    c->marks = calloc(MFA_FCACHE_MARKS, sizeof(uint64_t));

    if (c->buckets == NULL || c->marks == NULL) {
        mfa_fcache_free(c);
        return MFA_ERROR;
    }

    c->mask = n - 1;
    c->marks_mask = MFA_FCACHE_MARKS - 1;
    c->max = max - index;

    return MFA_OK;
}


void
mfa_fcache_free(mfa_fcache_t *c)
{
    if (c->buckets != NULL) {
        mfa_fcache_flush(c);
    }

    free(c->buckets);
    free(c->marks);
    c->buckets = NULL;
    c->marks = NULL;
}


/* FNV-1a, then a multiply-xorshift finish so every bit counts */

static uint64_t
mfa_fcache_hash(mfa_str_t key)
{
    size_t    i;
    uint64_t  h;

    h = 0xcbf29ce484222325ULL;

    for (i = 0; i < key.len; i++) {
        h ^= (unsigned char) key.data[i];
        h *= 0x100000001b3ULL;
    }

    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;

    return h;
}


uint64_t
mfa_fcache_mark(const mfa_fcache_t *c)
{
    return c->seq;
}


static mfa_fcache_entry_t **
mfa_fcache_find(mfa_fcache_t *c, const void *scope, unsigned kind,
    mfa_str_t key, uint64_t hash)
{
    mfa_fcache_entry_t  **link, *e;

    for (link = &c->buckets[hash & c->mask]; *link != NULL;
         link = &(*link)->next)
    {
        e = *link;

        if (e->hash == hash && e->scope == scope && e->kind == kind
            && e->key_len == key.len
            && memcmp(e->data, key.data, key.len) == 0)
        {
            return link;
        }
    }

    return NULL;
}


int
mfa_fcache_get(mfa_fcache_t *c, const void *scope, unsigned kind,
    mfa_str_t key, uint64_t now, mfa_str_t *value)
{
    mfa_fcache_entry_t  **link, *e;

    if (c->buckets == NULL) {
        return MFA_NOT_FOUND;
    }

    link = mfa_fcache_find(c, scope, kind, key, mfa_fcache_hash(key));

    if (link == NULL) {
        return MFA_NOT_FOUND;
    }

    e = *link;

    if (e->expires != 0 && now >= e->expires) {
        mfa_fcache_remove(c, link);
        return MFA_NOT_FOUND;
    }

    mfa_fcache_unlink(c, e);
    mfa_fcache_front(c, e);

    value->data = e->data + e->key_len;
    value->len = e->value_len;

    return MFA_OK;
}


int
mfa_fcache_put(mfa_fcache_t *c, const void *scope, unsigned kind,
    mfa_str_t key, mfa_str_t value, uint64_t mark, uint64_t expires)
{
    size_t                cost;
    uint64_t              hash;
    mfa_fcache_entry_t  **link, *e;

    if (c->buckets == NULL || key.len > MFA_FCACHE_KEY_MAX
        || value.len > MFA_FCACHE_VALUE_MAX)
    {
        return MFA_TOO_LARGE;
    }

    hash = mfa_fcache_hash(key);

    if (c->flushed > mark || c->marks[hash & c->marks_mask] > mark) {
        /* the key may have changed after this value was read */
        return MFA_NOT_FOUND;
    }

    link = mfa_fcache_find(c, scope, kind, key, hash);

    if (link != NULL) {
        mfa_fcache_remove(c, link);
    }

    cost = mfa_fcache_cost(key.len, value.len);

    while (c->bytes + cost > c->max && c->tail != NULL) {
        e = c->tail;
        link = mfa_fcache_find(c, e->scope, e->kind,
                               (mfa_str_t) { e->data, e->key_len }, e->hash);
        mfa_fcache_remove(c, link);
    }

    if (cost > c->max) {
        return MFA_TOO_LARGE;
    }

    e = malloc(sizeof(mfa_fcache_entry_t) + key.len + value.len);
    if (e == NULL) {
        return MFA_ERROR;
    }

    e->scope = scope;
    e->hash = hash;
    e->expires = expires;
    e->kind = kind;
    e->key_len = (uint32_t) key.len;
    e->value_len = (uint32_t) value.len;
    memcpy(e->data, key.data, key.len);

    if (value.len) {
        memcpy(e->data + key.len, value.data, value.len);
    }

    e->next = c->buckets[hash & c->mask];
    c->buckets[hash & c->mask] = e;
    mfa_fcache_front(c, e);

    c->bytes += cost;
    c->count++;

    return MFA_OK;
}


void
mfa_fcache_invalidate(mfa_fcache_t *c, mfa_str_t key)
{
    uint64_t              hash;
    mfa_fcache_entry_t  **link, *e;

    if (c->buckets == NULL) {
        return;
    }

    hash = mfa_fcache_hash(key);
    c->marks[hash & c->marks_mask] = ++c->seq;

    link = &c->buckets[hash & c->mask];

    while (*link != NULL) {
        e = *link;

        if (e->hash == hash && e->key_len == key.len
            && memcmp(e->data, key.data, key.len) == 0)
        {
            mfa_fcache_remove(c, link);
            continue;
        }

        link = &e->next;
    }
}


void
mfa_fcache_flush(mfa_fcache_t *c)
{
    mfa_fcache_entry_t  *e, *next;

    c->flushed = ++c->seq;

    for (e = c->head; e != NULL; e = next) {
        next = e->older;
        free(e);
    }

    if (c->buckets != NULL) {
        memset(c->buckets, 0, (c->mask + 1) * sizeof(mfa_fcache_entry_t *));
    }

    c->head = NULL;
    c->tail = NULL;
    c->bytes = 0;
    c->count = 0;
}


static void
mfa_fcache_remove(mfa_fcache_t *c, mfa_fcache_entry_t **link)
{
    mfa_fcache_entry_t  *e;

    e = *link;
    *link = e->next;

    mfa_fcache_unlink(c, e);

    c->bytes -= mfa_fcache_cost(e->key_len, e->value_len);
    c->count--;

    free(e);
}


static void
mfa_fcache_unlink(mfa_fcache_t *c, mfa_fcache_entry_t *e)
{
    if (e->newer != NULL) {
        e->newer->older = e->older;

    } else {
        c->head = e->older;
    }

    if (e->older != NULL) {
        e->older->newer = e->newer;

    } else {
        c->tail = e->newer;
    }
}


static void
mfa_fcache_front(mfa_fcache_t *c, mfa_fcache_entry_t *e)
{
    e->newer = NULL;
    e->older = c->head;

    if (c->head != NULL) {
        c->head->newer = e;

    } else {
        c->tail = e;
    }

    c->head = e;
}
