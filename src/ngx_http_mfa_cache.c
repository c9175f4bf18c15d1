
/*
 * ngx_http_mfa_module: the worker's exact cache of facts read in Redis.
 *
 * The table is pure core (src/mfa_fcache.c).  Redis keeps it exact: the
 * worker's query connection has CLIENT TRACKING on, redirected to its
 * invalidation connection (src/ngx_http_mfa_redis.c), and every key this
 * worker read is named there when it changes.  The cache is used only
 * while that works: tracking on for the current invalidation connection,
 * and a message sent through it less than NGX_HTTP_MFA_CACHE_BOUND ago
 * received.  Whenever either connection is lost or set up again,
 * everything is forgotten.
 *
 * With "mfa_session_events", session keys are not tracked: Redis's
 * keyspace events name them when they change (not when touched), and a
 * probe proves, four times a second, that the events are sent.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_mfa_cache.h"
#include "ngx_http_mfa_redis.h"
#include "mfa_fcache.h"


static uint64_t ngx_http_mfa_cache_now(void);
static void ngx_http_mfa_cache_invalidate(u_char *key, size_t len);
static void ngx_http_mfa_cache_flush(void);


/* per worker: allocated in init_process, freed in exit_process */
static mfa_fcache_t  ngx_http_mfa_cache;


/*
 * nginx's clock in 64 bits: where ngx_msec_t has 32 bits it wraps every
 * 49.7 days, and an entry kept before the wrap would look alive after it.
 */

static uint64_t
ngx_http_mfa_cache_now(void)
{
#if (NGX_PTR_SIZE == 4)
    static uint64_t    wraps;
    static ngx_msec_t  last;

    if (ngx_current_msec < last) {
        wraps += (uint64_t) 1 << 32;
    }

    last = ngx_current_msec;

    return wraps + ngx_current_msec;
#else
    return ngx_current_msec;
#endif
}


ngx_int_t
ngx_http_mfa_cache_init(ngx_cycle_t *cycle, size_t size)
{
    if (size == 0) {
        return NGX_OK;
    }

    if (mfa_fcache_init(&ngx_http_mfa_cache, size) != MFA_OK) {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "mfa: no memory for the cache (\"mfa_cache_size\" "
                      "%uz)", size);
        return NGX_ERROR;
    }

    ngx_http_mfa_redis_track(ngx_http_mfa_cache_invalidate,
                             ngx_http_mfa_cache_flush);

    return NGX_OK;
}


void
ngx_http_mfa_cache_exit(void)
{
    mfa_fcache_free(&ngx_http_mfa_cache);
}


ngx_uint_t
ngx_http_mfa_cache_usable(void)
{
    ngx_msec_t  alive;

    if (ngx_http_mfa_cache.slots == NULL) {
        return 0;
    }

    /* what Redis sent already counts, whatever the order of events */
    ngx_http_mfa_redis_drain();

    if (!ngx_http_mfa_redis_tracking(&alive)) {
        return 0;
    }

    return (ngx_msec_int_t) (ngx_current_msec - alive)
           <= NGX_HTTP_MFA_CACHE_BOUND;
}


ngx_uint_t
ngx_http_mfa_cache_sessions(void)
{
    ngx_msec_t  alive;

    if (!ngx_http_mfa_redis_events(&alive)) {
        return 1;
    }

    return alive != 0
           && (ngx_msec_int_t) (ngx_current_msec - alive)
              <= NGX_HTTP_MFA_CACHE_BOUND;
}


uint64_t
ngx_http_mfa_cache_mark(void)
{
    return mfa_fcache_mark(&ngx_http_mfa_cache);
}


uint64_t
ngx_http_mfa_cache_hash(mfa_str_t key)
{
    return mfa_fcache_hash(key);
}


void
ngx_http_mfa_cache_prefetch(uint64_t *hashes, size_t n)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        mfa_fcache_prefetch(&ngx_http_mfa_cache, hashes[i]);
    }

    for (i = 0; i < n; i++) {
        mfa_fcache_prefetch_entry(&ngx_http_mfa_cache, hashes[i]);
    }
}


ngx_int_t
ngx_http_mfa_cache_get(const void *scope, ngx_uint_t kind, mfa_str_t key,
    uint64_t hash, mfa_str_t *value, uint64_t *expires)
{
    if (mfa_fcache_get(&ngx_http_mfa_cache, scope, kind, key, hash,
                       ngx_http_mfa_cache_now(), value, expires)
        != MFA_OK)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


void
ngx_http_mfa_cache_put(const void *scope, ngx_uint_t kind, mfa_str_t key,
    mfa_str_t value, uint64_t mark, ngx_msec_t sent, long long ttl)
{
    uint64_t  expires;

    if (!ngx_http_mfa_cache_usable()) {
        return;
    }

    /* a key Redis expires: from when it was asked, never later */

    expires = 0;

    if (ttl >= 0) {
        expires = ngx_http_mfa_cache_now() - (ngx_current_msec - sent)
                  + (uint64_t) ttl;
    }

    (void) mfa_fcache_put(&ngx_http_mfa_cache, scope, kind, key, value, mark,
                          expires);
}


void
ngx_http_mfa_cache_keep(const void *scope, ngx_uint_t kind, mfa_str_t key,
    mfa_str_t value, uint64_t mark, uint64_t expires)
{
    if (!ngx_http_mfa_cache_usable()) {
        return;
    }

    (void) mfa_fcache_put(&ngx_http_mfa_cache, scope, kind, key, value, mark,
                          expires);
}


ngx_uint_t
ngx_http_mfa_cache_fresh(uint64_t hash, uint64_t mark)
{
    return mfa_fcache_fresh(&ngx_http_mfa_cache, hash, mark);
}


static void
ngx_http_mfa_cache_invalidate(u_char *key, size_t len)
{
    mfa_str_t  k;

    k.data = (const char *) key;
    k.len = len;

    mfa_fcache_invalidate(&ngx_http_mfa_cache, k);
}


static void
ngx_http_mfa_cache_flush(void)
{
    mfa_fcache_flush(&ngx_http_mfa_cache);
}
