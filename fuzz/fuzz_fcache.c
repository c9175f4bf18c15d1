
/*
 * Fuzz target for the worker's cache of facts (src/mfa_fcache.c) against
 * a model of Redis and its invalidations.
 *
 * The input is a sequence of events: a read sent (the cache's mark taken,
 * the key's value in Redis read then), its reply arriving (put), a write
 * in Redis (the key's version goes up and an invalidation is queued), an
 * invalidation delivered, a get, time going forward, and a lost
 * connection (every queued invalidation lost, the cache flushed).
 * Replies and invalidations arrive in any order, as on two connections.
 *
 * The property: a get answers with the key's current version in Redis
 * unless an invalidation of that key is still on its way, and never
 * after the entry's time; an entry of another scope or kind never
 * answers.  A miss is never wrong (the budget evicts).  And a key read
 * by a get (what a memo of the gate's inputs keeps: the version and the
 * mark then) that mfa_fcache_fresh() still calls fresh has that version
 * in Redis, unless its invalidation is on its way.
 */


#include <string.h>

#include "mfa_fcache.h"
#include "fuzz.h"


#define FUZZ_KEYS     64
#define FUZZ_PENDING  8
#define FUZZ_QUEUED   16


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* a key's version as a get found it, and the cache's mark then */
typedef struct {
    unsigned  read;
    uint64_t  version;
    uint64_t  mark;
} fuzz_memo_t;


typedef struct {
    unsigned  key;
    unsigned  kind;
    uint64_t  mark;
    uint64_t  version;
    uint64_t  expires;
    size_t    len;
} fuzz_read_t;


static int  fuzz_scopes[2];


static mfa_str_t
fuzz_key(unsigned i)
{
    static char  keys[FUZZ_KEYS][16];

    return (mfa_str_t) { keys[i],
                         (size_t) snprintf(keys[i], 16, "mfa:k%u", i) };
}


/* a value naming the version, the kind and scope, and the time it is
   kept until */
