
/*
 * ngx_http_mfa_module: configuration and per-request context shared by
 * the module's nginx glue.
 */


#ifndef _NGX_HTTP_MFA_H_INCLUDED_
#define _NGX_HTTP_MFA_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_mfa_redis.h"
#include "mfa_cookie.h"
#include "mfa_crypto.h"
#include "mfa_gate.h"
#include "ngx_http_mfa_metrics.h"


#define NGX_HTTP_MFA_SCOPE_ACTIVE   0
#define NGX_HTTP_MFA_SCOPE_ANY      1

#define NGX_HTTP_MFA_FAIL_CLOSED    0
#define NGX_HTTP_MFA_FAIL_OPEN      1


typedef struct {
    ngx_http_mfa_redis_conf_t   redis;
    ngx_str_t                   prefix;
    /* "<prefix>user:", "<prefix>company:", "<prefix>verified:" */
    ngx_str_t                   key_user;
    ngx_str_t                   key_company;
    ngx_str_t                   key_verified;
    /* "<prefix>pending:", "<prefix>addr:", "<prefix>audit" */
    ngx_str_t                   key_pending;
    ngx_str_t                   key_addr;
    ngx_str_t                   key_audit;
    /* mfa_key_t: the first seals, all open */
    ngx_array_t                *keys;
    ngx_str_t                   issuer;
    /* mfa_api_token_file: len 0 when not configured */
    ngx_str_t                   api_token;
    /* "mfa_metrics" is somewhere */
    ngx_flag_t                  metrics;
    /* "mfa_cache_size": a worker's cache of facts, 0 without */
    size_t                      cache_size;
} ngx_http_mfa_main_conf_t;


/* "mfa_session_preset": a stack's session directives (preset.c) */
typedef struct ngx_http_mfa_preset_s  ngx_http_mfa_preset_t;


typedef struct {
    ngx_flag_t                  enable;
    /* "mfa_session_preset", where it is written (inner blocks inherit
       what it set, and the name for "nginx -t") */
    ngx_http_mfa_preset_t      *preset;
    /* "mfa_session_cookie": the cookie, its framework, its secrets */
    mfa_cookie_spec_t          *cookie;
    /* "mfa_session_id": an id the operator parses (a header) */
    ngx_http_complex_value_t   *session_id;
    ngx_http_complex_value_t   *session_key;
    /* "mfa_session_introspect": the app's route, instead of the key */
    ngx_str_t                   introspect;
    ngx_str_t                   introspect_args;
    mfa_format_t               *session_format;
    /* "mfa_visitor_cookie": a visitor's session cookie goes up */
    ngx_flag_t                  visitor_cookie;
    /* "mfa_session_max_size" */
    size_t                      session_max_size;
    ngx_str_t                   session_user;
    ngx_str_t                   session_company;
    ngx_str_t                   session_admin;
    ngx_http_complex_value_t   *company;
    ngx_str_t                   pages;
    ngx_str_t                   logout_url;
    ngx_uint_t                  policy_scope;
    ngx_uint_t                  fail;
    time_t                      verified_ttl;
    ngx_uint_t                  totp_digits;
    time_t                      totp_period;
    ngx_uint_t                  totp_algorithm;
    ngx_uint_t                  totp_skew;
} ngx_http_mfa_loc_conf_t;


typedef struct {
    /* some location of this server has "mfa on": client copies of the
       X-MFA-* headers are removed in all of them, "mfa off" ones too */
    ngx_flag_t                  gated;
} ngx_http_mfa_srv_conf_t;


typedef struct ngx_http_mfa_page_s  ngx_http_mfa_page_t;
/* a lookup in progress: src/ngx_http_mfa_lookup.c */
typedef struct ngx_http_mfa_lookup_s  ngx_http_mfa_lookup_t;


