
/*
 * ngx_http_mfa_module: two-factor authentication (TOTP) in front of an
 * existing web dashboard.
 *
 * This file holds the module definition, its directives and their
 * validation, and the access-phase handler.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <hiredis/hiredis.h>
#include <openssl/crypto.h>

#include "ngx_http_mfa.h"
#include "ngx_http_mfa_cache.h"
#include "ngx_http_mfa_store.h"
#include "mfa_keys.h"
#include "mfa_session.h"
#include "mfa_totp.h"
#include "mfa_url.h"
#include "mfa_version.h"


typedef struct {
    ngx_conf_post_handler_pt   post_handler;
    ngx_int_t                  low;
    ngx_int_t                  high;
} ngx_http_mfa_bounds_t;


#define NGX_HTTP_MFA_REDIS_PORT     6379
#define NGX_HTTP_MFA_REDIS_MAX_DB   65535
#define NGX_HTTP_MFA_SECRET_MAX     256
#define NGX_HTTP_MFA_TOKEN_MIN      32


static ngx_int_t ngx_http_mfa_handler(ngx_http_request_t *r);
static ngx_uint_t ngx_http_mfa_has_body(ngx_http_request_t *r);
static void ngx_http_mfa_body_read(ngx_http_request_t *r);
static ngx_int_t ngx_http_mfa_subrequest_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_mfa_same_binding(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx, ngx_http_mfa_loc_conf_t *mlcf,
    mfa_cookie_t **cookie);
static ngx_uint_t ngx_http_mfa_same_settings(ngx_http_mfa_loc_conf_t *a,
    ngx_http_mfa_loc_conf_t *b);
static mfa_request_kind_e ngx_http_mfa_request_kind(ngx_http_request_t *r);
static ngx_int_t ngx_http_mfa_respond(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx);
static ngx_int_t ngx_http_mfa_through(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx);
static ngx_int_t ngx_http_mfa_unavailable(ngx_http_request_t *r);
static ngx_int_t ngx_http_mfa_to_page(ngx_http_request_t *r,
    ngx_http_mfa_ctx_t *ctx);

static char *ngx_http_mfa_redis(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_mfa_read_secret(ngx_conf_t *cf, ngx_str_t *name,
    u_char *buf, size_t *len);
static char *ngx_http_mfa_redis_address(ngx_conf_t *cf, const char *name,
    ngx_str_t *value, ngx_str_t *host, in_port_t *port);
static char *ngx_http_mfa_redis_sentinel(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_redis_replicas(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_redis_canary(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_redis_password_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_mfa_sentinel_password_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_mfa_api_token_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_secret_key_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_set_enum(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_session_cookie(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_session_cookie_secret(ngx_conf_t *cf,
    mfa_cookie_spec_t *spec, ngx_str_t *param);
static char *ngx_http_mfa_conf_secret(ngx_conf_t *cf, ngx_str_t *file,
    mfa_str_t *secrets, size_t *nsecrets, size_t max);
static char *ngx_http_mfa_session_format(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_session_format_param(ngx_conf_t *cf,
    mfa_format_t *f, ngx_str_t *param);
static char *ngx_http_mfa_set_session_id(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_uint_t ngx_http_mfa_names_var(ngx_str_t *value, const char *name);
static char *ngx_http_mfa_set_value(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_set_cache_size(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_mfa_check_path(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_mfa_check_pages(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_mfa_check_logout(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_mfa_check_issuer(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_mfa_check_num(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_mfa_check_size(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_mfa_check_sec(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_mfa_check_msec(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_mfa_out_of_bounds(ngx_conf_t *cf,
    ngx_http_mfa_bounds_t *b, const char *unit);
static char *ngx_http_mfa_check_prefix(ngx_conf_t *cf, void *post,
    void *data);

static void *ngx_http_mfa_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_mfa_init_main_conf(ngx_conf_t *cf, void *conf);
static ngx_int_t ngx_http_mfa_key_prefix(ngx_conf_t *cf,
    ngx_http_mfa_main_conf_t *mmcf, char *kind, ngx_str_t *key);
static void *ngx_http_mfa_create_srv_conf(ngx_conf_t *cf);
static void *ngx_http_mfa_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_mfa_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_mfa_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_mfa_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_mfa_init_module(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_mfa_init_process(ngx_cycle_t *cycle);
static void ngx_http_mfa_exit_process(ngx_cycle_t *cycle);


/* what "mfa_session_format" is when not given */
static mfa_format_t  ngx_http_mfa_format_json;