static mfa_str_t
fuzz_value(char *buf, uint64_t version, unsigned kind, uint64_t expires,
    size_t len)
{
    int  n;

    n = snprintf(buf, 64, "%llu/%u/%llu/", (unsigned long long) version,
                 kind, (unsigned long long) expires);

    if (len > (size_t) n) {
        memset(buf + n, 'p', len - n);
    } else {
        len = (size_t) n;
    }

    return (mfa_str_t) { buf, len };
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t         i, j, npending, nqueued;
    unsigned       op, key, kind, undelivered;
    uint64_t       now, version[FUZZ_KEYS], got;
    mfa_str_t      v;
    fuzz_read_t    pending[FUZZ_PENDING];
    fuzz_memo_t    memo[FUZZ_KEYS];
    unsigned       queued[FUZZ_QUEUED];
    mfa_fcache_t   c;
    static char    buf[MFA_FCACHE_VALUE_MAX + 64];
    unsigned       gkind;
    uint64_t       expires;
    char          *end;

    if (mfa_fcache_init(&c, 300 * 1024) != MFA_OK) {
        return 0;
    }

    memset(version, 0, sizeof(version));
    memset(memo, 0, sizeof(memo));
    npending = 0;
    nqueued = 0;
    now = 1;

    for (i = 0; i + 1 < size; i += 2) {
        op = data[i] & 7;
        key = data[i + 1] & (FUZZ_KEYS - 1);
        kind = (data[i] >> 3) & 3;      /* bit 1 of kind: the scope */

        switch (op) {

        case 0:     /* a read sent: Redis reads the value now */
            if (npending < FUZZ_PENDING) {
                pending[npending].key = key;
                pending[npending].kind = kind;
                pending[npending].mark = mfa_fcache_mark(&c);
                pending[npending].version = version[key];
                pending[npending].expires = (data[i] & 0x20)
                                            ? now + (data[i + 1] >> 6) + 1
                                            : 0;
                pending[npending].len = (size_t) (data[i] >> 6) * 1300;
                npending++;
            }

            break;

        case 1:     /* a reply arrives: any of those in flight */
            if (npending > 0) {
                j = key % npending;
                v = fuzz_value(buf, pending[j].version, pending[j].kind,
                               pending[j].expires, pending[j].len);
                (void) mfa_fcache_put(&c, &fuzz_scopes[pending[j].kind >> 1],
                                      pending[j].kind & 1,
                                      fuzz_key(pending[j].key), v,
                                      pending[j].mark, pending[j].expires);
                pending[j] = pending[--npending];
            }

            break;

        case 2:     /* a write in Redis: its invalidation on its way */
            version[key]++;

            if (nqueued < FUZZ_QUEUED) {
                queued[nqueued++] = key;

            } else {
                /* more than the connection holds: as if it was lost */
                mfa_fcache_flush(&c);
                nqueued = 0;
            }

            break;

        case 3:     /* an invalidation arrives: they come in order */
            if (nqueued > 0) {
                mfa_fcache_invalidate(&c, fuzz_key(queued[0]));
                memmove(queued, queued + 1, --nqueued * sizeof(unsigned));
            }

            break;

        case 4:
        case 5:     /* a get */
            if (mfa_fcache_get(&c, &fuzz_scopes[kind >> 1], kind & 1,
                               fuzz_key(key), mfa_fcache_hash(fuzz_key(key)),
                               now, &v, NULL)
                != MFA_OK)
            {
                break;
            }

            FUZZ_CHECK(v.len < sizeof(buf));
            memcpy(buf, v.data, v.len);
            buf[v.len] = '\0';

            got = strtoull(buf, &end, 10);
            gkind = (unsigned) strtoul(end + 1, &end, 10);
            expires = strtoull(end + 1, NULL, 10);

            /* of the scope and kind asked for, within its time */
            FUZZ_CHECK(gkind == kind);
            FUZZ_CHECK(expires == 0 || now < expires);

            undelivered = 0;

            for (j = 0; j < nqueued; j++) {
                undelivered |= (queued[j] == key);
            }

            FUZZ_CHECK(got <= version[key]);
            FUZZ_CHECK(undelivered || got == version[key]);

            memo[key].read = 1;
            memo[key].version = got;
            memo[key].mark = mfa_fcache_mark(&c);

            break;

        case 6:     /* time goes forward */
            now += data[i + 1] & 3;
            break;

        default:    /* a lost connection: the cache is flushed */
            nqueued = 0;
            mfa_fcache_flush(&c);
            break;
        }

        FUZZ_CHECK(c.bytes <= c.max);

        /* what the memos rely on */

        for (key = 0; key < FUZZ_KEYS; key++) {
            if (!memo[key].read
                || !mfa_fcache_fresh(&c, mfa_fcache_hash(fuzz_key(key)),
                                     memo[key].mark))
            {
                continue;
            }

            undelivered = 0;

            for (j = 0; j < nqueued; j++) {
                undelivered |= (queued[j] == key);
            }

            FUZZ_CHECK(undelivered || memo[key].version == version[key]);
        }
    }

    /* every invalidation delivered: nothing stale is left */

    for (j = 0; j < nqueued; j++) {
        mfa_fcache_invalidate(&c, fuzz_key(queued[j]));
    }

    for (key = 0; key < FUZZ_KEYS; key++) {
        for (kind = 0; kind < 4; kind++) {
            if (mfa_fcache_get(&c, &fuzz_scopes[kind >> 1], kind & 1,
                               fuzz_key(key), mfa_fcache_hash(fuzz_key(key)),
                               now, &v, NULL)
                == MFA_OK)
            {
                memcpy(buf, v.data, v.len);
                buf[v.len] = '\0';
                FUZZ_CHECK(strtoull(buf, NULL, 10) == version[key]);
            }
        }
    }

    mfa_fcache_free(&c);

    return 0;
}
