
/*
 * ngx_http_mfa_module: refreshing a cached verified decision ahead of its
 * expiry.
 *
 * A request served from the verified-decision cache after half of the
 * entry's time confirms the session in the background with the fast
 * path's commands (src/ngx_http_mfa_fast.c), so that an active session
 * does not wait for Redis when its entry would expire.  No decision is ever older than
 * mfa_verified_cache: a refresh that finds the session changed drops the
 * entry, one that gets no answer leaves it to expire.  The refresh owns
 * copies of everything it needs: the request may be gone when Redis
 * answers.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa.h"
#include "ngx_http_mfa_cache.h"
#include "mfa_keys.h"


typedef struct {
    ngx_http_mfa_loc_conf_t     *conf;
    ngx_log_t                   *log;
    ngx_str_t                    cache_key;
    ngx_str_t                    user;
    ngx_msec_t                   asked;
    ngx_http_mfa_fast_t          fast;
} ngx_http_mfa_refresh_t;


static void ngx_http_mfa_refresh_done(ngx_http_mfa_fast_t *f,
    redisReply *reply);
static void ngx_http_mfa_refresh_free(ngx_http_mfa_refresh_t *t);


void
ngx_http_mfa_refresh(ngx_http_request_t *r, ngx_str_t *cache_key,
    ngx_str_t *session_key, ngx_str_t *id, ngx_str_t *user)
{
    u_char                      *p;
    size_t                       len;
    ngx_str_t                    session, verified, user_key;
    ngx_http_mfa_refresh_t      *t;
    ngx_http_mfa_loc_conf_t     *mlcf;
    ngx_http_mfa_main_conf_t    *mmcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);
    mmcf = ngx_http_get_module_main_conf(r, ngx_http_mfa_module);

    len = sizeof(ngx_http_mfa_refresh_t) + cache_key->len + user->len
          + session_key->len + mmcf->key_verified.len + MFA_SESSION_DIGEST_LEN
          + mmcf->key_user.len + user->len;

    t = ngx_alloc(len, ngx_cycle->log);
    if (t == NULL) {
        ngx_http_mfa_cache_drop(mlcf, cache_key, 0);
        return;
    }

    ngx_memzero(t, sizeof(ngx_http_mfa_refresh_t));
    t->conf = mlcf;
    t->log = ngx_cycle->log;
    t->asked = ngx_current_msec;

    p = (u_char *) (t + 1);

    t->cache_key.data = p;
    t->cache_key.len = cache_key->len;
    p = ngx_cpymem(p, cache_key->data, cache_key->len);

    t->user.data = p;
    t->user.len = user->len;
    p = ngx_cpymem(p, user->data, user->len);

    session.data = p;
    session.len = session_key->len;
    p = ngx_cpymem(p, session_key->data, session_key->len);

    verified.data = p;
    verified.len = mmcf->key_verified.len + MFA_SESSION_DIGEST_LEN;
    p = ngx_cpymem(p, mmcf->key_verified.data, mmcf->key_verified.len);

    if (mfa_session_digest((char *) id->data, id->len, (char *) p) != MFA_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      "mfa: OpenSSL cannot compute a session digest");
        ngx_http_mfa_cache_drop(mlcf, cache_key, 0);
        ngx_free(t);
        return;
    }

    p += MFA_SESSION_DIGEST_LEN;

    user_key.data = p;
    user_key.len = mmcf->key_user.len + user->len;
    p = ngx_cpymem(p, mmcf->key_user.data, mmcf->key_user.len);
    ngx_memcpy(p, user->data, user->len);

    t->fast.max = mlcf->session_max_size;
    t->fast.log = t->log;
    t->fast.data = t;
    t->fast.done = ngx_http_mfa_refresh_done;

    if (ngx_http_mfa_fast_start(&t->fast, t->log, &session, &verified,
                                &user_key, &mlcf->session_max_arg)
        == NGX_OK)
    {
        return;
    }

    ngx_http_mfa_cache_drop(mlcf, &t->cache_key, 0);
    ngx_free(t);
}


static void
ngx_http_mfa_refresh_done(ngx_http_mfa_fast_t *f, redisReply *reply)
{
    ngx_http_mfa_refresh_t  *t = f->data;

    mfa_gate_spec_t      spec;
    mfa_gate_input_t     in;
    mfa_gate_identity_t  id;

    if (f->lost) {
        /* nothing learnt: the entry expires in its time */
        ngx_http_mfa_cache_drop(t->conf, &t->cache_key, 0);
        ngx_http_mfa_refresh_free(t);
        return;
    }

    ngx_memzero(&in, sizeof(mfa_gate_input_t));
    ngx_http_mfa_spec(t->conf, NULL, &spec);

    if (ngx_http_mfa_fast_verified(f, &spec, &t->user, reply, &in, &id)
        == NGX_OK)
    {
        ngx_http_mfa_cache_put(t->conf, &t->cache_key, &t->user, t->asked,
                               t->conf->verified_cache);

    } else {
        /* logged out, disabled, another user: the script decides next */
        ngx_http_mfa_cache_drop(t->conf, &t->cache_key, 1);
    }

    ngx_http_mfa_refresh_free(t);
}


static void
ngx_http_mfa_refresh_free(ngx_http_mfa_refresh_t *t)
{
    ngx_http_mfa_fast_free(&t->fast);
    ngx_free(t);
}
