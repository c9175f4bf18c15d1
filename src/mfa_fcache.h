
/*
 * A worker's cache of facts read in Redis (docs/internals.md: the exact
 * cache).
 *
 * A fact is what one Redis key held when it was read: a session's user,
 * a company's policy.  Each entry is named by its Redis key, a scope (the
 * settings it was read with; NULL when they do not matter) and a kind,
 * and holds the caller's bytes.  Redis tells the caller when a key it
 * read changes (CLIENT TRACKING); mfa_fcache_invalidate() then removes
 * every entry of that key.  A read answered after an invalidation of its
 * key was received is not kept: the caller takes a mark before sending
 * the read and gives it to mfa_fcache_put().  Memory is bounded by a
 * budget: the oldest entries not used since they were last given a
 * second chance go first (CLOCK, close to least recently used).  Times are
 * milliseconds on the caller's clock; nothing here reads a clock.
 */


#ifndef MFA_FCACHE_H
#define MFA_FCACHE_H


#include "mfa_core.h"


/* longer keys or values are not kept */
#define MFA_FCACHE_KEY_MAX     1024
#define MFA_FCACHE_VALUE_MAX   4096


typedef struct mfa_fcache_entry_s  mfa_fcache_entry_t;

/* an index slot: its entry's hash, high half, and place in the region */
typedef struct {
    uint32_t               tag;
    uint32_t               ref;
} mfa_fcache_slot_t;

typedef struct {
    mfa_fcache_slot_t     *slots;
    size_t                 mask;
    /* entries at most: a quarter of the slots stays free */
    size_t                 count_max;
    /* the most recently used first */
    mfa_fcache_entry_t    *head;
    mfa_fcache_entry_t    *tail;
    size_t                 bytes;
    size_t                 max;
    size_t                 count;
    /* one more at every invalidation or flush */
    uint64_t               seq;
    uint64_t               flushed;
    /* the seq of the last invalidation of keys of each hash slot */
    uint64_t              *marks;
    size_t                 marks_mask;
    /* all of it in one region, in huge pages where the system gives them
       (millions of entries read at random: fewer TLB misses); entries are
       carved from the top, and kept by size once freed */
    char                  *region;
    size_t                 region_size;
    char                  *bottom;
    char                  *top;
    char                  *end;
    mfa_fcache_entry_t   **free_lists;
} mfa_fcache_t;


/* a budget of max bytes, entries and their index included, reserved at
   once (the system commits it as it is used) */
int mfa_fcache_init(mfa_fcache_t *c, size_t max);
void mfa_fcache_free(mfa_fcache_t *c);

/* where a key lives in the index */
uint64_t mfa_fcache_hash(mfa_str_t key);

/*
 * Hints before several gets, so that their cache misses overlap: first
 * every key's index slot, then every key's entry (which reads the slot).
 */
void mfa_fcache_prefetch(const mfa_fcache_t *c, uint64_t hash);
void mfa_fcache_prefetch_entry(const mfa_fcache_t *c, uint64_t hash);

/* taken before a read is sent, given to mfa_fcache_put() with its answer */
uint64_t mfa_fcache_mark(const mfa_fcache_t *c);

/*
 * The value of a live entry: MFA_OK, value pointing into the cache until
 * the next put, invalidation or flush, and (expires not NULL) when it
 * expires (0: never); or MFA_NOT_FOUND.  hash is mfa_fcache_hash(key),
 * computed once for the prefetch and the get.
 */
int mfa_fcache_get(mfa_fcache_t *c, const void *scope, unsigned kind,
    mfa_str_t key, uint64_t hash, uint64_t now, mfa_str_t *value,
    uint64_t *expires);

/*
 * Whether no key of this hash may have been invalidated since the mark
 * was taken, and nothing flushed: what was read of it then still holds.
 * Keys share the invalidation marks of their hash's bucket, so a key of
 * another hash may answer "no" for it, never "yes" wrongly.
 */
int mfa_fcache_fresh(const mfa_fcache_t *c, uint64_t hash, uint64_t mark);

/*
 * Keeps a value read after "mark" was taken, until "expires" (0: until
 * invalidated).  MFA_NOT_FOUND when its key was invalidated since the
 * mark (the value may be stale: not kept), MFA_TOO_LARGE when the key or
 * value is too long for the cache, MFA_OK.
 */
int mfa_fcache_put(mfa_fcache_t *c, const void *scope, unsigned kind,
    mfa_str_t key, mfa_str_t value, uint64_t mark, uint64_t expires);

/* the key changed in Redis: every entry of it goes */
void mfa_fcache_invalidate(mfa_fcache_t *c, mfa_str_t key);

/* everything goes: Redis said so, or an invalidation may have been lost */
void mfa_fcache_flush(mfa_fcache_t *c);


#endif /* MFA_FCACHE_H */
