
/*
 * ngx_http_mfa_module: "mfa_session_preset", the session directives of a
 * stack as it ships, in one line.  A preset stands for the directives it
 * names, written in its own block: those the block gives itself win, and
 * inner blocks inherit the result (docs/integration.md shows each one).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa.h"


struct ngx_http_mfa_preset_s {
    ngx_str_t                 name;
    /* the session cookie; none for a framework that signs it: its
       secret must be given with "mfa_session_cookie" */
    ngx_str_t                 cookie;
    mfa_cookie_flavour_e      flavour;
    ngx_str_t                 key;
    mfa_format_t              format;
    /* the user's path; empty: the app's own, "mfa_session_user" */
    ngx_str_t                 user;
};


static ngx_http_mfa_preset_t  ngx_http_mfa_presets[] = {

    /* express-session with connect-redis, Passport */
    { ngx_string("express"), ngx_null_string, MFA_COOKIE_EXPRESS,
      ngx_string("sess:$mfa_session_id"), { .format = MFA_FORMAT_JSON },
      ngx_string("passport.user") },

    /* @fastify/session with connect-redis, @fastify/passport */
    { ngx_string("fastify"), ngx_null_string, MFA_COOKIE_FASTIFY,
      ngx_string("sess:$mfa_session_id"), { .format = MFA_FORMAT_JSON },
      ngx_string("passport.user") },

    /* koa-session with koa-redis, koa-passport */
    { ngx_string("koa"), ngx_null_string, MFA_COOKIE_KOA,
      ngx_string("$mfa_session_id"), { .format = MFA_FORMAT_JSON },
      ngx_string("passport.user") },

    /* php-redis, session.serialize_handler php */
    { ngx_string("php"), ngx_string("PHPSESSID"), MFA_COOKIE_PHP,
      ngx_string("PHPREDIS_SESSION:$mfa_session_id"),
      { .format = MFA_FORMAT_PHP }, ngx_null_string },

    /* Flask-Session (pickle), Flask-Login */
    { ngx_string("flask"), ngx_string("session"), MFA_COOKIE_FLASK,
      ngx_string("session:$mfa_session_id"), { .format = MFA_FORMAT_PICKLE },
      ngx_string("_user_id") },

    /* Django's cache backend on django-redis (pickle), django.contrib.auth */
    { ngx_string("django"), ngx_string("sessionid"), MFA_COOKIE_DJANGO,
      ngx_string(":1:django.contrib.sessions.cache$mfa_session_id"),
      { .format = MFA_FORMAT_PICKLE }, ngx_string("_auth_user_id") },

    /* Rack::Session::Redis (redis-rack, redis-actionpack), Devise */
    { ngx_string("rails"), ngx_string("rack.session"), MFA_COOKIE_RACK,
      ngx_string("rack:session:2::$mfa_session_id_sha256"),
      { .format = MFA_FORMAT_MARSHAL },
      ngx_string("[warden.user.user.key][0][0]") },

    /* Spring Session Data Redis with its JSON serializer, Spring Security */
    { ngx_string("spring"), ngx_string("SESSION"), MFA_COOKIE_SPRING,
      ngx_string("spring:session:sessions:$mfa_session_id"),
      { .format = MFA_FORMAT_HASH, .json_fields = 1 },
      ngx_string("[sessionAttr:SPRING_SECURITY_CONTEXT].authentication"
                 ".principal.username") },

    { ngx_null_string, ngx_null_string, 0, ngx_null_string, { 0 },
      ngx_null_string }
};


char *
ngx_http_mfa_session_preset(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_loc_conf_t *mlcf = conf;

    ngx_str_t              *value;
    ngx_http_mfa_preset_t  *p;

    if (mlcf->preset != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (p = ngx_http_mfa_presets; p->name.len; p++) {
        if (p->name.len == value[1].len
            && ngx_strncmp(p->name.data, value[1].data, value[1].len) == 0)
        {
            mlcf->preset = p;
            return NGX_CONF_OK;
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"mfa_session_preset\" has an unknown stack \"%V\": "
                       "express, fastify, koa, php, flask, django, rails or "
                       "spring (a session nginx cannot read, such as "
                       "Laravel's encrypted cookie: \"mfa_session_introspect\")",
                       &value[1]);

    return NGX_CONF_ERROR;
}


/*
 * Before the block inherits: what the block did not say, its preset says.
 * Applied again, it changes nothing.
 */

ngx_int_t
ngx_http_mfa_preset_apply(ngx_conf_t *cf, ngx_http_mfa_loc_conf_t *conf)
{
    ngx_http_mfa_preset_t             *p;
    mfa_cookie_spec_t                 *cookie;
    ngx_http_compile_complex_value_t   ccv;

    p = conf->preset;

    if (p == NULL) {
        return NGX_OK;
    }

    if (conf->cookie == NULL && conf->session_id == NULL && p->cookie.len) {
        cookie = ngx_pcalloc(cf->pool, sizeof(mfa_cookie_spec_t));
        if (cookie == NULL) {
            return NGX_ERROR;
        }

        cookie->flavour = p->flavour;
        cookie->name.data = (char *) p->cookie.data;
        cookie->name.len = p->cookie.len;
        conf->cookie = cookie;
    }

    if (conf->session_key == NULL) {
        conf->session_key = ngx_palloc(cf->pool,
                                       sizeof(ngx_http_complex_value_t));
        if (conf->session_key == NULL) {
            return NGX_ERROR;
        }

        ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
        ccv.cf = cf;
        ccv.value = &p->key;
        ccv.complex_value = conf->session_key;

        if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (conf->session_format == NULL) {
        conf->session_format = &p->format;
    }

    if (conf->session_user.data == NULL && p->user.len) {
        conf->session_user = p->user;
    }

    return NGX_OK;
}


/* for "nginx -t": the cookie a preset cannot set, since it is signed */

const char *
ngx_http_mfa_preset_cookie_missing(ngx_http_mfa_loc_conf_t *conf)
{
    if (conf->preset == NULL || conf->preset->cookie.len) {
        return NULL;
    }

    switch (conf->preset->flavour) {

    case MFA_COOKIE_EXPRESS:
        return "\"mfa_session_cookie connect.sid express secret_file=...\" "
               "(express-session signs its cookie: the gate needs its "
               "secret)";

    case MFA_COOKIE_FASTIFY:
        return "\"mfa_session_cookie sessionId fastify secret_file=...\" "
               "(@fastify/session signs its cookie: the gate needs its "
               "secret)";

    default:
        return "\"mfa_session_cookie koa.sess koa secret_file=...\" "
               "(koa-session signs its cookie with app.keys: the gate "
               "needs them)";
    }
}
