
/*
 * ngx_http_mfa_module: the worker's exact cache of facts read in Redis.
 */


#ifndef _NGX_HTTP_MFA_CACHE_H_INCLUDED_
#define _NGX_HTTP_MFA_CACHE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "mfa_core.h"


/*
 * The longest a fact is used without proof that no invalidation of it
 * was lost (docs/internals.md, the exact cache): the invalidation
 * connection must have delivered a message sent this recently.
 */
#define NGX_HTTP_MFA_CACHE_BOUND  1000

/* the least "mfa_cache_size": the table's index takes about 140 KB */
#define NGX_HTTP_MFA_CACHE_MIN    (512 * 1024)
/* entries are named by a 32-bit place in units of 32 bytes: 128 GB */
#define NGX_HTTP_MFA_CACHE_MAX_M  131071


/* "size" bytes a worker; 0: no cache */
ngx_int_t ngx_http_mfa_cache_init(ngx_cycle_t *cycle, size_t size);
void ngx_http_mfa_cache_exit(void);

/*
 * Whether facts may be taken from the cache now: Redis tracks what this
 * worker reads and its invalidations are known to arrive.  Reads the
 * invalidations already received first.
 */
ngx_uint_t ngx_http_mfa_cache_usable(void);

/*
 * Whether sessions' records may be too, given a usable cache: either they
 * are tracked as every other key or, with "mfa_session_events", Redis's
 * keyspace events are proven to arrive (the probe, within the bound)
 */
ngx_uint_t ngx_http_mfa_cache_sessions(void);

/* taken before reads are sent, given back with their answers */
uint64_t ngx_http_mfa_cache_mark(void);

/*
 * A get names its key and the key's hash, computed once: the gets of a
 * round are preceded by a prefetch of all their keys, so that their
 * memory is fetched at once.
 */
uint64_t ngx_http_mfa_cache_hash(mfa_str_t key);
void ngx_http_mfa_cache_prefetch(uint64_t *hashes, size_t n);
ngx_int_t ngx_http_mfa_cache_get(const void *scope, ngx_uint_t kind,
    mfa_str_t key, uint64_t hash, mfa_str_t *value, uint64_t *expires);

/* a fact read after "mark", sent at "sent", which Redis expires in ttl ms
   (-1: never) */
void ngx_http_mfa_cache_put(const void *scope, ngx_uint_t kind,
    mfa_str_t key, mfa_str_t value, uint64_t mark, ngx_msec_t sent,
    long long ttl);

/*
 * A memo of the gate's inputs (src/mfa_memo.h): kept until "expires", as
 * a get gave it of the facts (0: never), and used while every key it was
 * decided from is fresh since its mark
 */
void ngx_http_mfa_cache_keep(const void *scope, ngx_uint_t kind,
    mfa_str_t key, mfa_str_t value, uint64_t mark, uint64_t expires);
ngx_uint_t ngx_http_mfa_cache_fresh(uint64_t hash, uint64_t mark);


#endif /* _NGX_HTTP_MFA_CACHE_H_INCLUDED_ */
