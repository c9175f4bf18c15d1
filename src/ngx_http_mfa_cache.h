
/*
 * ngx_http_mfa_module: the per-worker cache of verified decisions.
 */


#ifndef _NGX_HTTP_MFA_CACHE_H_INCLUDED_
#define _NGX_HTTP_MFA_CACHE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>

#include "mfa_cache.h"


/* the longest a verified decision may be reused: SPEC section 2.4 */
#define NGX_HTTP_MFA_CACHE_MAX_TTL  MFA_CACHE_MAX_TTL


ngx_int_t ngx_http_mfa_cache_init(ngx_cycle_t *cycle);
void ngx_http_mfa_cache_exit(void);

/*
 * The user of a session that was verified less than "ttl" ago, for the
 * same location settings ("conf") and the same "key" (the session id and
 * the session key): NGX_OK and the user, or NGX_DECLINED.  NGX_AGAIN (with
 * the user) once half the time is gone: the caller starts a refresh, which
 * ends with ngx_http_mfa_cache_put() or ngx_http_mfa_cache_drop().
 */
ngx_int_t ngx_http_mfa_cache_get(void *conf, ngx_str_t *key, ngx_str_t *user);

/* the refresh failed (expire 0) or found the session changed (expire 1) */
void ngx_http_mfa_cache_drop(void *conf, ngx_str_t *key, ngx_uint_t expire);

/* a decision Redis gave for a question asked at "asked" */
void ngx_http_mfa_cache_put(void *conf, ngx_str_t *key, ngx_str_t *user,
    ngx_msec_t asked, ngx_msec_t ttl);

/*
 * The user a session was last verified for, whether or not the decision
 * expired: only a hint, for the lookup's fast path, which checks it.
 */
ngx_int_t ngx_http_mfa_cache_user(void *conf, ngx_str_t *key,
    ngx_str_t *user);

/* expires this worker's decisions for a user */
void ngx_http_mfa_cache_forget(ngx_str_t *user);


#endif /* _NGX_HTTP_MFA_CACHE_H_INCLUDED_ */