typedef struct {
    ngx_http_request_t          *request;
    /* the settings the decision was made with */
    ngx_http_mfa_loc_conf_t     *conf;
    /* a write of the pages in flight */
    ngx_http_mfa_redis_query_t  *query;
    /* the gate's reads: the app asked ("mfa_session_introspect"), Redis */
    ngx_http_request_t          *introspect;
    ngx_http_mfa_lookup_t       *lookup;
    mfa_gate_decision_t          decision;
    /*
     * What the decision is bound to: the session id (checked), the
     * session key and the company the request names, as evaluated; the
     * id's digest (in the verified marker's key); and the session cookie
     * read, for the upstream's Cookie header.
     */
    ngx_str_t                    sid;
    ngx_str_t                    key;
    ngx_str_t                    company;
    ngx_str_t                    digest;
    mfa_cookie_t                *cookie;
    /* what the decision was made from */
    mfa_gate_input_t             in;
    mfa_gate_identity_t          identity;
    /* the state of a request for the module's pages */
    ngx_http_mfa_page_t         *page;
    /* r->uri_changes when decided: one less after an internal redirect */
    ngx_uint_t                   uri_changes;
    unsigned                     waiting:1;
    unsigned                     done:1;
    unsigned                     headers_set:1;
    unsigned                     counted:1;
    unsigned                     sid_set:1;
    /* the request body is read before the gate decides */
    unsigned                     body_read:1;
    /* a lookup for the pages: every fact is read in Redis */
    unsigned                     no_cache:1;
} ngx_http_mfa_ctx_t;


extern ngx_module_t  ngx_http_mfa_module;


/* the request's context: src/ngx_http_mfa_ctx.c */
ngx_http_mfa_ctx_t *ngx_http_mfa_get_ctx(ngx_http_request_t *r);
ngx_http_mfa_ctx_t *ngx_http_mfa_create_ctx(ngx_http_request_t *r);
/* zeroes the context, after detaching its query */
void ngx_http_mfa_ctx_reset(ngx_http_mfa_ctx_t *ctx);

/* headers: src/ngx_http_mfa_headers.c */
ngx_uint_t ngx_http_mfa_own_header(ngx_table_elt_t *h);
ngx_uint_t ngx_http_mfa_is_cookie(ngx_table_elt_t *h);
ngx_int_t ngx_http_mfa_rebuild_headers(ngx_http_request_t *r,
    ngx_uint_t (*drop)(ngx_table_elt_t *h), ngx_table_elt_t *add,
    ngx_table_elt_t **added);
ngx_int_t ngx_http_mfa_strip_headers(ngx_http_request_t *r);
/* a request header's name as sent and lowercase, its hash once known */
typedef struct {
    ngx_str_t                   key;
    ngx_str_t                   lowcase;
    ngx_uint_t                  hash;
} ngx_http_mfa_header_name_t;

#define ngx_http_mfa_header_name(key, lowcase)                                \
    { ngx_string(key), ngx_string(lowcase), 0 }

/* a request header for the upstream, value copied */
ngx_int_t ngx_http_mfa_add_header(ngx_http_request_t *r,
    ngx_http_mfa_header_name_t *name, u_char *value, size_t len);
/* a response header; key and value are not copied */
ngx_int_t ngx_http_mfa_set_header(ngx_http_request_t *r, char *key,
    char *value);
/* a request header's value; data NULL when absent */
mfa_str_t ngx_http_mfa_header_in(ngx_http_request_t *r, char *name);
/* the Location of a redirect, with "Cache-Control: no-store"; not copied */
ngx_int_t ngx_http_mfa_set_location(ngx_http_request_t *r, u_char *url,
    size_t len);
/* sends a small response with "Cache-Control: no-store" */
ngx_int_t ngx_http_mfa_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_str_t *body);
/* a request from another site (Sec-Fetch-Site), logged; "none" allowed
   (a typed URL, a bookmark) when allow_none */
ngx_uint_t ngx_http_mfa_cross_site(ngx_http_request_t *r,
    ngx_uint_t allow_none);

