
/*
 * ngx_http_mfa_module: the per-worker cache of verified decisions.
 *
 * A session that passed the gate as "verified" is let through again for
 * at most a second (mfa_verified_cache) without asking Redis: a page and
 * its requests rarely spread over more than that.  Only verified outcomes
 * are kept, which a policy flip does not change; a disable, a reset or a
 * logout is seen within that second.  The table itself is pure core
 * (src/mfa_cache.c); this file gives it nginx's clock and strings.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_mfa_cache.h"


/* 32768 entries of 192 bytes: 6 MB a worker */
#define NGX_HTTP_MFA_CACHE_SLOTS  32768


#define ngx_http_mfa_cache_str(s)                                             \
    ((mfa_str_t) { (const char *) (s)->data, (s)->len })


static uint64_t ngx_http_mfa_cache_now(void);


/* per worker: allocated in init_process, freed in exit_process */
static mfa_cache_t  ngx_http_mfa_cache;


/*
 * nginx's clock in 64 bits, as the table keeps times: where ngx_msec_t
 * has 32 bits it wraps every 49.7 days, and an entry kept before the wrap
 * would look alive again after it.
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
ngx_http_mfa_cache_init(ngx_cycle_t *cycle)
{
    if (mfa_cache_init(&ngx_http_mfa_cache, NGX_HTTP_MFA_CACHE_SLOTS)
        != MFA_OK)
    {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "mfa: no memory for the verified-decision cache");
        return NGX_ERROR;
    }

    return NGX_OK;
}


void
ngx_http_mfa_cache_exit(void)
{
    mfa_cache_free(&ngx_http_mfa_cache);
}


ngx_int_t
ngx_http_mfa_cache_get(void *conf, ngx_str_t *key, ngx_str_t *user)
{
    int        rc;
    mfa_str_t  u;

    rc = mfa_cache_get(&ngx_http_mfa_cache, conf, ngx_http_mfa_cache_str(key),
                       ngx_http_mfa_cache_now(), &u);

    if (rc == MFA_CACHE_MISS) {
        return NGX_DECLINED;
    }

    user->data = (u_char *) u.data;
    user->len = u.len;

    return rc == MFA_CACHE_REFRESH ? NGX_AGAIN : NGX_OK;
}


ngx_int_t
ngx_http_mfa_cache_user(void *conf, ngx_str_t *key, ngx_str_t *user)
{
    mfa_str_t  u;

    if (mfa_cache_user(&ngx_http_mfa_cache, conf, ngx_http_mfa_cache_str(key),
                       &u)
        != MFA_OK)
    {
        return NGX_DECLINED;
    }

    user->data = (u_char *) u.data;
    user->len = u.len;

    return NGX_OK;
}


/*
 * Kept from the time Redis was asked, not from its answer: Redis read the
 * session somewhere in between, and no decision may outlive that reading
 * by more than the ttl.
 */

void
ngx_http_mfa_cache_put(void *conf, ngx_str_t *key, ngx_str_t *user,
    ngx_msec_t asked, ngx_msec_t ttl)
{
    ngx_msec_t  ago;

    ago = ngx_current_msec - asked;

    if (ago >= ttl) {
        /* the answer came too late to be kept at all */
        return;
    }

    mfa_cache_put(&ngx_http_mfa_cache, conf, ngx_http_mfa_cache_str(key),
                  ngx_http_mfa_cache_str(user),
                  ngx_http_mfa_cache_now() - ago, ttl);
}


void
ngx_http_mfa_cache_drop(void *conf, ngx_str_t *key, ngx_uint_t expire)
{
    mfa_cache_drop(&ngx_http_mfa_cache, conf, ngx_http_mfa_cache_str(key),
                   ngx_http_mfa_cache_now(), expire != 0);
}


/*
 * A user's 2FA changed (disabled, enrolled again): this worker forgets
 * every decision it keeps for the user at once.  Other workers keep
 * theirs for at most NGX_HTTP_MFA_CACHE_MAX_TTL.
 */

void
ngx_http_mfa_cache_forget(ngx_str_t *user)
{
    mfa_cache_forget(&ngx_http_mfa_cache, ngx_http_mfa_cache_str(user),
                     ngx_http_mfa_cache_now());
}
