
/*
 * A worker's cache of facts read in Redis: a chained hash table of
 * entries allocated one by one, in a list from the newest to the oldest.
 * A hit only marks its entry as used; the budget evicts from the oldest
 * end, giving a used entry a second chance at the newest (the CLOCK
 * algorithm).  A hit thus reads its bucket and its entry and writes
 * nothing else: the neighbours in the list are other entries' memory, and
 * with millions of entries each would be a cache miss.
 */


#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
    unsigned             kind:31;
    unsigned             used:1;        /* read since it was last moved */
    char                 data[];        /* the key, then the value */
};


/* entries are carved in multiples of this, one free list a size */
#define MFA_FCACHE_ALIGN       32
#define MFA_FCACHE_CLASSES                                                    \
    ((sizeof(mfa_fcache_entry_t) + MFA_FCACHE_KEY_MAX + MFA_FCACHE_VALUE_MAX  \
      + MFA_FCACHE_ALIGN - 1) / MFA_FCACHE_ALIGN + 1)

/* what an entry costs: itself and its bytes, rounded to its size class */
#define mfa_fcache_cost(key_len, value_len)                                   \
    ((sizeof(mfa_fcache_entry_t) + (key_len) + (value_len)                    \
      + MFA_FCACHE_ALIGN - 1) / MFA_FCACHE_ALIGN * MFA_FCACHE_ALIGN)

/* the budget's share of each bucket and mark */
#define MFA_FCACHE_PER_BUCKET  128
#define MFA_FCACHE_MARKS       16384


static uint64_t mfa_fcache_hash(mfa_str_t key);
static mfa_fcache_entry_t **mfa_fcache_find(mfa_fcache_t *c,
    const void *scope, unsigned kind, mfa_str_t key, uint64_t hash);
static void mfa_fcache_remove(mfa_fcache_t *c, mfa_fcache_entry_t **link);
static void mfa_fcache_unlink(mfa_fcache_t *c, mfa_fcache_entry_t *e);
static void mfa_fcache_front(mfa_fcache_t *c, mfa_fcache_entry_t *e);
static mfa_fcache_entry_t *mfa_fcache_alloc(mfa_fcache_t *c, size_t cost);
static void mfa_fcache_release(mfa_fcache_t *c, mfa_fcache_entry_t *e);
static void mfa_fcache_reset(mfa_fcache_t *c);


int
mfa_fcache_init(mfa_fcache_t *c, size_t max)
{
    size_t  n, index;
    void   *region;

    memset(c, 0, sizeof(mfa_fcache_t));

    for (n = 1024; n * 2 * MFA_FCACHE_PER_BUCKET <= max; n *= 2) {
        /* void */
    }

    index = n * sizeof(mfa_fcache_entry_t *)
            + MFA_FCACHE_MARKS * sizeof(uint64_t)
            + MFA_FCACHE_CLASSES * sizeof(mfa_fcache_entry_t *);

    if (max < 2 * index) {
        return MFA_ERROR;
    }

    region = mmap(NULL, max, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS,
                  -1, 0);
    if (region == MAP_FAILED) {
        return MFA_ERROR;
    }

#ifdef MADV_HUGEPAGE
    /* a hint: without transparent huge pages, ordinary pages */
    (void) madvise(region, max, MADV_HUGEPAGE);
#endif

    /* zeroed by the system */
    c->region = region;
    c->region_size = max;
    c->buckets = (mfa_fcache_entry_t **) c->region;
    c->marks = (uint64_t *) (c->buckets + n);
    c->free_lists = (mfa_fcache_entry_t **) (c->marks + MFA_FCACHE_MARKS);
    c->end = c->region + max;
    c->bottom = (char *) (c->free_lists + MFA_FCACHE_CLASSES);
    c->bottom += (MFA_FCACHE_ALIGN - (uintptr_t) c->bottom % MFA_FCACHE_ALIGN)
                 % MFA_FCACHE_ALIGN;

    c->mask = n - 1;
    c->marks_mask = MFA_FCACHE_MARKS - 1;
    c->max = max - index;

    mfa_fcache_reset(c);

    return MFA_OK;
}


void
mfa_fcache_free(mfa_fcache_t *c)
{
    if (c->region != NULL) {
        (void) munmap(c->region, c->region_size);
    }

    memset(c, 0, sizeof(mfa_fcache_t));
}


/* every entry's memory free again: the region's top above the index */

static void
mfa_fcache_reset(mfa_fcache_t *c)
{
    c->top = c->bottom;
    memset(c->free_lists, 0, MFA_FCACHE_CLASSES * sizeof(mfa_fcache_entry_t *));
}


/* a block of its size class, freed before or from the top; NULL: none */

static mfa_fcache_entry_t *
mfa_fcache_alloc(mfa_fcache_t *c, size_t cost)
{
    size_t               cls;
    mfa_fcache_entry_t  *e;

    cls = cost / MFA_FCACHE_ALIGN;
    e = c->free_lists[cls];

    if (e != NULL) {
        c->free_lists[cls] = e->next;
        return e;
    }

    if ((size_t) (c->end - c->top) < cost) {
        return NULL;
    }

    e = (mfa_fcache_entry_t *) c->top;
    c->top += cost;

    return e;
}


static void
mfa_fcache_release(mfa_fcache_t *c, mfa_fcache_entry_t *e)
{
    size_t  cls;

    cls = mfa_fcache_cost(e->key_len, e->value_len) / MFA_FCACHE_ALIGN;
    e->next = c->free_lists[cls];
    c->free_lists[cls] = e;
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

    e->used = 1;

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

        if (e->used) {
            /* a second chance */
            e->used = 0;
            mfa_fcache_unlink(c, e);
            mfa_fcache_front(c, e);
            continue;
        }

        link = mfa_fcache_find(c, e->scope, e->kind,
                               (mfa_str_t) { e->data, e->key_len }, e->hash);
        mfa_fcache_remove(c, link);
    }

    if (cost > c->max) {
        return MFA_TOO_LARGE;
    }

    /* freed blocks are kept by size: room of another size may need more
       to go, and with none left, everything is free again */

    for ( ;; ) {
        e = mfa_fcache_alloc(c, cost);

        if (e != NULL) {
            break;
        }

        if (c->tail == NULL) {
            mfa_fcache_reset(c);

            e = mfa_fcache_alloc(c, cost);
            if (e == NULL) {
                return MFA_TOO_LARGE;
            }

            break;
        }

        e = c->tail;
        link = mfa_fcache_find(c, e->scope, e->kind,
                               (mfa_str_t) { e->data, e->key_len }, e->hash);
        mfa_fcache_remove(c, link);
    }

    e->scope = scope;
    e->hash = hash;
    e->expires = expires;
    e->kind = kind;
    e->used = 0;
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
    c->flushed = ++c->seq;

    if (c->region == NULL) {
        return;
    }

    /* the index is large (32 MB for 1 GB): cleared only when written */

    if (c->count > 0 || c->top != c->bottom) {
        memset(c->buckets, 0, (c->mask + 1) * sizeof(mfa_fcache_entry_t *));
        mfa_fcache_reset(c);
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

    mfa_fcache_release(c, e);
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
