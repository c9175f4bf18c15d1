
/*
 * ngx_http_mfa_module: the per-worker cache of verified decisions.
 *
 * A session that passed the gate as "verified" is let through again for
 * at most a second (mfa_verified_cache) without asking Redis: a page and
 * its requests rarely spread over more than that.  Only verified outcomes
 * are kept, which a policy flip does not change; a disable, a reset or a
 * logout is seen within that second.  The table is 4-way set-associative
 * by a hash of the session id and key: a new entry takes the place of the
 * one closest to expiring in its set.  Entries match on the location
 * settings and the exact id and key, never on a hash alone.
 */


#include <ngx_config.h>
#include <ngx_core.h>

#include "ngx_http_mfa_cache.h"


/* 32768 entries of 192 bytes: 6 MB a worker, in sets of 4 */
#define NGX_HTTP_MFA_CACHE_SLOTS     32768
#define NGX_HTTP_MFA_CACHE_WAYS      4
/* longer session ids and keys, or user ids, are simply not cached */
#define NGX_HTTP_MFA_CACHE_KEY_MAX   104
#define NGX_HTTP_MFA_CACHE_USER_MAX  64


typedef struct {
    void         *conf;
    ngx_msec_t    expires;
    u_short       key_len;
    u_short       ttl;
    u_char        user_len;
    u_char        refreshing;
    u_char        key[NGX_HTTP_MFA_CACHE_KEY_MAX];
    u_char        user[NGX_HTTP_MFA_CACHE_USER_MAX];
} ngx_http_mfa_cache_entry_t;


static ngx_http_mfa_cache_entry_t *ngx_http_mfa_cache_set(ngx_str_t *key);
static ngx_http_mfa_cache_entry_t *ngx_http_mfa_cache_find(void *conf,
    ngx_str_t *key);


/* per worker: allocated in init_process, freed in exit_process */
static ngx_http_mfa_cache_entry_t  *ngx_http_mfa_cache;


ngx_int_t
ngx_http_mfa_cache_init(ngx_cycle_t *cycle)
{
    ngx_http_mfa_cache = ngx_calloc(NGX_HTTP_MFA_CACHE_SLOTS
                                    * sizeof(ngx_http_mfa_cache_entry_t),
                                    cycle->log);

    return ngx_http_mfa_cache != NULL ? NGX_OK : NGX_ERROR;
}


void
ngx_http_mfa_cache_exit(void)
{
    if (ngx_http_mfa_cache != NULL) {
        ngx_free(ngx_http_mfa_cache);
        ngx_http_mfa_cache = NULL;
    }
}


/* the first entry of the key's set */

static ngx_http_mfa_cache_entry_t *
ngx_http_mfa_cache_set(ngx_str_t *key)
{
    if (ngx_http_mfa_cache == NULL || key->len > NGX_HTTP_MFA_CACHE_KEY_MAX) {
        return NULL;
    }

    return &ngx_http_mfa_cache[ngx_murmur_hash2(key->data, key->len)
                               % (NGX_HTTP_MFA_CACHE_SLOTS
                                  / NGX_HTTP_MFA_CACHE_WAYS)
                               * NGX_HTTP_MFA_CACHE_WAYS];
}


/* the key's entry, expired or not, or NULL */

static ngx_http_mfa_cache_entry_t *
ngx_http_mfa_cache_find(void *conf, ngx_str_t *key)
{
    ngx_uint_t                   i;
    ngx_http_mfa_cache_entry_t  *e;

    e = ngx_http_mfa_cache_set(key);

    if (e == NULL) {
        return NULL;
    }

    for (i = 0; i < NGX_HTTP_MFA_CACHE_WAYS; i++, e++) {
        if (e->conf == conf && e->key_len == key->len && e->user_len != 0
            && ngx_memcmp(e->key, key->data, key->len) == 0)
        {
            return e;
        }
    }

    return NULL;
}


ngx_int_t
ngx_http_mfa_cache_get(void *conf, ngx_str_t *key, ngx_str_t *user)
{
    ngx_msec_int_t               left;
    ngx_http_mfa_cache_entry_t  *e;

    e = ngx_http_mfa_cache_find(conf, key);

    if (e == NULL) {
        return NGX_DECLINED;
    }

    left = (ngx_msec_int_t) (e->expires - ngx_current_msec);

    if (left <= 0) {
        return NGX_DECLINED;
    }

    user->data = e->user;
    user->len = e->user_len;

    if (left < e->ttl / 2 && !e->refreshing) {
        e->refreshing = 1;
        return NGX_AGAIN;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_mfa_cache_user(void *conf, ngx_str_t *key, ngx_str_t *user)
{
    ngx_http_mfa_cache_entry_t  *e;

    e = ngx_http_mfa_cache_find(conf, key);

    if (e == NULL) {
        return NGX_DECLINED;
    }

    user->data = e->user;
    user->len = e->user_len;

    return NGX_OK;
}


void
ngx_http_mfa_cache_put(void *conf, ngx_str_t *key, ngx_str_t *user,
    ngx_msec_t ttl)
{
    ngx_uint_t                   i;
    ngx_http_mfa_cache_entry_t  *e, *set;

    if (ttl == 0 || user->len == 0
        || user->len > NGX_HTTP_MFA_CACHE_USER_MAX)
    {
        return;
    }

    e = ngx_http_mfa_cache_find(conf, key);

    if (e == NULL) {
        set = ngx_http_mfa_cache_set(key);

        if (set == NULL) {
            return;
        }

        /* the entry of the set closest to expiring, or expired longest */

        e = set;

        for (i = 1; i < NGX_HTTP_MFA_CACHE_WAYS; i++) {
            if ((ngx_msec_int_t) (set[i].expires - e->expires) < 0) {
                e = &set[i];
            }
        }
    }

    ttl = ngx_min(ttl, NGX_HTTP_MFA_CACHE_MAX_TTL);

    e->conf = conf;
    e->expires = ngx_current_msec + ttl;
    e->ttl = (u_short) ttl;
    e->refreshing = 0;
    e->key_len = (u_short) key->len;
    e->user_len = (u_char) user->len;
    ngx_memcpy(e->key, key->data, key->len);
    ngx_memcpy(e->user, user->data, user->len);
}


/* a refresh found the session no longer verified, or could not tell */

void
ngx_http_mfa_cache_drop(void *conf, ngx_str_t *key, ngx_uint_t expire)
{
    ngx_http_mfa_cache_entry_t  *e;

    e = ngx_http_mfa_cache_find(conf, key);

    if (e == NULL) {
        return;
    }

    e->refreshing = 0;

    if (expire) {
        e->expires = ngx_current_msec;
    }
}


/*
 * A user's 2FA changed (disabled, enrolled again): this worker forgets
 * every decision it keeps for the user at once.  Other workers keep
 * theirs for at most NGX_HTTP_MFA_CACHE_MAX_TTL.
 */

void
ngx_http_mfa_cache_forget(ngx_str_t *user)
{
    ngx_uint_t                   i;
    ngx_http_mfa_cache_entry_t  *e;

    if (ngx_http_mfa_cache == NULL) {
        return;
    }

    for (i = 0; i < NGX_HTTP_MFA_CACHE_SLOTS; i++) {
        e = &ngx_http_mfa_cache[i];

        if (e->user_len == user->len
            && ngx_memcmp(e->user, user->data, user->len) == 0)
        {
            e->expires = ngx_current_msec;
        }
    }
}