static ngx_conf_enum_t  ngx_http_mfa_policy_scopes[] = {
    { ngx_string("active"), NGX_HTTP_MFA_SCOPE_ACTIVE },
    { ngx_string("any"), NGX_HTTP_MFA_SCOPE_ANY },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_mfa_fail_modes[] = {
    { ngx_string("closed"), NGX_HTTP_MFA_FAIL_CLOSED },
    { ngx_string("open"), NGX_HTTP_MFA_FAIL_OPEN },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_mfa_algorithms[] = {
    { ngx_string("sha1"), MFA_TOTP_SHA1 },
    { ngx_string("sha256"), MFA_TOTP_SHA256 },
    { ngx_string("sha512"), MFA_TOTP_SHA512 },
    { ngx_null_string, 0 }
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_digits_bounds = {
    ngx_http_mfa_check_num, MFA_TOTP_MIN_DIGITS, MFA_TOTP_MAX_DIGITS
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_skew_bounds = {
    ngx_http_mfa_check_num, 0, MFA_TOTP_MAX_SKEW
};


/* a session record: 1 KB to 16 MB */
static ngx_http_mfa_bounds_t  ngx_http_mfa_session_size_bounds = {
    ngx_http_mfa_check_size, 1024, 16 * 1024 * 1024
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_db_bounds = {
    ngx_http_mfa_check_num, 0, NGX_HTTP_MFA_REDIS_MAX_DB
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_period_bounds = {
    ngx_http_mfa_check_sec, 1, MFA_TOTP_MAX_PERIOD
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_ttl_bounds = {
    ngx_http_mfa_check_sec, 60, 30 * 24 * 60 * 60
};


static ngx_http_mfa_bounds_t  ngx_http_mfa_timeout_bounds = {
    ngx_http_mfa_check_msec, 1, 60000
};


static ngx_conf_post_handler_pt  ngx_http_mfa_path_post =
    ngx_http_mfa_check_path;
static ngx_conf_post_handler_pt  ngx_http_mfa_pages_post =
    ngx_http_mfa_check_pages;
static ngx_conf_post_handler_pt  ngx_http_mfa_logout_post =
    ngx_http_mfa_check_logout;
static ngx_conf_post_handler_pt  ngx_http_mfa_issuer_post =
    ngx_http_mfa_check_issuer;
static ngx_conf_post_handler_pt  ngx_http_mfa_prefix_post =
    ngx_http_mfa_check_prefix;


static ngx_command_t  ngx_http_mfa_commands[] = {

    { ngx_string("mfa_redis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_redis,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_redis_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_mfa_main_conf_t, redis.timeout),
      &ngx_http_mfa_timeout_bounds },

    { ngx_string("mfa_redis_password_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_redis_password_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_redis_sentinel"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_2MORE,
      ngx_http_mfa_redis_sentinel,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_redis_replicas"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE12,
      ngx_http_mfa_redis_replicas,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_redis_canary_key"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_redis_canary,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_redis_sentinel_password_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_sentinel_password_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_api_token_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_api_token_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_redis_db"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_mfa_main_conf_t, redis.db),
      &ngx_http_mfa_db_bounds },

    { ngx_string("mfa_redis_prefix"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_mfa_main_conf_t, prefix),
      &ngx_http_mfa_prefix_post },

    { ngx_string("mfa_secret_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_http_mfa_secret_key_file,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_issuer"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_mfa_main_conf_t, issuer),
      &ngx_http_mfa_issuer_post },

    { ngx_string("mfa"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, enable),
      NULL },

    { ngx_string("mfa_session_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_mfa_session_cookie,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_session_id"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_session_id,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_id),
      NULL },

    { ngx_string("mfa_session_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_value,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_key),
      NULL },

    { ngx_string("mfa_session_introspect"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_session_introspect,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_session_preset"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_session_preset,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_session_format"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_mfa_session_format,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_visitor_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, visitor_cookie),
      NULL },

    { ngx_string("mfa_session_max_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_max_size),
      &ngx_http_mfa_session_size_bounds },

    { ngx_string("mfa_session_user"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_user),
      &ngx_http_mfa_path_post },

    { ngx_string("mfa_session_company"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_company),
      &ngx_http_mfa_path_post },

    { ngx_string("mfa_session_admin"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, session_admin),
      &ngx_http_mfa_path_post },

    { ngx_string("mfa_company"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_value,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, company),
      NULL },

    { ngx_string("mfa_pages"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, pages),
      &ngx_http_mfa_pages_post },

    { ngx_string("mfa_logout_url"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, logout_url),
      &ngx_http_mfa_logout_post },

    { ngx_string("mfa_policy_scope"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, policy_scope),
      &ngx_http_mfa_policy_scopes },

    { ngx_string("mfa_fail"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, fail),
      &ngx_http_mfa_fail_modes },

    { ngx_string("mfa_verified_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, verified_ttl),
      &ngx_http_mfa_ttl_bounds },

    { ngx_string("mfa_session_events"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_mfa_main_conf_t, redis.events),
      NULL },

    { ngx_string("mfa_cache_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_cache_size,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("mfa_totp_digits"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, totp_digits),
      &ngx_http_mfa_digits_bounds },

    { ngx_string("mfa_totp_period"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, totp_period),
      &ngx_http_mfa_period_bounds },

    { ngx_string("mfa_totp_algorithm"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_mfa_set_enum,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, totp_algorithm),
      &ngx_http_mfa_algorithms },

    { ngx_string("mfa_totp_skew"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_mfa_loc_conf_t, totp_skew),
      &ngx_http_mfa_skew_bounds },

    { ngx_string("mfa_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_mfa_metrics_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_mfa_module_ctx = {
    ngx_http_mfa_preconfiguration,         /* preconfiguration */
    ngx_http_mfa_init,                     /* postconfiguration */

    ngx_http_mfa_create_main_conf,         /* create main configuration */
    ngx_http_mfa_init_main_conf,           /* init main configuration */

    ngx_http_mfa_create_srv_conf,          /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_mfa_create_loc_conf,          /* create location configuration */
    ngx_http_mfa_merge_loc_conf            /* merge location configuration */
};


ngx_module_t  ngx_http_mfa_module = {
    NGX_MODULE_V1,
    &ngx_http_mfa_module_ctx,              /* module context */
    ngx_http_mfa_commands,                 /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    ngx_http_mfa_init_module,              /* init module */
    ngx_http_mfa_init_process,             /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_mfa_exit_process,             /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_mfa_handler(ngx_http_request_t *r)
{
    ngx_int_t                 rc;
    mfa_cookie_t             *cookie;
    ngx_http_mfa_ctx_t       *ctx;
    ngx_http_mfa_srv_conf_t  *mscf;
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: access handler, \"%V\", mfa %s", &r->uri,
                   mlcf->enable ? "on" : "off");

    if (!mlcf->enable) {
        /* no forged X-MFA-* in a server the gate protects, even here */
        mscf = ngx_http_get_module_srv_conf(r, ngx_http_mfa_module);

        if (mscf->gated && ngx_http_mfa_strip_headers(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return NGX_DECLINED;
    }

    ctx = ngx_http_mfa_get_ctx(r);

    /* decided before an internal redirect: does it hold here? */

    if (ctx != NULL && ctx->done && ctx->uri_changes != r->uri_changes) {
        ctx->uri_changes = r->uri_changes;
        rc = ngx_http_mfa_same_binding(r, ctx, mlcf, &cookie);

        if (rc == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc == NGX_DECLINED) {
            /* an internal redirect to a location that decides otherwise */
            ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "mfa: another session, key or company here: "
                           "deciding again");
            ngx_http_mfa_ctx_reset(ctx);
        }
    }

    if (ctx == NULL || !(ctx->done || ctx->waiting)) {

        if (ngx_http_mfa_strip_headers(r) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (r->uri.len >= mlcf->pages.len
            && ngx_strncmp(r->uri.data, mlcf->pages.data, mlcf->pages.len)
               == 0)
        {
            /* the module's own pages are answered by the module */
            r->content_handler = ngx_http_mfa_pages_handler;
            return NGX_DECLINED;
        }

        if (ctx == NULL) {
            ctx = ngx_http_mfa_create_ctx(r);
            if (ctx == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }

        ctx->conf = mlcf;
        ctx->uri_changes = r->uri_changes;

        /*
         * the gate decides on the session as it is once the request is
         * whole: a body held back by the client would otherwise keep a
         * decided request from the dashboard for as long as the client
         * likes, while the session changes (a visitor's logged in, a
         * company switched)
         */

        if (!ctx->body_read && r->request_body == NULL
            && ngx_http_mfa_has_body(r))
        {
            ctx->body_read = 1;

            rc = ngx_http_read_client_request_body(r,
                                                   ngx_http_mfa_body_read);

            if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
                return rc;
            }

            ngx_http_finalize_request(r, NGX_DONE);
            return NGX_DONE;
        }

        rc = ngx_http_mfa_lookup(r, ctx);

        if (rc == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc == NGX_AGAIN) {
            /* notice a client that goes away while Redis answers */
            ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "mfa: waiting for Redis");
            r->read_event_handler = ngx_http_test_reading;
            return NGX_AGAIN;
        }
    }

    if (ctx->waiting) {
        return NGX_AGAIN;
    }

    r->read_event_handler = ngx_http_block_reading;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: decided: action %d, status \"%s\"",
                   ctx->decision.action,
                   ctx->decision.status ? ctx->decision.status : "");

    return ngx_http_mfa_respond(r, ctx);
}


/* a request body is coming: a length, chunks, or HTTP/2 DATA frames */

static ngx_uint_t
ngx_http_mfa_has_body(ngx_http_request_t *r)
{
#if (NGX_HTTP_V2)
    if (r->stream) {
        return !r->stream->in_closed;
    }
#endif

    return r->headers_in.content_length_n > 0 || r->headers_in.chunked;
}


/* the body is read (kept for the upstream): the phases again, deciding */

static void
ngx_http_mfa_body_read(ngx_http_request_t *r)
{
    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "mfa: request body read, deciding");

    r->preserve_body = 1;
    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);
}


/*
 * nginx skips the access phase for subrequests (SSI includes, "mirror"...):
 * one into a gated location is allowed only from a main request the gate
 * let through.  Subrequests share the main request's pool, and with it
 * the context.
 */

static ngx_int_t
ngx_http_mfa_subrequest_handler(ngx_http_request_t *r)
{
    ngx_int_t                   rc;
    mfa_cookie_t               *cookie;
    ngx_http_mfa_ctx_t         *ctx;
    ngx_http_phase_handler_t   *ph;
    ngx_http_mfa_loc_conf_t    *mlcf, *main;
    ngx_http_core_main_conf_t  *cmcf;

    if (r == r->main) {
        return NGX_DECLINED;
    }

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    if (!mlcf->enable) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_mfa_get_ctx(r);

    if (ctx != NULL && ctx->introspect == r) {
        /* the gate's own question to the app */
        return NGX_DECLINED;
    }

    if (ctx != NULL && ctx->page == NULL && ctx->done
        && ctx->decision.action == MFA_GATE_THROUGH)
    {
        /*
         * from a request the gate let through: for the same session, key
         * and company only, and with the Cookie header the gate wrote
         * (the subrequest may have copied the request's before)
         */

        rc = ngx_http_mfa_same_binding(r, ctx, mlcf, &cookie);

        if (rc == NGX_OK) {
            rc = ngx_http_mfa_cookie_rewrite(r, ctx->decision.session
                                                ? cookie : NULL);

            return (rc == NGX_OK) ? NGX_DECLINED
                                  : NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "mfa: subrequest \"%V\" into a location that decides "
                      "on another session or company than its request",
                      &r->uri);

        return NGX_HTTP_FORBIDDEN;
    }

    /*
     * a gated main request still in its access phase, not decided yet:
     * the subrequest is an access check of its own ("auth_request"), and
     * the gate still runs for the main request afterwards; later phases
     * ("mirror", SSI) and the module's pages (refused or not) are past
     * the gate
     */

    main = ngx_http_get_module_loc_conf(r->main, ngx_http_mfa_module);
    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);
    ph = &cmcf->phase_engine.handlers[r->main->phase_handler];

    if (ctx == NULL && main->enable
        && ph->checker == ngx_http_core_access_phase)
    {
        return NGX_DECLINED;
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "mfa: subrequest \"%V\" into a protected location from a "
                  "request the gate did not check", &r->uri);

    return NGX_HTTP_FORBIDDEN;
}


/* the same bytes (empty strings may have no data at all) */
#define ngx_http_mfa_same_str(a, b)                                           \
    ((a).len == (b).len                                                       \
     && ((a).len == 0 || ngx_memcmp((a).data, (b).data, (a).len) == 0))


/*
 * Whether the decision in ctx holds here (after an internal redirect, in
 * a subrequest): the same session id, session key and company, as this
 * location evaluates them from this request, and the same settings.
 * NGX_OK or NGX_DECLINED; *cookie is the session cookie read here.
 */

static ngx_int_t
ngx_http_mfa_same_binding(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx,
    ngx_http_mfa_loc_conf_t *mlcf, mfa_cookie_t **cookie)
{
    ngx_str_t  id, key, company;

    if (!ngx_http_mfa_same_settings(ctx->conf, mlcf)) {
        return NGX_DECLINED;
    }

    if (ngx_http_mfa_binding(r, mlcf, &id, cookie, &key, &company)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (!ngx_http_mfa_same_str(id, ctx->sid)
        || !ngx_http_mfa_same_str(key, ctx->key)
        || !ngx_http_mfa_same_str(company, ctx->company))
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* the settings a decision depends on, by value */

static ngx_uint_t
ngx_http_mfa_same_settings(ngx_http_mfa_loc_conf_t *a,
    ngx_http_mfa_loc_conf_t *b)
{
    if ((a->cookie == NULL) != (b->cookie == NULL)
        || (a->cookie != NULL
            && (a->cookie->flavour != b->cookie->flavour
                || !ngx_http_mfa_same_str(a->cookie->name, b->cookie->name))))
    {
        return 0;
    }

    /* Django's envelope: its secrets and salt, of the same directive */
    if (a->session_format != b->session_format
        && (a->session_format->format != b->session_format->format
            || a->session_format->format == MFA_FORMAT_DJANGO))
    {
        return 0;
    }

    return a->session_max_size == b->session_max_size
           && a->visitor_cookie == b->visitor_cookie
           && a->policy_scope == b->policy_scope
           && a->fail == b->fail
           && (a->company == NULL) == (b->company == NULL)
           && ngx_http_mfa_same_str(a->session_user, b->session_user)
           && ngx_http_mfa_same_str(a->session_company, b->session_company)
           && ngx_http_mfa_same_str(a->session_admin, b->session_admin)
           && ngx_http_mfa_same_str(a->introspect, b->introspect)
           && ngx_http_mfa_same_str(a->introspect_args, b->introspect_args)
           && ngx_http_mfa_same_str(a->pages, b->pages);
}


static ngx_int_t
ngx_http_mfa_respond(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx)
{
    if (!ctx->counted) {
        ctx->counted = 1;
        ngx_http_mfa_metrics_decision(&ctx->decision);
    }

    switch (ctx->decision.action) {

    case MFA_GATE_THROUGH:
        return ngx_http_mfa_through(r, ctx);

    case MFA_GATE_DENY:
        return NGX_HTTP_FORBIDDEN;

    case MFA_GATE_UNAVAILABLE:
        return ngx_http_mfa_unavailable(r);

    default: /* MFA_GATE_CHALLENGE, MFA_GATE_ENROLL */
        return ngx_http_mfa_to_page(r, ctx);
    }
}


/* through: the headers the upstream gets, set once */

static ngx_int_t
ngx_http_mfa_through(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx)
{
    mfa_gate_identity_t  *id;

    static ngx_http_mfa_header_name_t  user_header =
        ngx_http_mfa_header_name("X-MFA-User", "x-mfa-user");
    static ngx_http_mfa_header_name_t  status_header =
        ngx_http_mfa_header_name("X-MFA-Status", "x-mfa-status");

    if (ctx->decision.status == NULL) {
        return NGX_DECLINED;
    }

    if (ctx->headers_set) {
        return NGX_OK;
    }

    ctx->headers_set = 1;
    id = &ctx->identity;

    /* the dashboard sees the session decided on, or none */

    if (ctx->in.visitor && !ctx->decision.session && ctx->cookie != NULL) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "mfa: a visitor's session cookie withheld from the "
                       "upstream (\"mfa_visitor_cookie off\")");
    }

    if (ngx_http_mfa_cookie_rewrite(r, ctx->decision.session ? ctx->cookie
                                                             : NULL)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (id->user.found
        && ngx_http_mfa_add_header(r, &user_header, (u_char *) id->user.data,
                                   id->user.len)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_mfa_add_header(r, &status_header,
                                (u_char *) ctx->decision.status,
                                ngx_strlen(ctx->decision.status))
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}


/* Redis could not be asked and mfa_fail is "closed": 503 */

static ngx_int_t
ngx_http_mfa_unavailable(ngx_http_request_t *r)
{
    ngx_int_t  rc;
    ngx_str_t  type;

    static ngx_str_t  unavailable =
        ngx_string("Two-factor authentication is unavailable for a moment; "
                   "please try again.\n");

    if (ngx_http_mfa_request_kind(r) != MFA_REQUEST_API) {
        /* a browser: the translated page, never plain text */
        ngx_http_mfa_pages_unavailable(r);
        return NGX_DONE;
    }

    if (ngx_http_mfa_set_header(r, "Retry-After", "5") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&type, "text/plain");
    rc = ngx_http_mfa_send(r, NGX_HTTP_SERVICE_UNAVAILABLE, &type,
                           &unavailable);
    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


/*
 * The challenge or the enrolment, with the way back: a redirect for a
 * browser (303 after a form's POST, so that it GETs the page), 401 with
 * the page's URL as JSON for an API call.
 */

static ngx_int_t
ngx_http_mfa_to_page(ngx_http_request_t *r, ngx_http_mfa_ctx_t *ctx)
{
    size_t                    len;
    u_char                   *p;
    ngx_int_t                 rc;
    ngx_str_t                 body, type;
    mfa_str_t                 pages, uri, location;
    mfa_request_kind_e        kind;
    ngx_http_mfa_loc_conf_t  *mlcf;

    mlcf = ngx_http_get_module_loc_conf(r, ngx_http_mfa_module);

    pages.data = (char *) mlcf->pages.data;
    pages.len = mlcf->pages.len;
    uri.data = (char *) r->unparsed_uri.data;
    uri.len = r->unparsed_uri.len;

    len = mfa_gate_location(&pages, ctx->decision.action, &uri, NULL);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    location.data = (char *) p;
    location.len = mfa_gate_location(&pages, ctx->decision.action, &uri,
                                     (char *) p);

    kind = ngx_http_mfa_request_kind(r);

    if (kind != MFA_REQUEST_API) {
        if (ngx_http_mfa_set_location(r, p, location.len) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return (kind == MFA_REQUEST_FORM) ? NGX_HTTP_SEE_OTHER
                                          : NGX_HTTP_MOVED_TEMPORARILY;
    }

    len = mfa_gate_json_body(ctx->decision.action, &location, NULL);

    body.data = ngx_pnalloc(r->pool, len);
    if (body.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body.len = mfa_gate_json_body(ctx->decision.action, &location,
                                  (char *) body.data);

    ngx_str_set(&type, "application/json");

    rc = ngx_http_mfa_send(r, NGX_HTTP_UNAUTHORIZED, &type, &body);
    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


/* what the browser does: a navigation, a form's POST, or a script's call */

static mfa_request_kind_e
ngx_http_mfa_request_kind(ngx_http_request_t *r)
{
    mfa_str_t     accept, xrw, mode, type;
    mfa_method_e  method;

    accept = ngx_http_mfa_header_in(r, "Accept");
    xrw = ngx_http_mfa_header_in(r, "X-Requested-With");
    mode = ngx_http_mfa_header_in(r, "Sec-Fetch-Mode");

    type.data = NULL;
    type.len = 0;

    if (r->headers_in.content_type != NULL) {
        type.data = (char *) r->headers_in.content_type->value.data;
        type.len = r->headers_in.content_type->value.len;
    }

    method = (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD)) ? MFA_METHOD_READ
             : (r->method == NGX_HTTP_POST) ? MFA_METHOD_POST
                                            : MFA_METHOD_OTHER;

    return mfa_request_kind(method, &accept, &xrw, &mode, &type);
}


static char *
ngx_http_mfa_redis(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    ngx_str_t  *value;

    if (mmcf->redis.master.data != NULL) {
        return "cannot be used with \"mfa_redis_sentinel\"";
    }

    if (mmcf->redis.addr.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;
    mmcf->redis.addr = value[1];

    if (value[1].len > 5 && ngx_strncmp(value[1].data, "unix:", 5) == 0) {

        if (value[1].len == 5 || value[1].data[5] != '/') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"mfa_redis\" unix socket \"%V\" must be "
                               "an absolute path", &value[1]);
            return NGX_CONF_ERROR;
        }

        mmcf->redis.unix_socket = 1;
        mmcf->redis.host.len = value[1].len - 5;
        mmcf->redis.host.data = ngx_pnalloc(cf->pool, mmcf->redis.host.len + 1);
        if (mmcf->redis.host.data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_cpystrn(mmcf->redis.host.data, value[1].data + 5,
                    mmcf->redis.host.len + 1);

        return NGX_CONF_OK;
    }

    return ngx_http_mfa_redis_address(cf, "mfa_redis", &value[1],
                                      &mmcf->redis.host, &mmcf->redis.port);
}


/* a numeric "host:port" (the port 6379 by default), the host for hiredis */

static char *
ngx_http_mfa_redis_address(ngx_conf_t *cf, const char *name,
    ngx_str_t *value, ngx_str_t *host, in_port_t *port)
{
    ngx_url_t  u;

    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url = *value;
    u.default_port = NGX_HTTP_MFA_REDIS_PORT;
    u.no_resolve = 1;

    if (ngx_parse_url(cf->pool, &u) != NGX_OK || u.uri.len != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%s\" has an invalid address \"%V\"%s%s",
                           name, value, u.err ? ": " : "",
                           u.err ? u.err : "");
        return NGX_CONF_ERROR;
    }

    /* hiredis resolves names with a blocking getaddrinfo(): numbers only */

    if (u.naddrs == 0 || u.family == AF_UNIX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%s\" address \"%V\" must be a numeric "
                           "IP address%s, not a host name", name, value,
                           ngx_strcmp(name, "mfa_redis") == 0
                           ? " or \"unix:/path\"" : "");
        return NGX_CONF_ERROR;
    }

    *port = u.port;
    host->len = u.host.len;
    host->data = ngx_pnalloc(cf->pool, u.host.len + 1);
    if (host->data == NULL) {
        return NGX_CONF_ERROR;
    }

    /* "[::1]" is given to hiredis as "::1" */

    if (u.host.len > 2 && u.host.data[0] == '[') {
        host->len = u.host.len - 2;
        ngx_cpystrn(host->data, u.host.data + 1, host->len + 1);

    } else {
        ngx_cpystrn(host->data, u.host.data, u.host.len + 1);
    }

    return NGX_CONF_OK;
}


/*
 * mfa_redis_sentinel <master> host:port ...: the master found through the
 * sentinels, instead of an address of "mfa_redis"
 */

static char *
ngx_http_mfa_redis_sentinel(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    u_char                         *p;
    ngx_str_t                      *value;
    ngx_uint_t                      i;
    ngx_http_mfa_redis_sentinel_t  *s;

    if (mmcf->redis.master.data != NULL) {
        return "is duplicate";
    }

    if (mmcf->redis.addr.data != NULL) {
        return "cannot be used with \"mfa_redis\": the sentinels name the "
               "master";
    }

    value = cf->args->elts;

    for (p = value[1].data; p < value[1].data + value[1].len; p++) {
        if (*p <= ' ' || *p >= 0x7f) {
            break;
        }
    }

    if (value[1].len == 0 || p != value[1].data + value[1].len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_redis_sentinel\" needs the name the "
                           "sentinels monitor the master by, then their "
                           "addresses");
        return NGX_CONF_ERROR;
    }

    mmcf->redis.master = value[1];

    /* for the logs, until the sentinels name the master's address */

    mmcf->redis.addr.len = sizeof("master \"\"") - 1 + value[1].len;
    mmcf->redis.addr.data = ngx_pnalloc(cf->pool, mmcf->redis.addr.len);
    if (mmcf->redis.addr.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_sprintf(mmcf->redis.addr.data, "master \"%V\"", &value[1]);

    mmcf->redis.sentinels = ngx_array_create(cf->pool, cf->args->nelts - 2,
                                 sizeof(ngx_http_mfa_redis_sentinel_t));
    if (mmcf->redis.sentinels == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 2; i < cf->args->nelts; i++) {
        s = ngx_array_push(mmcf->redis.sentinels);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        s->addr = value[i];

        if (ngx_http_mfa_redis_address(cf, "mfa_redis_sentinel", &value[i],
                                       &s->host, &s->port)
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/*
 * mfa_redis_replicas <n> [<timeout>]: a write the pages, the admin page or
 * the API report as done has reached n replicas (WAIT n timeout)
 */

static char *
ngx_http_mfa_redis_replicas(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    ngx_int_t   n;
    ngx_str_t  *value;
    ngx_msec_t  ms;

    if (mmcf->redis.replicas != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    n = ngx_atoi(value[1].data, value[1].len);

    if (n == NGX_ERROR || n > 64) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_redis_replicas\" needs a number of "
                           "replicas from 0 to 64, not \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    mmcf->redis.replicas = n;
    mmcf->redis.replicas_timeout = 500;

    if (cf->args->nelts == 3) {
        if (n == 0) {
            /* no replica is waited for: a time would mean nothing */
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"mfa_redis_replicas 0\" waits for no "
                               "replica: \"%V\" is given for nothing (no "
                               "time, or a number of replicas)", &value[2]);
            return NGX_CONF_ERROR;
        }

        ms = ngx_parse_time(&value[2], 0);

        if (ms == (ngx_msec_t) NGX_ERROR || ms == 0 || ms > 60000) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"mfa_redis_replicas\" needs a time from "
                               "1ms to 60s to wait for them, not \"%V\"",
                               &value[2]);
            return NGX_CONF_ERROR;
        }

        mmcf->redis.replicas_timeout = ms;
    }

    return NGX_CONF_OK;
}


/*
 * mfa_redis_canary_key <key>: a key the operator writes once; while Redis
 * does not have it, its data is not the module's and it counts as down
 */

static char *
ngx_http_mfa_redis_canary(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    ngx_str_t  *value;

    if (mmcf->redis.canary.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > 256) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_redis_canary_key\" needs a Redis key of "
                           "1 to 256 bytes");
        return NGX_CONF_ERROR;
    }

    mmcf->redis.canary = value[1];

    return NGX_CONF_OK;
}


/*
 * Reads a one-line secret file (a password, a token) that neither group
 * nor others may access, into buf (NGX_HTTP_MFA_SECRET_MAX + 1 bytes),
 * without its final newline.
 */

static ngx_int_t
ngx_http_mfa_read_secret(ngx_conf_t *cf, ngx_str_t *name, u_char *buf,
    size_t *len)
{
    ssize_t          n;
    ngx_fd_t         fd;
    ngx_str_t       *directive;
    ngx_file_t       file;
    ngx_file_info_t  fi;

    directive = &((ngx_str_t *) cf->args->elts)[0];

    if (ngx_conf_full_name(cf->cycle, name, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"%V\" cannot open \"%V\"", directive, name);
        return NGX_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.fd = fd;
    file.name = *name;
    file.log = cf->log;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR
        || (fi.st_mode & (S_IRWXG|S_IRWXO)))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" \"%V\" is accessible by group or "
                           "others; make it 0600 or 0400", directive, name);
        goto failed;
    }

    n = ngx_read_file(&file, buf, NGX_HTTP_MFA_SECRET_MAX + 1, 0);

    if (n == NGX_ERROR) {
        goto failed;
    }

    if (n > NGX_HTTP_MFA_SECRET_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" \"%V\" is longer than %d bytes",
                           directive, name, NGX_HTTP_MFA_SECRET_MAX);
        goto failed;
    }

    ngx_close_file(fd);

    /* one line: a final newline only */

    while (n > 0 && (buf[n - 1] == CR || buf[n - 1] == LF)) {
        n--;
    }

    if (ngx_strlchr(buf, buf + n, LF) != NULL
        || ngx_strlchr(buf, buf + n, CR) != NULL)
    {
        ngx_explicit_memzero(buf, NGX_HTTP_MFA_SECRET_MAX + 1);
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" \"%V\" must hold one line",
                           directive, name);
        return NGX_ERROR;
    }

    *len = n;

    return NGX_OK;

failed:

    ngx_close_file(fd);
    ngx_explicit_memzero(buf, NGX_HTTP_MFA_SECRET_MAX + 1);

    return NGX_ERROR;
}


static char *
ngx_http_mfa_redis_password_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    u_char       *p, *last, *word;
    size_t        n;
    ngx_str_t    *value, words[3];
    ngx_uint_t    nwords;
    u_char        buf[NGX_HTTP_MFA_SECRET_MAX + 1];

    if (mmcf->redis.password.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_http_mfa_read_secret(cf, &value[1], buf, &n) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /* "password" or "user password" */

    nwords = 0;
    p = buf;
    last = buf + n;

    while (p < last && nwords < 3) {
        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        word = p;

        while (p < last && *p != ' ' && *p != '\t') {
            p++;
        }

        if (p > word) {
            words[nwords].data = word;
            words[nwords].len = p - word;
            nwords++;
        }
    }

    if (nwords == 0 || nwords > 2) {
        ngx_explicit_memzero(buf, sizeof(buf));
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_redis_password_file\" \"%V\" must hold "
                           "\"password\" or \"user password\" on one line",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    if (nwords == 2) {
        mmcf->redis.user.data = ngx_pstrdup(cf->pool, &words[0]);
        mmcf->redis.user.len = words[0].len;
    }

    mmcf->redis.password.data = ngx_http_mfa_secret_alloc(cf,
                                                   words[nwords - 1].len + 1);
    mmcf->redis.password.len = words[nwords - 1].len;

    if (mmcf->redis.password.data != NULL) {
        ngx_memcpy(mmcf->redis.password.data, words[nwords - 1].data,
                   words[nwords - 1].len);
    }

    ngx_explicit_memzero(buf, sizeof(buf));

    if (mmcf->redis.password.data == NULL
        || (nwords == 2 && mmcf->redis.user.data == NULL))
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* the sentinels' own password ("requirepass" of their configuration) */

static char *
ngx_http_mfa_sentinel_password_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    size_t      n;
    ngx_str_t  *value;
    u_char      buf[NGX_HTTP_MFA_SECRET_MAX + 1];

    if (mmcf->redis.sentinel_password.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_http_mfa_read_secret(cf, &value[1], buf, &n) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_strlchr(buf, buf + n, ' ') != NULL
        || ngx_strlchr(buf, buf + n, '\t') != NULL)
    {
        ngx_explicit_memzero(buf, sizeof(buf));
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_redis_sentinel_password_file\" \"%V\" "
                           "must hold the password alone, on one line",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    mmcf->redis.sentinel_password.data = ngx_http_mfa_secret_alloc(cf, n + 1);
    mmcf->redis.sentinel_password.len = n;

    if (mmcf->redis.sentinel_password.data != NULL) {
        ngx_memcpy(mmcf->redis.sentinel_password.data, buf, n);
    }

    ngx_explicit_memzero(buf, sizeof(buf));

    return mmcf->redis.sentinel_password.data ? NGX_CONF_OK : NGX_CONF_ERROR;
}


/* the API's bearer token: one line of 32 to 256 printable characters */

static char *
ngx_http_mfa_api_token_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    size_t       n, i;
    ngx_str_t   *value;
    u_char       buf[NGX_HTTP_MFA_SECRET_MAX + 1];

    if (mmcf->api_token.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_http_mfa_read_secret(cf, &value[1], buf, &n) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < n; i++) {
        if (buf[i] <= ' ' || buf[i] >= 0x7f) {
            break;
        }
    }

    if (n < NGX_HTTP_MFA_TOKEN_MIN || i < n) {
        ngx_explicit_memzero(buf, sizeof(buf));
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_api_token_file\" \"%V\" must hold one "
                           "token of %d to %d printable characters, without "
                           "spaces (for example: openssl rand -hex 32)",
                           &value[1], NGX_HTTP_MFA_TOKEN_MIN,
                           NGX_HTTP_MFA_SECRET_MAX);
        return NGX_CONF_ERROR;
    }

    mmcf->api_token.data = ngx_http_mfa_secret_alloc(cf, n);
    if (mmcf->api_token.data == NULL) {
        ngx_explicit_memzero(buf, sizeof(buf));
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(mmcf->api_token.data, buf, n);
    mmcf->api_token.len = n;

    ngx_explicit_memzero(buf, sizeof(buf));

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_secret_key_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    ngx_str_t   *value;
    mfa_err_t    err;
    mfa_key_t   *key;
    ngx_uint_t   i;

    if (mmcf->keys != NULL) {
        return "is duplicate";
    }

    /* the array's elements in memory of their own: see ngx_http_mfa_secret.c */

    mmcf->keys = ngx_palloc(cf->pool, sizeof(ngx_array_t));
    if (mmcf->keys == NULL) {
        return NGX_CONF_ERROR;
    }

    mmcf->keys->elts = ngx_http_mfa_secret_alloc(cf, (cf->args->nelts - 1)
                                                     * sizeof(mfa_key_t));
    if (mmcf->keys->elts == NULL) {
        return NGX_CONF_ERROR;
    }

    mmcf->keys->nelts = 0;
    mmcf->keys->size = sizeof(mfa_key_t);
    mmcf->keys->nalloc = cf->args->nelts - 1;
    mmcf->keys->pool = cf->pool;

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_conf_full_name(cf->cycle, &value[i], 1) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        key = ngx_array_push(mmcf->keys);
        if (key == NULL) {
            return NGX_CONF_ERROR;
        }

        if (mfa_key_load((char *) value[i].data, key, &err) != MFA_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"mfa_secret_key_file\": %s", err.msg);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/*
 * mfa_session_cookie NAME [FRAMEWORK] [secret_file=PATH ...]: the session
 * cookie, read by its framework's rules, its signature checked with the
 * framework's secrets (the first current, the others older ones).
 */

static char *
ngx_http_mfa_session_cookie(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_loc_conf_t *mlcf = conf;

    int                 flavour;
    char               *rv;
    ngx_str_t          *value;
    ngx_uint_t          i;
    mfa_cookie_spec_t  *spec;

    if (mlcf->cookie != NULL) {
        return "is duplicate";
    }

    if (mlcf->session_id != NULL) {
        return "cannot be used with \"mfa_session_id\" in the same block";
    }

    value = cf->args->elts;

    if (!mfa_cookie_name_valid((char *) value[1].data, value[1].len)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_session_cookie\" \"%V\" is not a cookie "
                           "name (1 to %d characters, no space, control "
                           "character or separator)", &value[1],
                           MFA_COOKIE_NAME_MAX);
        return NGX_CONF_ERROR;
    }

    spec = ngx_pcalloc(cf->pool, sizeof(mfa_cookie_spec_t));
    if (spec == NULL) {
        return NGX_CONF_ERROR;
    }

    spec->name.data = (char *) value[1].data;
    spec->name.len = value[1].len;
    spec->flavour = MFA_COOKIE_PLAIN;

    i = 2;

    if (cf->args->nelts > 2
        && ngx_strncmp(value[2].data, "secret_file=", 12) != 0)
    {
        flavour = mfa_cookie_flavour((char *) value[2].data, value[2].len);

        if (flavour < 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"mfa_session_cookie\" has an unknown "
                               "framework \"%V\": plain, express, fastify, "
                               "koa, flask, django, php, rack or spring",
                               &value[2]);
            return NGX_CONF_ERROR;
        }

        spec->flavour = (mfa_cookie_flavour_e) flavour;
        i = 3;
    }

    for ( /* void */ ; i < cf->args->nelts; i++) {
        rv = ngx_http_mfa_session_cookie_secret(cf, spec, &value[i]);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    if (mfa_cookie_signed(spec->flavour) && spec->nsecrets == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_session_cookie\" \"%s\" cookies are "
                           "signed: give the app's secret with "
                           "\"secret_file=\", so that the gate checks the "
                           "signature as the app does",
                           mfa_cookie_flavour_name(spec->flavour));
        return NGX_CONF_ERROR;
    }

    mlcf->cookie = spec;

    return NGX_CONF_OK;
}


/* "secret_file=PATH": one signing secret of the framework's */

static char *
ngx_http_mfa_session_cookie_secret(ngx_conf_t *cf, mfa_cookie_spec_t *spec,
    ngx_str_t *param)
{
    ngx_str_t  file;

    if (param->len <= 12 || ngx_strncmp(param->data, "secret_file=", 12) != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_session_cookie\" has an unknown "
                           "parameter \"%V\" (expected "
                           "\"secret_file=PATH\")", param);
        return NGX_CONF_ERROR;
    }

    if (!mfa_cookie_can_sign(spec->flavour)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_session_cookie\" \"%s\" cookies are not "
                           "signed: \"secret_file=\" has no use",
                           mfa_cookie_flavour_name(spec->flavour));
        return NGX_CONF_ERROR;
    }

    file.data = param->data + 12;
    file.len = param->len - 12;

    return ngx_http_mfa_conf_secret(cf, &file, spec->secrets,
                                    &spec->nsecrets, MFA_COOKIE_SECRETS_MAX);
}


/*
 * "secret_file=": one more of the app's secrets (secrets[*nsecrets], at
 * most max), from a file, kept where core dumps do not go
 */

static char *
ngx_http_mfa_conf_secret(ngx_conf_t *cf, ngx_str_t *file,
    mfa_str_t *secrets, size_t *nsecrets, size_t max)
{
    u_char     *p;
    size_t      n;
    ngx_str_t  *directive;
    u_char      buf[NGX_HTTP_MFA_SECRET_MAX + 1];

    directive = &((ngx_str_t *) cf->args->elts)[0];

    if (*nsecrets == max) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" takes at most %uz \"secret_file=\"",
                           directive, max);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_mfa_read_secret(cf, file, buf, &n) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (n == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" secret file \"%V\" is empty",
                           directive, file);
        return NGX_CONF_ERROR;
    }

    p = ngx_http_mfa_secret_alloc(cf, n);
    if (p == NULL) {
        ngx_explicit_memzero(buf, sizeof(buf));
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(p, buf, n);
    ngx_explicit_memzero(buf, sizeof(buf));

    secrets[*nsecrets].data = (char *) p;
    secrets[*nsecrets].len = n;
    (*nsecrets)++;

    return NGX_CONF_OK;
}


/*
 * mfa_session_format FORMAT [serializer=json|pickle] [salt=SALT]
 * [secret_file=PATH ...]: the session record's format; the parameters are
 * those of Django's signed envelope, and "hash serializer=json" a hash
 * whose every field is JSON (Spring Session).
 */

static char *
ngx_http_mfa_session_format(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_loc_conf_t *mlcf = conf;

    int            format;
    char          *rv;
    ngx_str_t     *value;
    ngx_uint_t     i;
    mfa_format_t  *f;

    if (mlcf->session_format != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    format = mfa_format_parse((char *) value[1].data, value[1].len);

    if (format < 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_session_format\" has an unknown format "
                           "\"%V\": " MFA_FORMAT_NAMES, &value[1]);
        return NGX_CONF_ERROR;
    }

    f = ngx_pcalloc(cf->pool, sizeof(mfa_format_t));
    if (f == NULL) {
        return NGX_CONF_ERROR;
    }

    f->format = (mfa_format_e) format;
    f->inner = MFA_FORMAT_JSON;

    for (i = 2; i < cf->args->nelts; i++) {

        if (f->format == MFA_FORMAT_HASH
            && ngx_strcmp(value[i].data, "serializer=json") == 0)
        {
            f->json_fields = 1;
            continue;
        }

        if (f->format != MFA_FORMAT_DJANGO) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"mfa_session_format\" \"%V\" takes no "
                               "parameter \"%V\": \"django\" takes "
                               "serializer=, salt= and secret_file=, "
                               "\"hash\" serializer=json",
                               &value[1], &value[i]);
            return NGX_CONF_ERROR;
        }

        rv = ngx_http_mfa_session_format_param(cf, f, &value[i]);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    mlcf->session_format = f;

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_session_format_param(ngx_conf_t *cf, mfa_format_t *f,
    ngx_str_t *param)
{
    int        inner;
    ngx_str_t  v;

    if (param->len > 11 && ngx_strncmp(param->data, "serializer=", 11) == 0) {
        v.data = param->data + 11;
        v.len = param->len - 11;

        inner = mfa_format_serializer((char *) v.data, v.len);

        if (inner >= 0) {
            f->inner = (mfa_format_e) inner;
            return NGX_CONF_OK;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_session_format\" has an unknown "
                           "serializer \"%V\": json or pickle (Django's "
                           "SESSION_SERIALIZER)", &v);
        return NGX_CONF_ERROR;
    }

    if (param->len > 5 && ngx_strncmp(param->data, "salt=", 5) == 0) {
        f->salt.data = (char *) param->data + 5;
        f->salt.len = param->len - 5;
        return NGX_CONF_OK;
    }

    if (param->len > 12 && ngx_strncmp(param->data, "secret_file=", 12) == 0)
    {
        v.data = param->data + 12;
        v.len = param->len - 12;

        return ngx_http_mfa_conf_secret(cf, &v, f->secrets, &f->nsecrets,
                                        MFA_RECORD_SECRETS_MAX);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"mfa_session_format\" has an unknown parameter "
                       "\"%V\" (expected \"serializer=\", \"salt=\" or "
                       "\"secret_file=\")", param);
    return NGX_CONF_ERROR;
}


/*
 * mfa_session_id: an id the operator parses, from a header say; from a
 * cookie, "mfa_session_cookie" reads it as the dashboard does
 */

static char *
ngx_http_mfa_set_session_id(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_mfa_loc_conf_t *mlcf = conf;

    ngx_str_t  *value;

    if (mlcf->cookie != NULL) {
        return "cannot be used with \"mfa_session_cookie\" in the same "
               "block";
    }

    value = cf->args->elts;

    if (ngx_http_mfa_names_var(&value[1], "cookie_")
        || ngx_http_mfa_names_var(&value[1], "http_cookie"))
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "\"mfa_session_id\" \"%V\" reads a cookie "
                           "the way nginx parses it, which is not the way "
                           "the dashboard does: a cookie spelled otherwise "
                           "reaches the dashboard unchecked; use "
                           "\"mfa_session_cookie\"", &value[1]);
    }

    return ngx_http_mfa_set_value(cf, cmd, conf);
}


/* whether a value uses a variable whose name starts with name, any case */

static ngx_uint_t
ngx_http_mfa_names_var(ngx_str_t *value, const char *name)
{
    size_t   len;
    u_char  *p, *last;

    len = ngx_strlen(name);
    last = value->data + value->len;

    for (p = value->data; p < last; p++) {
        if (*p != '$') {
            continue;
        }

        if (p + 1 < last && p[1] == '{') {
            p++;
        }

        if ((size_t) (last - p - 1) >= len
            && ngx_strncasecmp(p + 1, (u_char *) name, len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* a complex value that may not be an empty string */

static char *
ngx_http_mfa_set_value(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t  *value;

    value = cf->args->elts;

    if (value[1].len == 0) {
        return "must not be empty";
    }

    return ngx_http_set_complex_value_slot(cf, cmd, conf);
}


/* "off", or a size from NGX_HTTP_MFA_CACHE_MIN to NGX_HTTP_MFA_CACHE_MAX_M
   megabytes */

static char *
ngx_http_mfa_set_cache_size(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    ssize_t     size;
    ngx_str_t  *value;

    if (mmcf->cache_size != NGX_CONF_UNSET_SIZE) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        mmcf->cache_size = 0;
        return NGX_CONF_OK;
    }

    size = ngx_parse_size(&value[1]);

    if (size == NGX_ERROR || size < NGX_HTTP_MFA_CACHE_MIN
        || (uint64_t) size / (1024 * 1024) > NGX_HTTP_MFA_CACHE_MAX_M)
    {
        return "must be \"off\" or a size from 512k to 131071m";
    }

    mmcf->cache_size = (size_t) size;

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_set_enum(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    u_char           *msg, *last;
    ngx_str_t        *value;
    ngx_uint_t       *np, i;
    ngx_conf_enum_t  *e;

    np = (ngx_uint_t *) (p + cmd->offset);

    if (*np != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;
    e = cmd->post;

    for (i = 0; e[i].name.len != 0; i++) {
        if (e[i].name.len == value[1].len
            && ngx_strcmp(e[i].name.data, value[1].data) == 0)
        {
            *np = e[i].value;
            return NGX_CONF_OK;
        }
    }

    msg = ngx_pnalloc(cf->pool, 128);
    if (msg == NULL) {
        return NGX_CONF_ERROR;
    }

    last = ngx_snprintf(msg, 80, "has an invalid value \"%V\", it must be ",
                        &value[1]);

    for (i = 0; e[i].name.len != 0; i++) {
        last = ngx_snprintf(last, msg + 127 - last, "%s\"%V\"",
                            i == 0 ? "" : (e[i + 1].name.len ? ", " : " or "),
                            &e[i].name);
    }

    *last = '\0';

    return (char *) msg;
}


static char *
ngx_http_mfa_check_path(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *path = data;

    if (!mfa_session_path_valid((char *) path->data, path->len)) {
        return "needs a path such as \"user.id\" or "
               "\"[warden.user.user.key][0][0]\": names of 1 to 255 bytes "
               "separated by dots, no empty name, no space, \"[\" or \"]\" "
               "but in brackets";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_check_pages(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *pages = data;

    if (!mfa_pages_prefix_valid((char *) pages->data, pages->len)) {
        return "needs a location prefix such as \"/_mfa/\": starting and "
               "ending with \"/\", segments of letters, digits and \"-._~\", "
               "no empty, \".\" or \"..\" segment";
    }

    return NGX_CONF_OK;
}


/* a link on the pages: a local path or an http(s) URL */

static char *
ngx_http_mfa_check_logout(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *url = data;

    ngx_uint_t  i;

    for (i = 0; i < url->len; i++) {
        if (url->data[i] <= ' ' || url->data[i] == 0x7f) {
            goto invalid;
        }
    }

    if (mfa_return_url_valid((char *) url->data, url->len)
        || (url->len > 8 && ngx_strncasecmp(url->data, (u_char *) "https://", 8)
                            == 0)
        || (url->len > 7 && ngx_strncasecmp(url->data, (u_char *) "http://", 7)
                            == 0))
    {
        return NGX_CONF_OK;
    }

invalid:

    return "needs a local path such as \"/logout\" or an http(s) URL, "
           "without spaces or control characters";
}


static char *
ngx_http_mfa_check_issuer(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *issuer = data;

    ngx_uint_t  i;

    if (issuer->len == 0 || issuer->len > 64) {
        return "needs a name of 1 to 64 bytes";
    }

    for (i = 0; i < issuer->len; i++) {
        if (issuer->data[i] == ':' || issuer->data[i] < 0x20
            || issuer->data[i] == 0x7f)
        {
            return "must not contain a colon or a control character";
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_check_num(ngx_conf_t *cf, void *post, void *data)
{
    ngx_int_t  *np = data;

    ngx_http_mfa_bounds_t  *b = post;

    if (*np < b->low || *np > b->high) {
        return ngx_http_mfa_out_of_bounds(cf, b, "");
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_check_sec(ngx_conf_t *cf, void *post, void *data)
{
    time_t  *sp = data;

    ngx_http_mfa_bounds_t  *b = post;

    if (*sp < b->low || *sp > b->high) {
        return ngx_http_mfa_out_of_bounds(cf, b, "s");
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_check_msec(ngx_conf_t *cf, void *post, void *data)
{
    ngx_msec_t  *msp = data;

    ngx_http_mfa_bounds_t  *b = post;

    if (*msp < (ngx_msec_t) b->low || *msp > (ngx_msec_t) b->high) {
        return ngx_http_mfa_out_of_bounds(cf, b, "ms");
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_check_size(ngx_conf_t *cf, void *post, void *data)
{
    size_t  *sp = data;

    ngx_http_mfa_bounds_t  *b = post;

    if (*sp < (size_t) b->low || *sp > (size_t) b->high) {
        return "must be from 1k to 16m";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_mfa_out_of_bounds(ngx_conf_t *cf, ngx_http_mfa_bounds_t *b,
    const char *unit)
{
    u_char  *msg, *last;

    msg = ngx_pnalloc(cf->pool, 64);
    if (msg == NULL) {
        return NGX_CONF_ERROR;
    }

    last = ngx_snprintf(msg, 63, "must be from %i%s to %i%s",
                        b->low, unit, b->high, unit);
    *last = '\0';

    return (char *) msg;
}


static char *
ngx_http_mfa_check_prefix(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *prefix = data;

    ngx_uint_t  i;

    if (prefix->len == 0 || prefix->len > 32) {
        return "needs a prefix of 1 to 32 bytes";
    }

    for (i = 0; i < prefix->len; i++) {
        if (prefix->data[i] <= 0x20 || prefix->data[i] >= 0x7f) {
            return "must be printable ASCII without spaces";
        }
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_mfa_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_mfa_main_conf_t  *mmcf;

    mmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_mfa_main_conf_t));
    if (mmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     mmcf->redis.addr = { 0, NULL };
     *     mmcf->redis.host = { 0, NULL };
     *     mmcf->redis.unix_socket = 0;
     *     mmcf->redis.user = { 0, NULL };
     *     mmcf->redis.password = { 0, NULL };
     *     mmcf->prefix = { 0, NULL };
     *     mmcf->keys = NULL;
     *     mmcf->issuer = { 0, NULL };
     */

    mmcf->redis.timeout = NGX_CONF_UNSET_MSEC;
    mmcf->redis.db = NGX_CONF_UNSET;
    mmcf->redis.replicas = NGX_CONF_UNSET_UINT;
    mmcf->redis.events = NGX_CONF_UNSET;
    mmcf->cache_size = NGX_CONF_UNSET_SIZE;

    return mmcf;
}


static char *
ngx_http_mfa_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_mfa_main_conf_t *mmcf = conf;

    ngx_conf_init_msec_value(mmcf->redis.timeout, 200);
    ngx_conf_init_value(mmcf->redis.db, 0);
    ngx_conf_init_uint_value(mmcf->redis.replicas, 0);
    ngx_conf_init_size_value(mmcf->cache_size, 64 * 1024 * 1024);
    ngx_conf_init_value(mmcf->redis.events, 0);

    if (mmcf->prefix.data == NULL) {
        ngx_str_set(&mmcf->prefix, "mfa:");
    }

    mmcf->redis.prefix = mmcf->prefix;

    if (mmcf->redis.events && mmcf->cache_size == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_session_events\" keeps cached sessions "
                           "exact: it needs the cache, but "
                           "\"mfa_cache_size\" is off");
        return NGX_CONF_ERROR;
    }

    if (ngx_http_mfa_key_prefix(cf, mmcf, MFA_KEY_USER, &mmcf->key_user)
           != NGX_OK
        || ngx_http_mfa_key_prefix(cf, mmcf, MFA_KEY_COMPANY,
                                   &mmcf->key_company) != NGX_OK
        || ngx_http_mfa_key_prefix(cf, mmcf, MFA_KEY_VERIFIED,
                                   &mmcf->key_verified) != NGX_OK
        || ngx_http_mfa_key_prefix(cf, mmcf, MFA_KEY_PENDING,
                                   &mmcf->key_pending) != NGX_OK
        || ngx_http_mfa_key_prefix(cf, mmcf, MFA_KEY_ADDR,
                                   &mmcf->key_addr) != NGX_OK
        || ngx_http_mfa_key_prefix(cf, mmcf, MFA_KEY_AUDIT,
                                   &mmcf->key_audit) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (mmcf->issuer.data == NULL) {
        ngx_str_set(&mmcf->issuer, "nginx");
    }

    return NGX_CONF_OK;
}


/* "<prefix><kind>": the start of a kind of key, built once */

static ngx_int_t
ngx_http_mfa_key_prefix(ngx_conf_t *cf, ngx_http_mfa_main_conf_t *mmcf,
    char *kind, ngx_str_t *key)
{
    size_t  len;

    len = ngx_strlen(kind);

    key->len = mmcf->prefix.len + len;
    key->data = ngx_pnalloc(cf->pool, key->len);
    if (key->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(ngx_cpymem(key->data, mmcf->prefix.data, mmcf->prefix.len),
               kind, len);

    return NGX_OK;
}


static void *
ngx_http_mfa_create_srv_conf(ngx_conf_t *cf)
{
    /* set by ngx_pcalloc(): gated = 0 */

    return ngx_pcalloc(cf->pool, sizeof(ngx_http_mfa_srv_conf_t));
}


static void *
ngx_http_mfa_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_mfa_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_mfa_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->preset = NULL;
     *     conf->cookie = NULL;
     *     conf->session_id = NULL;
     *     conf->session_key = NULL;
     *     conf->introspect = { 0, NULL };
     *     conf->introspect_args = { 0, NULL };
     *     conf->session_format = NULL;
     *     conf->session_user = { 0, NULL };
     *     conf->session_company = { 0, NULL };
     *     conf->session_admin = { 0, NULL };
     *     conf->company = NULL;
     *     conf->pages = { 0, NULL };
     */

    conf->enable = NGX_CONF_UNSET;
    conf->visitor_cookie = NGX_CONF_UNSET;
    conf->session_max_size = NGX_CONF_UNSET_SIZE;
    conf->policy_scope = NGX_CONF_UNSET_UINT;
    conf->fail = NGX_CONF_UNSET_UINT;
    conf->verified_ttl = NGX_CONF_UNSET;
    conf->totp_digits = NGX_CONF_UNSET_UINT;
    conf->totp_period = NGX_CONF_UNSET;
    conf->totp_algorithm = NGX_CONF_UNSET_UINT;
    conf->totp_skew = NGX_CONF_UNSET_UINT;

    return conf;
}


static char *
ngx_http_mfa_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_mfa_loc_conf_t *prev = parent;
    ngx_http_mfa_loc_conf_t *conf = child;

    const char                *missing;
    ngx_http_mfa_srv_conf_t   *mscf;
    ngx_http_mfa_main_conf_t  *mmcf;
    ngx_http_core_loc_conf_t  *clcf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);

    /*
     * a preset written in the parent (the http block is never merged as
     * a child: its own is applied here) or here, then what the block
     * inherits
     */

    if (ngx_http_mfa_preset_apply(cf, prev) != NGX_OK
        || ngx_http_mfa_preset_apply(cf, conf) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->preset == NULL) {
        conf->preset = prev->preset;
    }

    if (conf->cookie == NULL && conf->session_id == NULL) {
        conf->cookie = prev->cookie;
        conf->session_id = prev->session_id;
    }

    /* the session is read in Redis at a key, or asked of the app */

    if (conf->introspect.data != NULL && conf->session_key != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_session_introspect\" cannot be used with "
                           "\"mfa_session_key\" (or a preset's) in the "
                           "same block: the app is asked instead");
        return NGX_CONF_ERROR;
    }

    if (conf->introspect.data == NULL && conf->session_key == NULL) {
        conf->introspect = prev->introspect;
        conf->introspect_args = prev->introspect_args;
        conf->session_key = prev->session_key;
    }

    if (conf->company == NULL) {
        conf->company = prev->company;
    }

    if (conf->session_format == NULL) {
        conf->session_format = (prev->session_format != NULL)
                               ? prev->session_format
                               : &ngx_http_mfa_format_json;
    }
    ngx_conf_merge_value(conf->visitor_cookie, prev->visitor_cookie, 0);
    ngx_conf_merge_size_value(conf->session_max_size, prev->session_max_size,
                              64 * 1024);

    ngx_conf_merge_str_value(conf->session_user, prev->session_user, "");
    ngx_conf_merge_str_value(conf->session_company, prev->session_company,
                             "");
    ngx_conf_merge_str_value(conf->session_admin, prev->session_admin, "");

    if (ngx_http_mfa_introspect_merge(cf, conf, &ngx_http_mfa_format_json)
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }
    ngx_conf_merge_str_value(conf->pages, prev->pages, "/_mfa/");
    ngx_conf_merge_str_value(conf->logout_url, prev->logout_url, "");
    ngx_conf_merge_uint_value(conf->policy_scope, prev->policy_scope,
                              NGX_HTTP_MFA_SCOPE_ACTIVE);
    ngx_conf_merge_uint_value(conf->fail, prev->fail,
                              NGX_HTTP_MFA_FAIL_CLOSED);
    ngx_conf_merge_sec_value(conf->verified_ttl, prev->verified_ttl,
                             12 * 60 * 60);
    ngx_conf_merge_uint_value(conf->totp_digits, prev->totp_digits, 6);
    ngx_conf_merge_sec_value(conf->totp_period, prev->totp_period, 30);
    ngx_conf_merge_uint_value(conf->totp_algorithm, prev->totp_algorithm,
                              MFA_TOTP_SHA1);
    ngx_conf_merge_uint_value(conf->totp_skew, prev->totp_skew, 1);

    /* a code is a second factor only while it is fresh */

    if ((time_t) conf->totp_skew * conf->totp_period
        > MFA_TOTP_MAX_DRIFT)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa_totp_skew\" %ui with \"mfa_totp_period\" "
                           "%T s accepts codes up to %T s old or early; at "
                           "most %d s", conf->totp_skew, conf->totp_period,
                           (time_t) conf->totp_skew * conf->totp_period,
                           MFA_TOTP_MAX_DRIFT);
        return NGX_CONF_ERROR;
    }

    if (!conf->enable) {
        return NGX_CONF_OK;
    }

    /* locations are merged server by server: this one's server */
    mscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_mfa_module);
    mscf->gated = 1;

    mmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_mfa_module);
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (mmcf->redis.addr.data == NULL) {
        missing = "\"mfa_redis\" (or \"mfa_redis_sentinel\") in the http "
                  "block";

    } else if (mmcf->keys == NULL) {
        missing = "\"mfa_secret_key_file\" in the http block";

    } else if (conf->cookie == NULL && conf->session_id == NULL
               && conf->introspect.data == NULL)
    {
        missing = ngx_http_mfa_preset_cookie_missing(conf);

        if (missing == NULL) {
            missing = "\"mfa_session_cookie\" (or \"mfa_session_id\", or "
                      "\"mfa_session_introspect\")";
        }

    } else if (conf->session_key == NULL && conf->introspect.data == NULL) {
        missing = "\"mfa_session_key\" (or \"mfa_session_introspect\")";

    } else if (conf->cookie != NULL && conf->session_key != NULL
               && !ngx_http_mfa_names_var(&conf->session_key->value,
                                          "mfa_session_id"))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "with \"mfa_session_cookie\", \"mfa_session_key\" "
                           "\"%V\" must be made of $mfa_session_id, the id "
                           "the gate checked", &conf->session_key->value);
        return NGX_CONF_ERROR;

    } else if (conf->session_user.len == 0) {
        missing = "\"mfa_session_user\"";

    } else if (clcf->satisfy == NGX_HTTP_SATISFY_ANY) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"mfa on\" cannot be used with \"satisfy any\": "
                           "another access rule would let requests skip "
                           "the 2FA gate");
        return NGX_CONF_ERROR;

    } else if (conf->session_company.len == 0 && conf->company == NULL
               && conf->policy_scope == NGX_HTTP_MFA_SCOPE_ACTIVE)
    {
        missing = "\"mfa_session_company\" or \"mfa_company\" to know "
                  "the active company (or \"mfa_policy_scope any\")";

    } else {
        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"mfa on\" needs %s", missing);

    return NGX_CONF_ERROR;
}


static ngx_int_t
ngx_http_mfa_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_mfa_add_variables(cf);
}


static ngx_int_t
ngx_http_mfa_init(ngx_conf_t *cf)
{
    ngx_uint_t                  n;
    ngx_http_mfa_main_conf_t   *mmcf;
    ngx_http_handler_pt        *h, *handlers;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    /*
     * nginx runs access handlers from the last registered to the first:
     * at the front, the gate runs after allow/deny and the other access
     * modules, whatever the build put first
     */

    handlers = cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers.elts;
    n = cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers.nelts;

    ngx_memmove(&handlers[1], &handlers[0],
                (n - 1) * sizeof(ngx_http_handler_pt));
    handlers[0] = ngx_http_mfa_handler;

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PREACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_mfa_subrequest_handler;

    /* the counters, wherever the module is at work or asked for them */

    mmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_mfa_module);

    if ((mmcf->redis.addr.data != NULL || mmcf->metrics)
        && ngx_http_mfa_metrics_zone(cf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* a configuration loaded: which module it runs, in the log */

static ngx_int_t
ngx_http_mfa_init_module(ngx_cycle_t *cycle)
{
    ngx_log_error(NGX_LOG_NOTICE, cycle->log, 0,
                  "mfa: ngx_http_mfa_module " MFA_VERSION
                  " (hiredis %d.%d.%d, %s)", HIREDIS_MAJOR, HIREDIS_MINOR,
                  HIREDIS_PATCH, OpenSSL_version(OPENSSL_VERSION));

    return NGX_OK;
}


static ngx_int_t
ngx_http_mfa_init_process(ngx_cycle_t *cycle)
{
    ngx_http_mfa_main_conf_t  *mmcf;

    /* cache manager and loader processes serve no requests */

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    mmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_mfa_module);

    if (mmcf == NULL || mmcf->redis.addr.data == NULL) {
        return NGX_OK;
    }

    ngx_http_mfa_store_init();

    /*
     * the session digest is keyed with the last key listed, the oldest in
     * a rotation: it changes when that key is dropped, not when a new one
     * comes first
     */

    if (mmcf->keys != NULL
        && mfa_session_digest_init((mfa_key_t *) mmcf->keys->elts
                                   + mmcf->keys->nelts - 1)
           != MFA_OK)
    {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0,
                      "mfa: OpenSSL cannot key the session digest");
        return NGX_ERROR;
    }

    if (ngx_http_mfa_cache_init(cycle, mmcf->cache_size) != NGX_OK
        || ngx_http_mfa_cookie_init_process(cycle) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_mfa_redis_init(cycle, &mmcf->redis);
}


static void
ngx_http_mfa_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_mfa_redis_exit();
    ngx_http_mfa_cache_exit();
    ngx_http_mfa_cookie_exit_process();
}
