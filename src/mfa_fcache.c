
/*
 * A worker's cache of facts read in Redis: an open-addressing index
 * (linear probing) of entries carved one by one from a region, in a list
 * from the newest to the oldest.  An index slot holds the high half of
 * its entry's hash and the entry's place in the region: 8 bytes, eight to
 * a CPU cache line, so a probe reads one line of the index and then only
 * the entry whose hash matches.  A hit only marks its entry as used; the
 * budget evicts from the oldest end, giving a used entry a second chance
 * at the newest (the CLOCK algorithm).  A hit thus reads its slot and its
 * entry and writes nothing else: with millions of entries read at random,
 * every other line touched would be a cache miss.
 */


#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mfa_fcache.h"


struct mfa_fcache_entry_s {
    mfa_fcache_entry_t  *newer;
    mfa_fcache_entry_t  *older;         /* or the next in its free list */
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

/* the budget's share of each index slot, and the share of slots in use
   at most (linear probing stays short below three quarters) */
#define MFA_FCACHE_PER_SLOT    128
#define mfa_fcache_slots_max(n)  ((n) / 4 * 3)
/* invalidation marks: one for every 8 slots, 16,384 at the least, so
   that an invalidation retires few entries and memos of other keys */
#define MFA_FCACHE_SLOTS_PER_MARK  8
#define MFA_FCACHE_MARKS_MIN       16384

/* an entry's place in the region, in MFA_FCACHE_ALIGN units: 0 is the
   index itself, never an entry, and marks an empty slot */
#define mfa_fcache_ref(c, e)                                                  \
    ((uint32_t) (((char *) (e) - (c)->region) / MFA_FCACHE_ALIGN))
#define mfa_fcache_entry(c, ref)                                              \
    ((mfa_fcache_entry_t *) ((c)->region + (size_t) (ref) * MFA_FCACHE_ALIGN))

/* a slot's tag: the hash's high half; its home slot: the tag's low bits */
#define mfa_fcache_tag(hash)   ((uint32_t) ((hash) >> 32))


static mfa_fcache_slot_t *mfa_fcache_find(mfa_fcache_t *c,
    const void *scope, unsigned kind, mfa_str_t key, uint64_t hash);
static void mfa_fcache_evict(mfa_fcache_t *c, mfa_fcache_entry_t *e);
static void mfa_fcache_remove(mfa_fcache_t *c, mfa_fcache_slot_t *slot);
static void mfa_fcache_unlink(mfa_fcache_t *c, mfa_fcache_entry_t *e);
static void mfa_fcache_front(mfa_fcache_t *c, mfa_fcache_entry_t *e);
static mfa_fcache_entry_t *mfa_fcache_alloc(mfa_fcache_t *c, size_t cost);
static void mfa_fcache_release(mfa_fcache_t *c, mfa_fcache_entry_t *e);
static void mfa_fcache_reset(mfa_fcache_t *c);


int
mfa_fcache_init(mfa_fcache_t *c, size_t max)
{
    size_t  n, marks, index;
    void   *region;

    memset(c, 0, sizeof(mfa_fcache_t));

    /* a slot's entry is named by a 32-bit place in the region */
    if (max / MFA_FCACHE_ALIGN > UINT32_MAX) {
        return MFA_ERROR;
    }

    for (n = 1024; n * 2 * MFA_FCACHE_PER_SLOT <= max; n *= 2) {
        /* void */
    }

    marks = n / MFA_FCACHE_SLOTS_PER_MARK;

    if (marks < MFA_FCACHE_MARKS_MIN) {
        marks = MFA_FCACHE_MARKS_MIN;
    }

    index = n * sizeof(mfa_fcache_slot_t)
            + marks * sizeof(uint64_t)
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
    c->slots = (mfa_fcache_slot_t *) c->region;
    c->marks = (uint64_t *) (c->slots + n);
    c->free_lists = (mfa_fcache_entry_t **) (c->marks + marks);
    c->end = c->region + max;
    c->bottom = (char *) (c->free_lists + MFA_FCACHE_CLASSES);
    c->bottom += (MFA_FCACHE_ALIGN - (uintptr_t) c->bottom % MFA_FCACHE_ALIGN)
                 % MFA_FCACHE_ALIGN;

    c->mask = n - 1;
    c->count_max = mfa_fcache_slots_max(n);
    c->marks_mask = marks - 1;
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
        c->free_lists[cls] = e->older;
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
    e->older = c->free_lists[cls];
    c->free_lists[cls] = e;
}


/*
 * Eight bytes at a time, each word multiplied in and folded (keys are
 * dozens of bytes: a byte-at-a-time hash was a chain of multiplies as
 * long as the key), then a multiply-xorshift finish so every bit counts.
 */

uint64_t
mfa_fcache_hash(mfa_str_t key)
{
    size_t    i;
    uint64_t  h, w;

    h = 0xcbf29ce484222325ULL ^ key.len;

    for (i = 0; i + 8 <= key.len; i += 8) {
        memcpy(&w, key.data + i, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 29;
    }

    w = 0;

    if (i < key.len) {
        memcpy(&w, key.data + i, key.len - i);
    }

    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;

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


void
mfa_fcache_prefetch(const mfa_fcache_t *c, uint64_t hash)
{
    if (c->slots == NULL) {
        return;
    }

#if defined(__GNUC__)
    __builtin_prefetch(&c->slots[mfa_fcache_tag(hash) & c->mask]);
#endif
}


void
mfa_fcache_prefetch_entry(const mfa_fcache_t *c, uint64_t hash)
{
#if defined(__GNUC__)
    size_t    i;
    uint32_t  tag;

    if (c->slots == NULL) {
        return;
    }

    tag = mfa_fcache_tag(hash);

    for (i = tag & c->mask; c->slots[i].ref != 0; i = (i + 1) & c->mask) {

        if (c->slots[i].tag == tag) {
            __builtin_prefetch(mfa_fcache_entry(c, c->slots[i].ref));
            return;
        }
    }
#endif
}


/* the slot of an entry of this key, scope and kind; NULL: none */

static mfa_fcache_slot_t *
mfa_fcache_find(mfa_fcache_t *c, const void *scope, unsigned kind,
    mfa_str_t key, uint64_t hash)
{
    size_t               i;
    uint32_t             tag;
    mfa_fcache_entry_t  *e;

    tag = mfa_fcache_tag(hash);

    for (i = tag & c->mask; c->slots[i].ref != 0; i = (i + 1) & c->mask) {

        if (c->slots[i].tag != tag) {
            continue;
        }

        e = mfa_fcache_entry(c, c->slots[i].ref);

        if (e->hash == hash && e->scope == scope && e->kind == kind
            && e->key_len == key.len
            && memcmp(e->data, key.data, key.len) == 0)
        {
            return &c->slots[i];
        }
    }

    return NULL;
}


int
mfa_fcache_get(mfa_fcache_t *c, const void *scope, unsigned kind,
    mfa_str_t key, uint64_t hash, uint64_t now, mfa_str_t *value,
    uint64_t *expires)
{
    mfa_fcache_slot_t   *slot;
    mfa_fcache_entry_t  *e;

    if (c->slots == NULL) {
        return MFA_NOT_FOUND;
    }

    slot = mfa_fcache_find(c, scope, kind, key, hash);

    if (slot == NULL) {
        return MFA_NOT_FOUND;
    }

    e = mfa_fcache_entry(c, slot->ref);

    if (e->expires != 0 && now >= e->expires) {
        mfa_fcache_remove(c, slot);
        return MFA_NOT_FOUND;
    }

    e->used = 1;

    value->data = e->data + e->key_len;
    value->len = e->value_len;

    if (expires != NULL) {
        *expires = e->expires;
    }

    return MFA_OK;
}


int
mfa_fcache_fresh(const mfa_fcache_t *c, uint64_t hash, uint64_t mark)
{
    return c->slots != NULL && c->flushed <= mark
           && c->marks[hash & c->marks_mask] <= mark;
}


int
mfa_fcache_put(mfa_fcache_t *c, const void *scope, unsigned kind,
    mfa_str_t key, mfa_str_t value, uint64_t mark, uint64_t expires)
{
    size_t               cost, i;
    uint64_t             hash;
    mfa_fcache_slot_t   *slot;
    mfa_fcache_entry_t  *e;

    if (c->slots == NULL || key.len > MFA_FCACHE_KEY_MAX
        || value.len > MFA_FCACHE_VALUE_MAX)
    {
        return MFA_TOO_LARGE;
    }

    hash = mfa_fcache_hash(key);

    if (c->flushed > mark || c->marks[hash & c->marks_mask] > mark) {
        /* the key may have changed after this value was read */
        return MFA_NOT_FOUND;
    }

    slot = mfa_fcache_find(c, scope, kind, key, hash);

    if (slot != NULL) {
        mfa_fcache_remove(c, slot);
    }

    cost = mfa_fcache_cost(key.len, value.len);

    while ((c->bytes + cost > c->max || c->count >= c->count_max)
           && c->tail != NULL)
    {
        e = c->tail;

        if (e->used) {
            /* a second chance */
            e->used = 0;
            mfa_fcache_unlink(c, e);
            mfa_fcache_front(c, e);
            continue;
        }

        mfa_fcache_evict(c, e);
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

        mfa_fcache_evict(c, c->tail);
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

    for (i = mfa_fcache_tag(hash) & c->mask; c->slots[i].ref != 0;
         i = (i + 1) & c->mask)
    {
        /* void */
    }

    c->slots[i].tag = mfa_fcache_tag(hash);
    c->slots[i].ref = mfa_fcache_ref(c, e);
    mfa_fcache_front(c, e);

    c->bytes += cost;
    c->count++;

    return MFA_OK;
}


void
mfa_fcache_invalidate(mfa_fcache_t *c, mfa_str_t key)
{
    size_t               i;
    uint32_t             tag;
    uint64_t             hash;
    mfa_fcache_entry_t  *e;

    if (c->slots == NULL) {
        return;
    }

    hash = mfa_fcache_hash(key);
    tag = mfa_fcache_tag(hash);
    c->marks[hash & c->marks_mask] = ++c->seq;

    i = tag & c->mask;

    while (c->slots[i].ref != 0) {

        if (c->slots[i].tag == tag) {
            e = mfa_fcache_entry(c, c->slots[i].ref);

            if (e->hash == hash && e->key_len == key.len
                && memcmp(e->data, key.data, key.len) == 0)
            {
                /* the next of the run may now be in this slot */
                mfa_fcache_remove(c, &c->slots[i]);
                continue;
            }
        }

        i = (i + 1) & c->mask;
    }
}


void
mfa_fcache_flush(mfa_fcache_t *c)
{
    c->flushed = ++c->seq;

    if (c->region == NULL) {
        return;
    }

    /* the index is large (64 MB for 1 GB): cleared only when written */

    if (c->count > 0 || c->top != c->bottom) {
        memset(c->slots, 0, (c->mask + 1) * sizeof(mfa_fcache_slot_t));
        mfa_fcache_reset(c);
    }

    c->head = NULL;
    c->tail = NULL;
    c->bytes = 0;
    c->count = 0;
}


/* the oldest goes: its slot is the one in its run that names it */

static void
mfa_fcache_evict(mfa_fcache_t *c, mfa_fcache_entry_t *e)
{
    size_t    i;
    uint32_t  ref;

    ref = mfa_fcache_ref(c, e);

    for (i = mfa_fcache_tag(e->hash) & c->mask; c->slots[i].ref != ref;
         i = (i + 1) & c->mask)
    {
        /* void */
    }

    mfa_fcache_remove(c, &c->slots[i]);
}


/*
 * The slot's entry goes, and the slots after it in the run move back
 * where a probe from their home still finds them (deletion without
 * tombstones: Knuth's algorithm R).
 */

static void
mfa_fcache_remove(mfa_fcache_t *c, mfa_fcache_slot_t *slot)
{
    size_t               i, j, home;
    mfa_fcache_entry_t  *e;

    e = mfa_fcache_entry(c, slot->ref);

    mfa_fcache_unlink(c, e);

    c->bytes -= mfa_fcache_cost(e->key_len, e->value_len);
    c->count--;

    mfa_fcache_release(c, e);

    i = slot - c->slots;

    for (j = (i + 1) & c->mask; c->slots[j].ref != 0; j = (j + 1) & c->mask) {
        home = c->slots[j].tag & c->mask;

        /* j stays when its home lies cyclically in (i, j] */
        if (i <= j ? (i < home && home <= j) : (i < home || home <= j)) {
            continue;
        }

        c->slots[i] = c->slots[j];
        i = j;
    }

    c->slots[i].ref = 0;
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