/* $mfa_session_id, $mfa_status, $mfa_user, $mfa_company */
ngx_int_t ngx_http_mfa_add_variables(ngx_conf_t *cf);

/*
 * Zeroed memory for a secret read from the configuration: left out of core
 * dumps, wiped and freed with the configuration (ngx_http_mfa_secret.c)
 */
void *ngx_http_mfa_secret_alloc(ngx_conf_t *cf, size_t size);

/* the session cookie: src/ngx_http_mfa_cookie.c */
ngx_int_t ngx_http_mfa_cookie_init_process(ngx_cycle_t *cycle);
void ngx_http_mfa_cookie_exit_process(void);
/* ngx_http_mfa_preset.c */
char *ngx_http_mfa_session_preset(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_mfa_preset_apply(ngx_conf_t *cf,
    ngx_http_mfa_loc_conf_t *conf);
const char *ngx_http_mfa_preset_cookie_missing(ngx_http_mfa_loc_conf_t *conf);

/*
 * What a decision is bound to, as this location evaluates it: the
 * session id, the cookie it was read from, the session key, the company
 * (src/ngx_http_mfa_lookup.c)
 */
ngx_int_t ngx_http_mfa_binding(ngx_http_request_t *r,
    ngx_http_mfa_loc_conf_t *mlcf, ngx_str_t *id, mfa_cookie_t **cookie,
    ngx_str_t *key, ngx_str_t *company);
/* the id a decision is about, and the session cookie it was read from */
ngx_int_t ngx_http_mfa_session_id(ngx_http_request_t *r,
    ngx_http_mfa_loc_conf_t *mlcf, ngx_str_t *id, mfa_cookie_t **cookie);
/* the Cookie header for the upstream: session c (NULL: none) */
ngx_int_t ngx_http_mfa_cookie_rewrite(ngx_http_request_t *r,
    mfa_cookie_t *c);

/* the content handler of the requests under "mfa_pages" */
ngx_int_t ngx_http_mfa_pages_handler(ngx_http_request_t *r);

/* the gate's 503 for a browser: the translated page; finalizes r */
void ngx_http_mfa_pages_unavailable(ngx_http_request_t *r);

/*
 * Starts the Redis lookup and the gate's decision for the request.
 * NGX_OK: ctx->decision is made; NGX_AGAIN: wait for the reply, the
 * request is woken up then; NGX_ERROR.
 */
ngx_int_t ngx_http_mfa_lookup(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx);
/* the same, for the session id given, and its record when not NULL */
ngx_int_t ngx_http_mfa_lookup_facts(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, ngx_str_t *id, mfa_str_t *record);

/* the decision made without Redis, for want of a session: */
#define NGX_HTTP_MFA_NO_SESSION   0     /* no session id */
#define NGX_HTTP_MFA_VISITOR      1     /* the app: nobody logged in */
#define NGX_HTTP_MFA_UNREADABLE   2     /* the app could not be asked */
#define NGX_HTTP_MFA_GONE         3     /* the same, the client gone: not
                                           logged */

void ngx_http_mfa_lookup_without(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, ngx_uint_t why);

/*
 * "mfa_session_introspect": src/ngx_http_mfa_introspect.c.  Asks the app
 * who the session is, in a subrequest: NGX_AGAIN (the lookup goes on when
 * it answers), or NGX_ERROR.
 */
char *ngx_http_mfa_session_introspect(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_mfa_introspect_merge(ngx_conf_t *cf,
    ngx_http_mfa_loc_conf_t *conf, mfa_format_t *json);
ngx_int_t ngx_http_mfa_introspect(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx);

/* what to read in the session, from the configuration; ctx may be NULL */
void ngx_http_mfa_spec(ngx_http_mfa_loc_conf_t *mlcf, ngx_http_mfa_ctx_t *ctx,
    mfa_gate_spec_t *spec);

#endif /* _NGX_HTTP_MFA_H_INCLUDED_ */
